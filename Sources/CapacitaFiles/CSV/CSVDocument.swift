/// The format of a delimited file, as detected from its bytes.
public struct CSVFormat: Sendable, Equatable {
    public var encoding: TextEncoding
    public var delimiter: UInt8
    public var hasBOM: Bool

    public init(encoding: TextEncoding, delimiter: UInt8, hasBOM: Bool) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.hasBOM = hasBOM
    }

    /// Detects the format: `start` is the beginning of the file (for the BOM and the header's
    /// delimiter) and `encoding` the result of checking the whole file.
    public static func detect(start: [UInt8], encoding: TextEncoding) -> CSVFormat {
        let hasBOM = start.starts(with: TextEncoding.utf8BOM)
        let body = hasBOM ? Array(start.dropFirst(3)) : start
        return CSVFormat(
            encoding: hasBOM ? .utf8 : encoding, delimiter: CSVParser.detectDelimiter(body), hasBOM: hasBOM)
    }
}

/// A whole small file read into memory: the header matched to known columns and every data row.
/// Large imports stream through `CSVParser` instead; this is for registries and catalogs.
public struct CSVDocument: Sendable {
    public var format: CSVFormat
    public var columns: CSVColumns
    public var rows: [CSVRow]
    /// Problems with the file as a whole or its header (line 1), and rows wider than the header.
    public var issues: [ImportIssue]

    public init(bytes: [UInt8], specs: [ColumnSpec]) {
        var survey = EncodingSurvey()
        survey.feed(bytes)
        let encoding: TextEncoding
        switch survey.verdict.encoding {
        case .success(let found): encoding = found
        case .failure(let problems):
            // Stored as a guess, such text would be wrong without a word: refused, lines named.
            self.format = CSVFormat.detect(start: Array(bytes.prefix(64 * 1024)), encoding: .utf8)
            var issues = problems.issues
            self.columns = CSVColumns(header: [], specs: [], issues: &issues)
            self.rows = []
            self.issues = issues
            return
        }
        let format = CSVFormat.detect(start: Array(bytes.prefix(64 * 1024)), encoding: encoding)
        self.format = format
        var parser = CSVParser(delimiter: format.delimiter)
        var records: [CSVRawRecord] = []
        parser.feed(format.hasBOM ? bytes.dropFirst(3) : bytes[...]) { records.append($0) }
        parser.finish { records.append($0) }
        var issues: [ImportIssue] = []
        if parser.isInsideQuotes { issues.append(CSVLimits.unclosedQuote(line: parser.currentRecordLine)) }
        for record in records where record.oversized { issues.append(CSVLimits.oversized(line: record.line)) }
        for record in records where !record.oversized && record.bytes.contains(0) {
            issues.append(CSVLimits.nulByte(line: record.line))
        }
        // Rows of separators or spaces only are not rows; a title or notes above the header are
        // skipped (HeaderLocator).
        let decoded = records.compactMap { record -> (record: CSVRawRecord, cells: [String])? in
            let cells = record.fields.map { format.encoding.decodeTrimmed($0) }
            return !record.oversized && HeaderLocator.isBlank(cells) ? nil : (record, cells)
        }
        var locator = HeaderLocator(specs: specs)
        var header: (line: Int, cells: [String])?
        var start = decoded.endIndex
        for row in decoded {
            if case .header(let line, let cells) = locator.offer(line: row.record.line, cells: row.cells) {
                header = (line, cells)
                start = decoded.firstIndex { $0.record.line > line } ?? decoded.endIndex
                break
            }
        }
        if header == nil, case .header(let line, let cells) = locator.takeFallback() {
            header = (line, cells)
            start = decoded.firstIndex { $0.record.line > line } ?? decoded.endIndex
        }
        if let header, locator.foundNoHeader { issues.append(HeaderLocator.notFound(line: header.line)) }
        guard let header else {
            issues.append(
                ImportIssue(line: 1, column: "", value: "", message: "el archivo está vacío: falta el encabezado"))
            self.columns = CSVColumns(header: [], specs: specs, issues: &issues)
            self.rows = []
            self.issues = issues
            return
        }
        let columns = CSVColumns(header: header.cells, specs: specs, line: header.line, issues: &issues)
        self.columns = columns
        self.rows = decoded[start...].map { row in CSVRow(line: row.record.line, cells: row.cells, columns: columns) }
        for row in rows where !row.extraCells.isEmpty {
            issues.append(
                ImportIssue(
                    line: row.line, column: "", value: row.extraCells.joined(separator: ", "),
                    message: "la fila tiene más campos que el encabezado"))
        }
        self.issues = issues
    }
}

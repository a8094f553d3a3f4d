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
        let format = CSVFormat.detect(start: Array(bytes.prefix(64 * 1024)), encoding: TextEncoding.detect(bytes))
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
        guard let header = records.first else {
            issues.append(
                ImportIssue(line: 1, column: "", value: "", message: "el archivo está vacío: falta el encabezado"))
            self.columns = CSVColumns(header: [], specs: specs, issues: &issues)
            self.rows = []
            self.issues = issues
            return
        }
        let columns = CSVColumns(
            header: header.fields.map { format.encoding.decodeTrimmed($0) },
            specs: specs, issues: &issues)
        self.columns = columns
        self.rows = records.dropFirst().map { record in
            CSVRow(line: record.line, cells: record.fields.map { format.encoding.decodeTrimmed($0) }, columns: columns)
        }
        for row in rows where !row.extraCells.isEmpty {
            issues.append(
                ImportIssue(
                    line: row.line, column: "", value: row.extraCells.joined(separator: ", "),
                    message: "la fila tiene más campos que el encabezado"))
        }
        self.issues = issues
    }
}

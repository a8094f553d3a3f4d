/// The rows a report refused, read back from the file as it was sent: its header and, for each
/// refused line, its cells as typed. A person fixes these rows and sends them again, so they keep
/// the file's own columns and order; the reasons go beside them (RejectedRowsWorkbook).
public struct RejectedRows: Sendable, Equatable {
    public var header: [String]
    public var rows: [Row]

    public struct Row: Sendable, Equatable {
        /// The line of the file, which is the sheet's own row number.
        public var line: Int
        public var cells: [String]

        public init(line: Int, cells: [String]) {
            self.line = line
            self.cells = cells
        }
    }

    /// Reads `file` once, keeping the header (at `headerLine`) and the `lines` asked for. Memory
    /// holds those rows only, whatever the size of the file.
    public static func read(_ file: InputFile, headerLine: Int, lines: Set<Int>) throws -> RejectedRows {
        var found = RejectedRows(header: [], rows: [])
        let wanted = lines.subtracting([headerLine])
        func keep(_ line: Int, _ cells: [String]) {
            if line == headerLine {
                found.header = cells
            } else if wanted.contains(line) {
                found.rows.append(Row(line: line, cells: cells))
            }
        }
        if let workbook = file.workbook {
            try workbook.rows(sheet: file.sheet) { keep($0.number, $0.cells) }
            return found
        }
        let format = try file.fingerprint().format
        var parser = CSVParser(delimiter: format.delimiter)
        var first = true
        let emit: (CSVRawRecord) -> Void = { record in
            guard record.line == headerLine || wanted.contains(record.line) else { return }
            keep(record.line, record.fields.map { format.encoding.decode($0) })
        }
        try file.forEachTextChunk { chunk in
            var chunk = chunk[...]
            if first, format.hasBOM, chunk.starts(with: TextEncoding.utf8BOM) { chunk = chunk.dropFirst(3) }
            first = false
            parser.feed(chunk, emit: emit)
        }
        parser.finish(emit: emit)
        return found
    }
}

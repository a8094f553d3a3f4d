/// Streams a CSV file's rows (decoded, trimmed, matched to known columns, checked one by one)
/// without holding the file in memory. Problems with the file itself (an unclosed quote, a row
/// wider than the header) are reported with the others.
package struct CSVStream {
    let file: InputFile
    let format: CSVFormat
    let specs: [ColumnSpec]

    package init(file: InputFile, format: CSVFormat, specs: [ColumnSpec]) {
        self.file = file
        self.format = format
        self.specs = specs
    }

    package struct Summary: Sendable {
        package var rows = 0
        package var columns: CSVColumns?
        /// Problems with the header or the file as a whole.
        package var issues: [ImportIssue] = []

        package init() {}
    }

    /// Reads and checks the rows on another thread (RecordReader) while `row` takes each checked
    /// row here, in file order, and `refused` the problems of each bad one. A header that lacks a
    /// required column stops before the rows.
    package func read<Check: RowCheck>(
        checking check: Check, progress: ((Int64) -> Void)? = nil,
        row: (Check.Checked) throws -> Void, refused: ([ImportIssue]) -> Void
    ) throws -> Summary {
        let reader = RecordReader(file: file, format: format, specs: specs, check: check)
        defer { reader.stop() }
        while true {
            switch reader.next() {
            case .items(let items, let bytesRead):
                for item in items {
                    switch item {
                    case .checked(let checked): try row(checked)
                    case .refused(let issues): refused(issues)
                    }
                }
                progress?(bytesRead)
            case .end(let summary):
                return summary
            case .failed(let error):
                throw error
            }
        }
    }
}

import Capacita

/// Streams a CSV file's rows (decoded, trimmed, matched to known columns) without holding the
/// file in memory. Problems with the file itself (an unclosed quote, a row wider than the header)
/// are reported with the others.
struct CSVStream {
    let file: InputFile
    let format: CSVFormat
    let specs: [ColumnSpec]

    struct Summary {
        var rows = 0
        var columns: CSVColumns?
        var issues: [ImportIssue] = []
    }

    /// `header` sees the matched header and returns false to stop before the rows (a required
    /// column is missing); `row` sees each data row in order.
    func read(progress: ((Int64) -> Void)? = nil, header: (CSVColumns, inout [ImportIssue]) throws -> Bool,
              row: (CSVRow, inout [ImportIssue]) throws -> Void) throws -> Summary {
        var summary = Summary()
        var parser = CSVParser(delimiter: format.delimiter)
        var done: Int64 = 0
        var stopped = false
        var first = true
        let encoding = format.encoding
        func handle(_ record: CSVRawRecord) throws {
            guard !stopped else { return }
            guard let columns = summary.columns else {
                let columns = CSVColumns(header: record.fields.map { encoding.decodeTrimmed($0) }, specs: specs,
                                         issues: &summary.issues)
                summary.columns = columns
                stopped = try !header(columns, &summary.issues)
                return
            }
            summary.rows += 1
            let decoded = CSVRow(line: record.line, cells: record.fields.map { encoding.decodeTrimmed($0) }, columns: columns)
            if !decoded.extraCells.isEmpty {
                summary.issues.append(ImportIssue(line: record.line, column: "", value: "",
                                                  message: "la fila tiene más campos que el encabezado (\(decoded.cells.count))"))
                return
            }
            try row(decoded, &summary.issues)
        }
        try file.forEachChunk { chunk in
            let bytes = first && format.hasBOM ? chunk.dropFirst(3) : chunk[...]
            first = false
            try parser.feed(bytes, emit: handle)
            done += Int64(chunk.count)
            progress?(done)
        }
        try parser.finish(emit: handle)
        if parser.isInsideQuotes {
            summary.issues.append(ImportIssue(line: 0, column: "", value: "", message: "una comilla abierta no se cierra antes del fin del archivo"))
        }
        if summary.columns == nil {
            summary.issues.append(ImportIssue(line: 1, column: "", value: "", message: "el archivo está vacío: falta el encabezado"))
        } else if summary.rows == 0, !stopped {
            summary.issues.append(ImportIssue(line: 1, column: "", value: "", message: "el archivo no tiene filas de datos"))
        }
        return summary
    }
}

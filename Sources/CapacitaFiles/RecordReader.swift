import Dispatch
import Foundation

/// The checks of one row that need nothing but the row. They run on a thread of the
/// RecordReader, on a copy of their own. Each kind of staged import gives its own (the store's).
package protocol RowCheck: Sendable {
    associatedtype Checked: Sendable
    /// Header problems beyond the columns' own (a column an option could replace, say).
    func headerIssues(_ columns: CSVColumns) -> [ImportIssue]
    /// The checked row; nil, with its problems appended, for a bad one.
    mutating func check(_ row: CSVRow, issues: inout [ImportIssue]) -> Checked?
}

/// Reads, parses, decodes and checks a CSV file's rows on a thread of its own, handing them over
/// in batches through a bounded queue: the caller stages and sends rows on its core while this
/// one reads the next ones. Memory holds a few batches, whatever the size of the file. (A third
/// thread, parsing apart from checking, gained nothing on two cores: bench/RESULTS.md.)
final class RecordReader<Check: RowCheck>: Sendable {
    /// One data row: checked, or refused with its problems.
    enum Item: Sendable {
        case checked(Check.Checked)
        case refused([ImportIssue])
    }

    enum Message: Sendable {
        /// Rows in file order, and the bytes of the file read so far.
        case items([Item], bytesRead: Int64)
        /// The file ended: its header, row count and problems with the file itself.
        case end(CSVStream.Summary)
        case failed(any Error)
    }

    static var batchSize: Int { 1024 }
    /// Batches the reading thread may be ahead of the caller at most.
    static var queueLength: Int { 8 }

    private let queue = BoundedQueue<Message>(capacity: RecordReader.queueLength)
    private let finished = DispatchSemaphore(value: 0)

    init(file: InputFile, format: CSVFormat, specs: [ColumnSpec], check: Check) {
        let thread = Thread { [self] in
            defer { finished.signal() }
            read(file, format, specs, check)
        }
        thread.name = "capacita-csv-reader"
        thread.start()
    }

    /// The next message; after `.end` or `.failed` there is none.
    func next() -> Message {
        // Only stop() stops the queue, and the caller calls it after its last next().
        queue.next() ?? .failed(CancellationError())
    }

    /// Stops the reading thread (if it still runs) and waits for it to end. Call once.
    func stop() {
        queue.stop()
        finished.wait()
    }

    private struct Stopped: Error {}

    private func read(_ file: InputFile, _ format: CSVFormat, _ specs: [ColumnSpec], _ check: Check) {
        var check = check
        var parser = CSVParser(delimiter: format.delimiter)
        let encoding = format.encoding
        var summary = CSVStream.Summary()
        var stopped = false
        var batch: [Item] = []
        batch.reserveCapacity(Self.batchSize)
        var bytesRead: Int64 = 0
        var first = true
        var locator = HeaderLocator(specs: specs)
        func takeHeader(line: Int, cells: [String]) {
            if locator.foundNoHeader { summary.issues.append(HeaderLocator.notFound(line: line)) }
            let columns = CSVColumns(header: cells, specs: specs, line: line, issues: &summary.issues)
            summary.columns = columns
            summary.issues += check.headerIssues(columns)
            // A header without a required column: no row can be read right.
            stopped = !summary.issues.isEmpty
        }
        /// One row of the file, from a CSV record or a sheet's row: its line, trimmed cells, and
        /// whether it broke the parser's bounds or holds a NUL.
        func take(line: Int, cells: [String], oversized: Bool, nul: Bool) {
            guard !stopped else { return }
            // Rows of separators or spaces only (Excel's formatted empty rows) are not rows.
            if !oversized, HeaderLocator.isBlank(cells) { return }
            guard let columns = summary.columns else {
                if case .header(let line, let header) = locator.offer(line: line, cells: cells) {
                    takeHeader(line: line, cells: header)
                }
                return
            }
            summary.rows += 1
            if oversized {
                batch.append(.refused([CSVLimits.oversized(line: line)]))
                return
            }
            if nul {
                batch.append(.refused([CSVLimits.nulByte(line: line)]))
                return
            }
            let row = CSVRow(line: line, cells: cells, columns: columns)
            if !row.extraCells.isEmpty {
                batch.append(
                    .refused([
                        ImportIssue(
                            line: line, column: "", value: "",
                            message: "la fila tiene más campos que el encabezado (\(row.cells.count))")
                    ]))
                return
            }
            var issues: [ImportIssue] = []
            if let checked = check.check(row, issues: &issues) {
                batch.append(.checked(checked))
            } else {
                batch.append(.refused(issues))
            }
        }
        func flush() throws {
            guard !batch.isEmpty else { return }
            guard queue.send(.items(batch, bytesRead: bytesRead)) else { throw Stopped() }
            batch = []
            batch.reserveCapacity(Self.batchSize)
        }
        func take(_ record: CSVRawRecord) {
            take(
                line: record.line, cells: record.fields.map { encoding.decodeTrimmed($0) },
                oversized: record.oversized, nul: record.bytes.contains(0))
        }
        do {
            if let workbook = file.workbook {
                // A sheet's rows, by their sheet row numbers; its cells are already text.
                try workbook.rows(sheet: file.sheet) { row in
                    let cells = row.cells.map { $0.trimmingCellSpaces() }
                    take(
                        line: row.number, cells: cells, oversized: CSVLimits.exceeds(cells),
                        nul: cells.contains { $0.utf8.contains(0) })
                    if batch.count >= Self.batchSize { try flush() }
                }
                bytesRead = file.size
            } else {
                try file.forEachCountedTextChunk { chunk, consumed in
                    let bytes = first && format.hasBOM ? chunk.dropFirst(3) : chunk[...]
                    first = false
                    bytesRead += Int64(consumed)
                    try parser.feed(bytes) { record in
                        take(record)
                        if batch.count >= Self.batchSize { try flush() }
                    }
                }
                parser.finish { record in take(record) }
            }
            // A short file whose rows all missed the header's columns: its first row was the header.
            if summary.columns == nil, case .header(let line, let header) = locator.takeFallback() {
                takeHeader(line: line, cells: header)
            }
            try flush()
            if parser.isInsideQuotes {
                summary.issues.append(CSVLimits.unclosedQuote(line: parser.currentRecordLine))
            }
            if summary.columns == nil {
                summary.issues.append(
                    ImportIssue(line: 1, column: "", value: "", message: "el archivo está vacío: falta el encabezado"))
            } else if summary.rows == 0, !stopped {
                summary.issues.append(
                    ImportIssue(line: 1, column: "", value: "", message: "el archivo no tiene filas de datos"))
            }
            _ = queue.send(.end(summary))
        } catch is Stopped {
        } catch {
            _ = queue.send(.failed(error))
        }
    }
}

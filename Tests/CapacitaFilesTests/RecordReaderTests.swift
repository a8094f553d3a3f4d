import Testing

@testable import CapacitaFiles

/// The file is read and checked on a thread of its own; what the caller sees must be what one
/// thread would have seen: every row once, in file order, with its line.
@Suite struct RecordReaderTests {
    /// Keeps a row's line and name; refuses a row named "mal".
    struct NameCheck: RowCheck {
        func headerIssues(_ columns: CSVColumns) -> [ImportIssue] { [] }

        func check(_ row: CSVRow, issues: inout [ImportIssue]) -> String? {
            guard row["nombre"] != "mal" else {
                issues.append(ImportIssue(line: row.line, column: "nombre", value: "mal", message: "mal"))
                return nil
            }
            return "\(row.line):\(row["nombre"])"
        }
    }

    static let specs = [ColumnSpec("nombre", required: true)]

    /// Enough rows to fill the reader's queue many times over, so it waits for the caller.
    static func file(rows: Int) throws -> InputFile {
        var text = "nombre\n\"dos\nlíneas\"\n"
        for index in 0..<rows { text += index % 1000 == 999 ? "mal\n" : "p\(index)\n" }
        return try InputFile(path: try temporaryFile(text))
    }

    @Test(.timeLimit(.minutes(1))) func rowsArriveOnceInFileOrderWithTheirLines() throws {
        let rows = 30_000
        let format = CSVFormat(encoding: .utf8, delimiter: 44, hasBOM: false)
        var seen: [String] = []
        var refused: [Int] = []
        let summary = try CSVStream(file: try Self.file(rows: rows), format: format, specs: Self.specs)
            .read(checking: NameCheck(), row: { seen.append($0) }, refused: { refused += $0.map(\.line) })
        #expect(summary.rows == rows + 1 && summary.issues.isEmpty)
        #expect(seen.first == "2:dos\nlíneas")
        // The quoted line break puts data row k (0-based) on line k + 4.
        let expected = (0..<rows).filter { $0 % 1000 != 999 }.map { "\($0 + 4):p\($0)" }
        #expect(Array(seen.dropFirst()) == expected)
        #expect(refused == (0..<rows).filter { $0 % 1000 == 999 }.map { $0 + 4 })
    }

    /// A caller that fails (the server refused the COPY, say) stops the reading thread, which may
    /// be waiting for room in its queue, and gets its error back.
    @Test(.timeLimit(.minutes(1))) func aCallerThatFailsStopsTheReader() throws {
        struct Refused: Error {}
        let format = CSVFormat(encoding: .utf8, delimiter: 44, hasBOM: false)
        var taken = 0
        #expect(throws: Refused.self) {
            try CSVStream(file: try Self.file(rows: 50_000), format: format, specs: Self.specs)
                .read(
                    checking: NameCheck(),
                    row: { _ in
                        taken += 1
                        if taken == 10 { throw Refused() }
                    }, refused: { _ in })
        }
        #expect(taken == 10)
    }
}

@Suite struct BoundedQueueTests {
    @Test(.timeLimit(.minutes(1))) func keepsOrderAndMakesAFastProducerWaitForRoom() async throws {
        let queue = BoundedQueue<Int>(capacity: 2)
        let producer = Task.detached { (0..<1000).allSatisfy { queue.send($0) } }
        var received: [Int] = []
        while received.count < 1000, let value = queue.next() { received.append(value) }
        #expect(await producer.value)
        #expect(received == Array(0..<1000))
    }

    /// Once stopped, every later call answers at once, however many there are.
    @Test(.timeLimit(.minutes(1))) func aStoppedQueueTakesAndGivesNothing() {
        let queue = BoundedQueue<Int>(capacity: 1)
        #expect(queue.send(1))
        queue.stop()
        #expect(!queue.send(2) && !queue.send(3))
        #expect(queue.next() == nil && queue.next() == nil)
    }
}

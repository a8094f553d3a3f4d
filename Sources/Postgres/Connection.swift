import CLibPQ
import Foundation
import Synchronization

/// How every session starts, given to the server in the startup packet (libpq's `options`) so a
/// reset connection, `RESET ALL` or `DISCARD ALL` keeps it: UTC, ISO dates, UTF-8, and bounded waits.
public struct SessionSettings: Sendable, Equatable {
    /// Seconds to wait for the server to answer a connection (libpq's connect_timeout).
    public var connectTimeout: Int
    /// Milliseconds one statement may run before the server cancels it; 0 for no limit.
    public var statementTimeout: Int
    /// Shown in pg_stat_activity.
    public var applicationName: String

    /// Ten seconds to connect; ten minutes a statement, room for a million-row import's merge.
    public static let standard = SessionSettings(
        connectTimeout: 10, statementTimeout: 600_000, applicationName: "capacita")

    public init(connectTimeout: Int, statementTimeout: Int, applicationName: String) {
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        self.applicationName = applicationName
    }

    var options: String {
        "-c TimeZone=UTC -c DateStyle=ISO,YMD -c statement_timeout=\(statementTimeout)"
    }
}

/// One connection to PostgreSQL through libpq.
///
/// libpq calls block; a connection runs one statement at a time, which the mutex around the
/// PGconn enforces. Use one connection per task (a pool in the service), not one shared by many.
public final class Connection: Sendable {
    let handle: Mutex<OpaquePointer>
    /// libpq's cancel object, usable from another thread while a statement holds `handle`. Kept
    /// as its address: made from the same PGconn, a pointer would share the connection's region.
    private let canceller: Mutex<Int>
    /// Set by `cancel(refusingMore: true)` until `clearCancel()`: a cancel that arrives between two
    /// statements of a pool's job stops the next one instead of being lost.
    private let cancelRequested = Mutex(false)
    /// Transactions opened by `withTransaction` and not yet ended: inner ones are savepoints.
    private let depth = Mutex(0)
    /// Settings every transaction starts with (`set_config(name, value, true)`): who the caller is,
    /// for row-level security. Local to each transaction, so nothing outlives it on the server.
    private let transactionSettings = Mutex<[TransactionSetting]>([])

    /// Connects with a libpq URI (`postgresql://…`) or conninfo string (`host=… dbname=…`).
    /// `settings` come first, so what the URI says (a `connect_timeout`, say) wins.
    public init(_ conninfo: String, settings: SessionSettings = .standard) throws(PostgresError) {
        let keys = ["options", "client_encoding", "connect_timeout", "application_name", "dbname"]
        let values = [settings.options, "UTF8", String(settings.connectTimeout), settings.applicationName, conninfo]
        let conn = Self.connect(keys: keys, values: values)
        guard let conn else { throw .protocolFailure("libpq could not allocate a connection") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let host = PQhost(conn).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
            let port = PQport(conn).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "5432"
            let message = LibPQ.errorMessage(conn)
            PQfinish(conn)
            throw .connectionFailed(host: host, port: port, message: message)
        }
        // Server notices ("already exists, skipping") are not errors; keep them off the user's terminal.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        canceller = Mutex(Int(bitPattern: PQgetCancel(conn)))
        handle = Mutex(conn)
    }

    private static func connect(keys: [String], values: [String]) -> OpaquePointer? {
        let keyPointers = keys.map { strdup($0) }
        let valuePointers = values.map { strdup($0) }
        defer {
            keyPointers.forEach { free($0) }
            valuePointers.forEach { free($0) }
        }
        let k: [UnsafePointer<CChar>?] = keyPointers.map { $0.map { UnsafePointer($0) } } + [nil]
        let v: [UnsafePointer<CChar>?] = valuePointers.map { $0.map { UnsafePointer($0) } } + [nil]
        return k.withUnsafeBufferPointer { keys in
            v.withUnsafeBufferPointer { values in PQconnectdbParams(keys.baseAddress, values.baseAddress, 1) }
        }
    }

    deinit {
        canceller.withLock { if let cancel = OpaquePointer(bitPattern: $0) { PQfreeCancel(cancel) } }
        handle.withLock { PQfinish($0) }
    }

    /// Asks the server to cancel the statement running on this connection, from any thread. The
    /// statement then fails with SQLSTATE 57014 (query_canceled); its transaction rolls back. With
    /// `refusingMore`, every statement started after it fails the same way, until `clearCancel()`
    /// (a pool's job whose caller has gone: none of its work is wanted any more).
    public func cancel(refusingMore: Bool = false) {
        if refusingMore { cancelRequested.withLock { $0 = true } }
        canceller.withLock { address in
            guard let cancel = OpaquePointer(bitPattern: address) else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &buffer, Int32(buffer.count))
        }
    }

    /// Lets statements run again after `cancel(refusingMore: true)` (a pool calls it when the
    /// cancelled job is over).
    public func clearCancel() {
        cancelRequested.withLock { $0 = false }
    }

    func checkCancelled() throws(PostgresError) {
        if cancelRequested.withLock({ $0 }) {
            throw .server(
                ServerError(sqlState: SQLState.queryCanceled, message: "canceling statement due to user request"))
        }
    }

    /// From now on every transaction on this connection starts by setting these, and a statement
    /// run outside one runs in a transaction of its own so it gets them too. An empty list stops.
    public func setTransactionSettings(_ settings: [TransactionSetting]) {
        transactionSettings.withLock { $0 = settings }
    }

    /// The settings every transaction starts with (see `setTransactionSettings`).
    public var currentTransactionSettings: [TransactionSetting] {
        transactionSettings.withLock { $0 }
    }

    /// Whether a statement must be wrapped to carry the transaction settings: not inside a
    /// transaction already (ours or one opened by hand), and not itself transaction control.
    func needsOwnTransaction(_ sql: String) -> Bool {
        guard depth.withLock({ $0 == 0 }), !transactionSettings.withLock({ $0.isEmpty }), isIdle else { return false }
        let keyword = sql.drop { $0.isWhitespace }.prefix { $0.isLetter }.uppercased()
        return !["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"].contains(keyword)
    }

    /// Runs one or more statements without parameters (migration scripts, session settings).
    public func execute(_ sql: String) throws(PostgresError) {
        try checkCancelled()
        if needsOwnTransaction(sql) {
            do {
                return try withTransaction { try $0.execute(sql) }
            } catch let error as PostgresError {
                throw error
            } catch {
                throw .protocolFailure("\(error)")
            }
        }
        try run(sql)
    }

    private func run(_ sql: String) throws(PostgresError) {
        try handle.withLock { conn throws(PostgresError) in
            _ = try LibPQ.consume(PQexec(conn, sql), conn)
        }
    }

    /// Runs a statement with parameters sent separately from the SQL text ($1, $2, …).
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws(PostgresError) -> QueryResult {
        try checkCancelled()
        if needsOwnTransaction(sql) {
            do {
                return try withTransaction { try $0.query(sql, parameters) }
            } catch let error as PostgresError {
                throw error
            } catch {
                throw .protocolFailure("\(error)")
            }
        }
        return try handle.withLock { conn throws(PostgresError) in
            let texts: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.postgresText.flatMap { strdup($0) } }
            defer { texts.forEach { free($0) } }
            let values: [UnsafePointer<CChar>?] = texts.map { $0.map { UnsafePointer($0) } }
            let result = values.withUnsafeBufferPointer { buffer in
                PQexecParams(conn, sql, Int32(buffer.count), nil, buffer.baseAddress, nil, nil, 0)
            }
            return try LibPQ.consume(result, conn)
        }
    }

    /// Runs `body` inside BEGIN … COMMIT; rolls back and rethrows when it throws. Called inside
    /// another `withTransaction` (a store call inside a caller's transaction that set its
    /// identity), it runs in a savepoint instead: an inner COMMIT would end the outer transaction.
    @discardableResult
    public func withTransaction<T>(_ body: (Connection) throws -> T) throws -> T {
        let level = depth.withLock { depth -> Int in
            depth += 1
            return depth
        }
        defer { depth.withLock { $0 -= 1 } }
        if level > 1 { return try withSavepoint(named: "capacita_\(level)", body) }
        try run("BEGIN")
        let value: T
        do {
            let settings = transactionSettings.withLock { $0 }
            if !settings.isEmpty {
                let calls = settings.indices.map { "set_config($\(2 * $0 + 1), $\(2 * $0 + 2), true)" }
                try query("SELECT " + calls.joined(separator: ", "), settings.flatMap { [$0.name, $0.value] })
            }
            value = try body(self)
        } catch {
            try? run("ROLLBACK")
            throw error
        }
        // A COMMIT that fails (a deferred trigger, a serialization failure) throws the server's
        // error with its SQLSTATE, so a caller can retry; one of a transaction that had already
        // failed answers ROLLBACK without an error.
        let status = try handle.withLock { conn throws(PostgresError) -> String in
            let result = PQexec(conn, "COMMIT")
            guard let result else { throw LibPQ.failure(LibPQ.errorMessage(conn), conn) }
            let status = String(cString: PQcmdStatus(result))
            _ = try LibPQ.consume(result, conn)
            return status
        }
        guard status == "COMMIT" else { throw PostgresError.rolledBack }
        return value
    }

    private func withSavepoint<T>(named name: String, _ body: (Connection) throws -> T) throws -> T {
        try run("SAVEPOINT \(name)")
        do {
            let value = try body(self)
            try run("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            try? run("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    /// Whether a transaction block is open on the connection (for pools: a connection handed
    /// back inside one is not reused).
    public var isIdle: Bool {
        handle.withLock { PQtransactionStatus($0) == PQTRANS_IDLE }
    }

    /// Streams data into `COPY … FROM STDIN`. The closure writes rows through the writer, which sends
    /// them in chunks; when the closure throws, the COPY is aborted (the server discards it) and the
    /// connection stays usable. Returns the number of rows the server copied.
    @discardableResult
    public func copyIn(_ sql: String, chunkSize: Int = 1 << 16, _ produce: (inout CopyWriter) throws -> Void) throws
        -> Int
    {
        try checkCancelled()
        try handle.withLock { conn throws(PostgresError) in
            guard let start = PQexec(conn, sql) else { throw LibPQ.failure(LibPQ.errorMessage(conn), conn) }
            guard PQresultStatus(start) == PGRES_COPY_IN else {
                _ = try LibPQ.consume(start, conn)
                throw .protocolFailure("statement did not start COPY FROM STDIN: \(sql)")
            }
            PQclear(start)
        }
        var writer = CopyWriter(connection: self, chunkSize: chunkSize)
        do {
            try produce(&writer)
            try writer.flush()
        } catch {
            handle.withLock { conn in
                _ = PQputCopyEnd(conn, "aborted by client")
                LibPQ.drainResults(conn)
            }
            throw error
        }
        return try handle.withLock { conn throws(PostgresError) in
            guard PQputCopyEnd(conn, nil) == 1 else { throw LibPQ.failure(LibPQ.errorMessage(conn), conn) }
            let result = PQgetResult(conn)
            defer { LibPQ.drainResults(conn) }
            return try LibPQ.consume(result, conn).affectedRows
        }
    }

    /// Sends one chunk of COPY data.
    func putCopyData(_ bytes: [UInt8]) throws(PostgresError) {
        // An empty chunk has no buffer to point at, and nothing to send.
        guard !bytes.isEmpty else { return }
        try handle.withLock { conn throws(PostgresError) in
            let sent = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map {
                    $0.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        PQputCopyData(conn, $0, Int32(buffer.count))
                    }
                } ?? 1
            }
            guard sent == 1 else { throw LibPQ.failure(LibPQ.errorMessage(conn), conn) }
        }
    }

    /// Whether the connection is still open (for pools and health checks).
    public var isHealthy: Bool {
        handle.withLock { PQstatus($0) == CONNECTION_OK }
    }

    /// Whether an idle connection is still open, having read what the server sent meanwhile:
    /// a server that restarted or ended the session (pg_terminate_backend) has closed the socket,
    /// which `isHealthy` learns only when a statement fails. Does not block (libpq's socket is
    /// non-blocking); a pool asks before handing the connection out.
    public var isUsable: Bool {
        handle.withLock { conn in
            guard PQstatus(conn) == CONNECTION_OK else { return false }
            // 0 when reading failed; a closed socket also turns the status to CONNECTION_BAD. A
            // first read may take only what the server said before closing (a terminated session's
            // FATAL message); the second then meets the end of the stream.
            for _ in 0..<2 where PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK { return false }
            return true
        }
    }
}

/// One `set_config(name, value, true)` made at the start of every transaction.
public struct TransactionSetting: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

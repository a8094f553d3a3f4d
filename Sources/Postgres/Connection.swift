import CLibPQ
import Foundation
import Synchronization

/// One connection to PostgreSQL through libpq.
///
/// libpq calls block; a connection runs one statement at a time, which the mutex around the
/// PGconn enforces. Use one connection per task (a pool in the service), not one shared by many.
public final class Connection: Sendable {
    private let handle: Mutex<OpaquePointer>

    /// Connects with a libpq URI (`postgresql://…`) or conninfo string (`host=… dbname=…`).
    /// The session runs in UTC with ISO dates, so date text round-trips exactly.
    public init(_ conninfo: String) throws(PostgresError) {
        guard let conn = PQconnectdb(conninfo) else {
            throw .protocolFailure("libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let host = PQhost(conn).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
            let port = PQport(conn).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "5432"
            let message = LibPQ.errorMessage(conn)
            PQfinish(conn)
            throw .connectionFailed(host: host, port: port, message: message)
        }
        // Server notices ("already exists, skipping") are not errors; keep them off the user's terminal.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        handle = Mutex(conn)
        try execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8'")
    }

    deinit {
        handle.withLock { PQfinish($0) }
    }

    /// Runs one or more statements without parameters (migration scripts, session settings).
    public func execute(_ sql: String) throws(PostgresError) {
        try handle.withLock { conn throws(PostgresError) in
            _ = try LibPQ.consume(PQexec(conn, sql), conn)
        }
    }

    /// Runs a statement with parameters sent separately from the SQL text ($1, $2, …).
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws(PostgresError) -> QueryResult {
        try handle.withLock { conn throws(PostgresError) in
            let texts: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.postgresText.flatMap { strdup($0) } }
            defer { texts.forEach { free($0) } }
            let values: [UnsafePointer<CChar>?] = texts.map { $0.map { UnsafePointer($0) } }
            let result = values.withUnsafeBufferPointer { buffer in
                PQexecParams(conn, sql, Int32(buffer.count), nil, buffer.baseAddress, nil, nil, 0)
            }
            return try LibPQ.consume(result, conn)
        }
    }

    /// Runs `body` inside BEGIN … COMMIT; rolls back and rethrows when it throws.
    @discardableResult
    public func withTransaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        // COMMIT of a transaction that already failed answers ROLLBACK without an error.
        let committed = try handle.withLock { conn throws(PostgresError) -> Bool in
            guard let result = PQexec(conn, "COMMIT") else { throw .protocolFailure(LibPQ.errorMessage(conn)) }
            defer { PQclear(result) }
            return String(cString: PQcmdStatus(result)) == "COMMIT"
        }
        guard committed else {
            throw PostgresError.protocolFailure("the transaction was rolled back instead of committed")
        }
        return value
    }

    /// Streams data into `COPY … FROM STDIN`. The closure writes rows through the writer, which sends
    /// them in chunks; when the closure throws, the COPY is aborted (the server discards it) and the
    /// connection stays usable. Returns the number of rows the server copied.
    @discardableResult
    public func copyIn(_ sql: String, chunkSize: Int = 1 << 16, _ produce: (inout CopyWriter) throws -> Void) throws
        -> Int
    {
        try handle.withLock { conn throws(PostgresError) in
            guard let start = PQexec(conn, sql) else { throw .protocolFailure(LibPQ.errorMessage(conn)) }
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
            guard PQputCopyEnd(conn, nil) == 1 else { throw .protocolFailure(LibPQ.errorMessage(conn)) }
            let result = PQgetResult(conn)
            defer { LibPQ.drainResults(conn) }
            return try LibPQ.consume(result, conn).affectedRows
        }
    }

    /// Sends one chunk of COPY data.
    func putCopyData(_ bytes: [UInt8]) throws(PostgresError) {
        try handle.withLock { conn throws(PostgresError) in
            let sent = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    PQputCopyData(conn, $0, Int32(buffer.count))
                }
            }
            guard sent == 1 else { throw .protocolFailure(LibPQ.errorMessage(conn)) }
        }
    }

    /// Whether the connection is still open (for pools and health checks).
    public var isHealthy: Bool {
        handle.withLock { PQstatus($0) == CONNECTION_OK }
    }
}

import CLibPQ
import Foundation

/// Bytes that travel in PostgreSQL's binary format, for `bytea` values too large for `Bytea`'s
/// hex text (which doubles them and copies them into a C string): a parameter sent as the bytes
/// it points at, and a value read from libpq's result without a copy.
extension Connection {
    /// Runs a statement whose last parameter (`$n`, after `parameters`) is `bytes`, sent in binary
    /// format; the others travel as text, as in `query`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable], binary bytes: UnsafeRawBufferPointer)
        throws(PostgresError) -> QueryResult
    {
        try checkCancelled()
        if needsOwnTransaction(sql) {
            do {
                return try withTransaction { connection throws -> QueryResult in
                    try connection.query(sql, parameters, binary: bytes)
                }
            } catch let error as PostgresError {
                throw error
            } catch {
                throw .protocolFailure("\(error)")
            }
        }
        guard bytes.count <= Int(Int32.max) else { throw .protocolFailure("a binary parameter over 2 GB") }
        // The buffer is the caller's and outlives this call; carried into the lock by its address,
        // as a pointer may not cross into the connection's region.
        let address = bytes.baseAddress.map { Int(bitPattern: $0) }
        let count = Int32(bytes.count)
        return try handle.withLock { conn throws(PostgresError) in
            let texts: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.postgresText.flatMap { strdup($0) } }
            defer { texts.forEach { free($0) } }
            // libpq reads a binary value by its length, never past it; an empty one has no address
            // of its own, so it points at a byte it does not read.
            var empty: CChar = 0
            let result = withUnsafeMutablePointer(to: &empty) { placeholder -> OpaquePointer? in
                let last = address.flatMap { UnsafePointer<CChar>(bitPattern: $0) }
                let values: [UnsafePointer<CChar>?] =
                    texts.map { $0.map { UnsafePointer($0) } } + [last ?? UnsafePointer(placeholder)]
                let lengths = [Int32](repeating: 0, count: texts.count) + [count]
                let formats = [Int32](repeating: 0, count: texts.count) + [1]
                return PQexecParams(conn, sql, Int32(values.count), nil, values, lengths, formats, 0)
            }
            return try LibPQ.consume(result, conn)
        }
    }

    /// Runs a statement that returns one value and hands it to `body` in binary format, as it lies
    /// in libpq's result (for a `bytea`, its bytes), before the result is freed; nil when there is
    /// no row or the value is NULL. Nothing is copied: a value of a megabyte costs a megabyte.
    public func withBinaryValue<T>(
        _ sql: String, _ parameters: [any PostgresEncodable] = [], _ body: (UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        try checkCancelled()
        if needsOwnTransaction(sql) {
            return try withTransaction { try $0.withBinaryValue(sql, parameters, body) }
        }
        let result = try handle.withLock { conn throws(PostgresError) -> OpaquePointer in
            let texts: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.postgresText.flatMap { strdup($0) } }
            defer { texts.forEach { free($0) } }
            let values: [UnsafePointer<CChar>?] = texts.map { $0.map { UnsafePointer($0) } }
            let result = values.withUnsafeBufferPointer { buffer in
                PQexecParams(conn, sql, Int32(buffer.count), nil, buffer.baseAddress, nil, nil, 1)
            }
            guard let result else { throw LibPQ.failure(LibPQ.errorMessage(conn), conn) }
            guard PQresultStatus(result) == PGRES_TUPLES_OK else {
                // The error as `query` reports it; a statement that succeeded without rows (consume
                // freed its result) is the caller's mistake.
                _ = try LibPQ.consume(result, conn)
                throw .protocolFailure("statement returned no rows: \(sql)")
            }
            return result
        }
        defer { PQclear(result) }
        guard PQntuples(result) > 0, PQnfields(result) > 0, PQgetisnull(result, 0, 0) == 0,
            let value = PQgetvalue(result, 0, 0)
        else { return nil }
        return try body(UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result, 0, 0))))
    }
}

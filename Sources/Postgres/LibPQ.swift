import CLibPQ

/// Helpers that turn libpq's C results into Swift values; callers hold the connection's lock.
enum LibPQ {
    static func errorMessage(_ conn: OpaquePointer) -> String {
        trimmed(PQerrorMessage(conn))
    }

    /// Turns a PGresult into rows or a typed error, and frees it.
    static func consume(_ result: OpaquePointer?, _ conn: OpaquePointer) throws(PostgresError) -> QueryResult {
        guard let result else { throw failure(errorMessage(conn), conn) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return rows(of: result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            // libpq reports a dropped connection as a fatal result with no SQLSTATE: not the
            // server's refusal of the statement (XX000) but a lost connection.
            if PQresultErrorField(result, Int32(Character("C").asciiValue ?? 67)) == nil {
                throw failure(trimmed(PQresultErrorMessage(result)), conn)
            }
            throw .server(serverError(of: result))
        default:
            throw failure(trimmed(PQresultErrorMessage(result)), conn)
        }
    }

    /// libpq's own error: a lost connection when the connection broke, otherwise a protocol failure.
    static func failure(_ message: String, _ conn: OpaquePointer) -> PostgresError {
        PQstatus(conn) == CONNECTION_OK ? .protocolFailure(message) : .connectionLost(message)
    }

    /// Reads and frees every pending result, leaving the connection idle.
    static func drainResults(_ conn: OpaquePointer) {
        while let result = PQgetResult(conn) {
            PQclear(result)
        }
    }

    private static func rows(of result: OpaquePointer) -> QueryResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let names = ColumnNames((0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                values.append(
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(Row(columns: names, values: values))
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: names, rows: rows, affectedRows: affected)
    }

    private static func serverError(of result: OpaquePointer) -> ServerError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        return ServerError(
            sqlState: field("C") ?? "XX000",
            message: field("M") ?? trimmed(PQresultErrorMessage(result)),
            detail: field("D"),
            hint: field("H"),
            constraint: field("n"),
            table: field("t"),
            column: field("c")
        )
    }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        var value = String(cString: text)
        while let last = value.last, last.isWhitespace { value.removeLast() }
        return value
    }
}

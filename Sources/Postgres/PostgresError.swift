/// What went wrong talking to PostgreSQL, with the context a caller needs to explain it.
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached or refused the connection.
    case connectionFailed(host: String, port: String, message: String)
    /// The server rejected a statement; carries SQLSTATE, detail and constraint.
    case server(ServerError)
    /// A column's value could not be decoded into the requested Swift type.
    case decoding(column: String, type: String, value: String?)
    /// The result has no column of that name.
    case missingColumn(String)
    /// The connection broke or libpq failed outside of a server error.
    case protocolFailure(String)
    /// COMMIT answered ROLLBACK: the transaction had already failed.
    case rolledBack
    /// The connection broke under a statement (the server restarted, or went away): libpq's own
    /// error, with no SQLSTATE. The connection is unusable; a pool replaces it.
    case connectionLost(String)

    public var description: String {
        switch self {
        case .connectionFailed(let host, let port, let message):
            return "could not connect to PostgreSQL at \(host) port \(port): \(message)"
        case .server(let error):
            return error.description
        case .decoding(let column, let type, let value):
            return "column \(column): cannot decode \(value.map { "'\($0)'" } ?? "NULL") as \(type)"
        case .missingColumn(let name):
            return "no column named \(name) in the result"
        case .protocolFailure(let message):
            return "PostgreSQL: \(message)"
        case .rolledBack:
            return "the transaction was rolled back instead of committed"
        case .connectionLost(let message):
            return "the connection to PostgreSQL was lost: \(message)"
        }
    }

    /// Whether the database could not be reached or dropped the connection, as opposed to refusing
    /// the statement: a connection that failed or broke, SQLSTATE class 08 (connection exception),
    /// and 57P01–57P03 (the server is shutting down, crashed or is not yet accepting connections).
    /// A service answers these "try again later".
    public var isConnectionFailure: Bool {
        switch self {
        case .connectionFailed, .connectionLost: return true
        case .server(let error):
            return error.sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(error.sqlState)
        default: return false
        }
    }

    /// The SQLSTATE when the server raised the error.
    public var sqlState: String? {
        if case .server(let error) = self { return error.sqlState }
        return nil
    }

    /// Whether the server refused a row because the named unique constraint already held its key.
    public func isUniqueViolation(of constraint: String) -> Bool {
        if case .server(let error) = self { return error.isUniqueViolation && error.constraint == constraint }
        return false
    }
}

/// An error reported by the server (the fields of libpq's PQresultErrorField).
public struct ServerError: Sendable, Equatable, CustomStringConvertible {
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(
        sqlState: String, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// The message and SQLSTATE only: DETAIL holds the row's values ("Key (group_code, curp)=(…)"),
    /// personal data that must not reach a log or a person. It stays in `detail` for code to read.
    public var description: String {
        "\(message) (SQLSTATE \(sqlState))"
    }

    public var isUniqueViolation: Bool { sqlState == SQLState.uniqueViolation }
    public var isCheckViolation: Bool { sqlState == SQLState.checkViolation }
    public var isForeignKeyViolation: Bool { sqlState == SQLState.foreignKeyViolation }
}

/// SQLSTATE codes callers commonly branch on.
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let checkViolation = "23514"
    public static let foreignKeyViolation = "23503"
    public static let notNullViolation = "23502"
    public static let queryCanceled = "57014"
    public static let undefinedTable = "42P01"
    public static let invalidCatalogName = "3D000"
}

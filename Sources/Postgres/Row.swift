/// One row of a result, copied out of libpq so it outlives the PGresult.
public struct Row: Sendable {
    public let columns: ColumnNames
    /// Text values in column order; nil is SQL NULL.
    public let values: [String?]

    /// Decodes the named column, throwing an error that names the column when it does not fit.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.index(of: column) else { throw PostgresError.missingColumn(column) }
        return try decode(at: index, as: type)
    }

    public func decode<T: PostgresDecodable>(at index: Int, as type: T.Type = T.self) throws -> T {
        let name = columns.names[index]
        guard let text = values[index] else {
            guard let null = T.fromNull() else {
                throw PostgresError.decoding(column: name, type: String(describing: T.self), value: nil)
            }
            return null
        }
        guard let value = T(postgresText: text) else {
            throw PostgresError.decoding(column: name, type: String(describing: T.self), value: text)
        }
        return value
    }

    /// The raw text of a column (nil for NULL or an unknown column).
    public subscript(column: String) -> String? {
        columns.index(of: column).flatMap { values[$0] }
    }
}

/// Column names of a result, shared by all its rows.
public struct ColumnNames: Sendable {
    public let names: [String]
    private let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil {
            positions[name] = index
        }
        self.positions = positions
    }

    public func index(of name: String) -> Int? { positions[name] }
}

/// The rows a statement returned, and how many rows it affected.
public struct QueryResult: Sendable {
    public let columns: ColumnNames
    public let rows: [Row]
    /// PQcmdTuples: rows inserted, updated, deleted or copied; 0 when not applicable.
    public let affectedRows: Int

    /// Decodes every row with a closure.
    public func map<T>(_ transform: (Row) throws -> T) rethrows -> [T] {
        try rows.map(transform)
    }

    /// The only row's only column, or nil when there are no rows.
    public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T? {
        guard let row = rows.first else { return nil }
        return try row.decode(at: 0, as: type)
    }
}

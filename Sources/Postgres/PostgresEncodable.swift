import Foundation

/// A Swift value sent as a statement parameter, in PostgreSQL's text format.
/// Values always travel as parameters of PQexecParams, never spliced into SQL text.
public protocol PostgresEncodable: Sendable {
    /// The text form, or nil for SQL NULL.
    var postgresText: String? { get }
}

extension String: PostgresEncodable {
    public var postgresText: String? { self }
}

extension Substring: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Int: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Double: PostgresEncodable {
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
}

extension Decimal: PostgresEncodable {
    public var postgresText: String? {
        NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }
}

extension Bool: PostgresEncodable {
    public var postgresText: String? { self ? "t" : "f" }
}

extension Date: PostgresEncodable {
    /// Sent as a UTC timestamp with microseconds; the server casts it to date or timestamptz.
    public var postgresText: String? { PostgresDateFormat.timestamp(self) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? {
        switch self {
        case .none: return nil
        case .some(let value): return value.postgresText
        }
    }
}

extension Array: PostgresEncodable where Element == String {
    /// A text[] literal; elements are quoted so commas, braces and quotes survive.
    public var postgresText: String? {
        let items = map { item -> String in
            let escaped = item.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return "{" + items.joined(separator: ",") + "}"
    }
}

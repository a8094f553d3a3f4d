import Foundation

/// A Swift type that a column's text value decodes into.
public protocol PostgresDecodable {
    /// Decodes the server's text form; nil when the text is not a value of this type.
    init?(postgresText: String)
    /// Decodes SQL NULL; nil means NULL is not acceptable for this type.
    static func fromNull() -> Self?
}

extension PostgresDecodable {
    public static func fromNull() -> Self? { nil }
}

extension String: PostgresDecodable {
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default: self.init(postgresText)
        }
    }
}

extension Decimal: PostgresDecodable {
    public init?(postgresText: String) {
        guard let value = Decimal(string: postgresText, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Date: PostgresDecodable {
    /// Accepts date, timestamp and timestamptz columns.
    public init?(postgresText: String) {
        guard let date = PostgresDateFormat.parse(postgresText) else { return nil }
        self = date
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init?(postgresText: String) {
        guard let value = Wrapped(postgresText: postgresText) else { return nil }
        self = .some(value)
    }

    public static func fromNull() -> Self? { .some(.none) }
}

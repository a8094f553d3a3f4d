import Foundation

/// JSON text for values sent to the server as one jsonb parameter, so a set of rows is merged by
/// one set-based statement instead of a statement per row.
enum JSONParameter {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A problem in a catalog file, reported as `file: field: message` (message in Spanish).
public struct CatalogIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
    }
}

/// Every problem found in a catalog; a catalog with any problem loads nothing.
public struct CatalogIssues: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [CatalogIssue]

    public init(_ issues: [CatalogIssue]) {
        self.issues = issues
    }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// One problem found in an input file, located for the person who has to fix it.
/// `message` is in Spanish: it is shown to the agency's enlace as is.
public struct ImportIssue: Sendable, Equatable, Codable {
    /// The physical line where the record starts (the header is line 1); 0 for the file as a whole.
    public var line: Int
    /// The column's canonical name, or a field path for structured files.
    public var column: String
    /// The offending value, already masked when it is personal data.
    public var value: String
    public var message: String

    /// The longest value a report repeats: enough to find the cell, never a swallowed file.
    public static let valueLimit = 80

    /// Anything shaped like a CURP is masked in the value and the message, whatever the column
    /// (a swapped header, a free-text cell); long values are cut. Reports never carry a full CURP.
    public init(line: Int, column: String, value: String, message: String) {
        self.line = line
        self.column = CurpMask.redact(
            column.count > Self.valueLimit ? String(column.prefix(Self.valueLimit)) + "…" : column)
        self.value = CurpMask.redact(
            value.count > Self.valueLimit ? String(value.prefix(Self.valueLimit - 1)) + "…" : value)
        self.message = CurpMask.redact(message)
    }

    enum CodingKeys: String, CodingKey {
        case line, column, value
        case message = "error"
    }
}

extension ImportIssue: CustomStringConvertible {
    public var description: String {
        var text = "línea \(line)"
        if !column.isEmpty { text += ", columna \(column)" }
        if !value.isEmpty { text += " (\(value))" }
        return text + ": " + message
    }
}

/// Every problem found in one input, in file order. A non-empty list means nothing was written.
public struct ImportIssues: Error, Sendable, Equatable {
    public var issues: [ImportIssue]

    public init(_ issues: [ImportIssue]) {
        self.issues = issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }
}

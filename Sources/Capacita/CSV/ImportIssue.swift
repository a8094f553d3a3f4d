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

    public init(line: Int, column: String, value: String, message: String) {
        self.line = line
        self.column = column
        self.value = value
        self.message = message
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

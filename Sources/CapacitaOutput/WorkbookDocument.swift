import Capacita

/// What a workbook holds, before any file exists: named sheets of tables or of fields (a card).
/// The CLI and the service build it from the same tables they print; CapacitaXLSX writes it.
public struct WorkbookDocument: Sendable {
    public var sheets: [WorkbookSheet]

    public init(_ sheets: [WorkbookSheet]) {
        self.sheets = sheets
    }

    /// One table on one sheet.
    public init(_ table: Table, sheet: String) {
        self.init([WorkbookSheet(name: sheet, content: .table(table))])
    }
}

public struct WorkbookSheet: Sendable {
    public enum Content: Sendable {
        /// A header row in Spanish and one row per table row.
        case table(Table)
        /// A title line, then one «campo, valor» row per field: a record or the indicator's card.
        case fields(title: String?, [Field])
    }

    public struct Field: Sendable {
        public var key: String
        public var value: Cell

        public init(_ key: String, _ value: Cell) {
            self.key = key
            self.value = value
        }
    }

    public var name: String
    public var content: Content
    /// The header row as the table names its columns, not in Labels' Spanish: a file's own
    /// header given back (the rejected rows), so it reads as the import read it.
    public var headerAsWritten = false

    public init(name: String, content: Content, headerAsWritten: Bool = false) {
        self.name = name
        self.content = content
        self.headerAsWritten = headerAsWritten
    }

    public static func record(_ record: Record, name: String, title: String? = nil) -> WorkbookSheet {
        WorkbookSheet(name: name, content: .fields(title: title, record.fields.map { Field($0.key, $0.value) }))
    }
}

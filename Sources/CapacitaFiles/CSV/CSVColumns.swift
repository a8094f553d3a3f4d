/// A column a file may carry: its canonical name, the other names people give it, and whether
/// every file must have it.
public struct ColumnSpec: Sendable {
    public var name: String
    public var aliases: [String]
    public var required: Bool

    public init(_ name: String, aliases: [String] = [], required: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.required = required
    }
}

/// Where each known column sits in a file, matched from the header without regard to case,
/// accents or surrounding spaces, with space, hyphen and underscore equivalent.
public struct CSVColumns: Sendable {
    // A handful of columns: a linear search beats hashing the name on every cell read.
    private var positions: [(name: String, index: Int)] = []
    /// Header cells that match no known column; their values are ignored.
    public private(set) var unknown: [String] = []
    /// How many header cells the file has, trailing empty ones left out.
    public let width: Int

    /// The file's line the header was read from (below a title row or notes, it is not 1).
    public let line: Int

    /// Matches a header; problems (a missing required column, a column given twice) are reported
    /// on the header's line.
    public init(header: [String], specs: [ColumnSpec], line: Int = 1, issues: inout [ImportIssue]) {
        self.line = line
        var cells = header
        while let last = cells.last, last.trimmingSpaces().isEmpty { cells.removeLast() }
        width = cells.count
        var byKey: [String: String] = [:]
        for spec in specs {
            byKey[NameKey.header(spec.name)] = spec.name
            for alias in spec.aliases { byKey[NameKey.header(alias)] = spec.name }
        }
        for (index, cell) in cells.enumerated() {
            let key = NameKey.header(cell)
            guard let name = byKey[key] else {
                if !key.isEmpty { unknown.append(cell) }
                continue
            }
            if self.index(of: name) != nil {
                issues.append(
                    ImportIssue(
                        line: line, column: name, value: cell,
                        message: "la columna aparece más de una vez en el encabezado"))
                continue
            }
            positions.append((name, index))
        }
        for spec in specs where spec.required && index(of: spec.name) == nil {
            issues.append(
                ImportIssue(
                    line: line, column: spec.name, value: "",
                    message: "falta la columna obligatoria «\(spec.name)» en el encabezado"))
        }
    }

    public func has(_ name: String) -> Bool { index(of: name) != nil }

    public func index(of name: String) -> Int? {
        // Lengths first: comparing two different strings is far slower than comparing two ints,
        // and every cell read of every row of a file comes through here.
        let length = name.utf8.count
        for position in positions where position.name.utf8.count == length && position.name == name {
            return position.index
        }
        return nil
    }
}

/// One data row, decoded, with its cells trimmed and reachable by canonical column name.
public struct CSVRow: Sendable {
    public var line: Int
    public var cells: [String]
    private let columns: CSVColumns

    public init(line: Int, cells: [String], columns: CSVColumns) {
        self.line = line
        self.cells = cells
        self.columns = columns
    }

    /// The trimmed cell of a column; empty when the column is absent or the row is short.
    public subscript(name: String) -> String {
        guard let index = columns.index(of: name), index < cells.count else { return "" }
        return cells[index]
    }

    public func has(_ name: String) -> Bool { columns.has(name) }

    /// Non-empty cells past the header's width (a row with more fields than the header).
    public var extraCells: [String] {
        cells.count > columns.width ? cells[columns.width...].filter { !$0.isEmpty } : []
    }
}

extension String {
    /// `trimmingSpaces()`, asking Unicode only when an end is not a plain ASCII character: every
    /// cell of a sheet comes through here, and the Unicode property lookup was a tenth of reading
    /// a workbook.
    public func trimmingCellSpaces() -> String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        if first > 32, first < 0x80, last > 32, last < 0x80 { return self }
        return trimmingSpaces()
    }

    /// Trims spaces, tabs and non-breaking spaces, which Excel leaves around cells.
    public func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}

/// Finds a file's header among its first rows. Sheets that agencies send often carry a title
/// ("Lista de inscripción — SICT") or a few notes above the header; a file read from its first
/// row would report every required column as missing.
///
/// The header is the first row, among the first `searchedRows` rows with content, that holds
/// every required column and at least one known column. When none does, it is the searched row
/// with the most known columns (the first row with content when none has any), so the report
/// names the columns that header lacks.
public struct HeaderLocator: Sendable {
    /// How many rows with content are searched: a title and a few notes, not a whole sheet.
    public static let searchedRows = 10

    public enum Step: Sendable, Equatable {
        /// Not the header (a title or a note): ignore the row.
        case skip
        /// The header, on this line: every later row is data.
        case header(line: Int, cells: [String])
    }

    private let required: [Set<String>]
    private let known: Set<String>
    private var seen = 0
    /// The most header-like row so far, taken as the header if no row qualifies.
    private var fallback: (line: Int, cells: [String])?
    private var fallbackScore = -1
    /// The header given was a fallback that matches no known column: the rows searched hold no
    /// header at all (it sits lower, or the file is another kind).
    public private(set) var foundNoHeader = false

    public init(specs: [ColumnSpec]) {
        func keys(_ spec: ColumnSpec) -> Set<String> { Set(([spec.name] + spec.aliases).map(NameKey.header)) }
        required = specs.filter(\.required).map(keys)
        known = specs.reduce(into: []) { $0.formUnion(keys($1)) }
    }

    /// Offers the next row with content (blank rows are left out by the caller).
    public mutating func offer(line: Int, cells: [String]) -> Step {
        seen += 1
        let present = Set(cells.map(NameKey.header))
        if !present.isDisjoint(with: known), required.allSatisfy({ !$0.isDisjoint(with: present) }) {
            return .header(line: line, cells: cells)
        }
        let score = present.intersection(known).count
        if score > fallbackScore {
            fallback = (line, cells)
            fallbackScore = score
        }
        if seen >= Self.searchedRows { return takeFallback() }
        return .skip
    }

    /// The header when no row qualified: at the 10th row, or when a shorter file ends.
    public mutating func takeFallback() -> Step {
        guard let fallback else { return .skip }
        foundNoHeader = fallbackScore == 0
        return .header(line: fallback.line, cells: fallback.cells)
    }

    /// Said beside the missing columns when no searched row looked like a header at all.
    public static func notFound(line: Int) -> ImportIssue {
        ImportIssue(
            line: line, column: "", value: "",
            message: "ninguna de las primeras \(searchedRows) filas con contenido es un encabezado con las columnas "
                + "de este archivo; ponga el encabezado entre ellas (el título y las notas pueden quedar arriba)")
    }

    /// Whether a decoded row has no content at all: only separators or spaces, which Excel writes
    /// for formatted empty rows.
    public static func isBlank(_ cells: [String]) -> Bool {
        cells.allSatisfy(\.isEmpty)
    }
}

import Capacita
import Foundation

/// How a read command writes what it found: a table for people (Spanish headers and values,
/// terminal-safe), or JSON and CSV for programs (stable English keys and codes).
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv
    /// An .xlsx workbook (CapacitaXLSX): written to a file, never to a terminal.
    case xlsx
}

/// A value in an output table, typed so JSON keeps numbers and booleans as such.
public enum Cell: Encodable, Sendable, Equatable {
    case text(String)
    /// A stable code (`no_acreditado`, `each-tier`): as is in JSON and CSV, in Spanish in tables.
    case code(String)
    case int(Int)
    /// An exact decimal with its places: fixed places for people, the exact value in JSON.
    case decimal(Rounded)
    /// A percentage on the 0–100 scale (`12.50`): a decimal everywhere but in a workbook, where it
    /// is the fraction with a percent format, so a spreadsheet computes with it.
    case percentage(Rounded)
    /// A calendar day, `YYYY-MM-DD`: text in JSON and CSV, a date in a workbook.
    case date(String)
    case bool(Bool)
    case list([String])
    /// Codes in a list (modalities, levels): Spanish words for people.
    case codes([String])
    case null
    /// No data (ND): "ND" for people and in CSV, null in JSON; never shown as 0.
    case nd
    /// Not applicable (N/A): a year before an indicator existed; null in JSON.
    case na

    /// Hours and other amounts: at most `Exact.hourPlaces`, no trailing zeros (`72.5`, `40`).
    case amount(Rounded)

    public static func number(_ value: Double) -> Cell {
        Rounded(value, places: Exact.hourPlaces).map(Cell.amount) ?? .null
    }

    /// A percentage with `Exact.percentPlaces`; ND when unknown.
    public static func percent(_ value: Decimal?) -> Cell {
        value.map { .percentage(.percent($0)) } ?? .nd
    }

    /// Parámetro 4.2's percent: the number, or N/A or ND as the card marks it (a preliminary
    /// value is still its number; its mark is a field of its own).
    public static func percent(_ indicator: Indicator) -> Cell {
        indicator.mark == .notApplicable ? .na : percent(indicator.percent)
    }

    /// The card's mark (`N/A`, `ND`, `p/`), or nothing.
    public static func mark(_ indicator: Indicator) -> Cell {
        indicator.mark.map { .text($0.rawValue) } ?? .null
    }

    /// A score or mean with `Exact.percentPlaces`, a gain or rate with `Exact.ratioPlaces`.
    public static func score(_ value: Double?) -> Cell {
        Rounded(value, places: Exact.percentPlaces).map(Cell.decimal) ?? .null
    }

    public static func ratio(_ value: Double?) -> Cell {
        Rounded(value, places: Exact.ratioPlaces).map(Cell.decimal) ?? .nd
    }

    /// What a person reads.
    public var display: String {
        switch self {
        case .text(let text), .date(let text): return text
        case .code(let code): return Labels.value(code)
        case .int(let value): return String(value)
        case .decimal(let value), .percentage(let value): return value.description
        case .amount(let value): return Exact.shortText(value.value, places: value.places)
        case .bool(let value): return value ? "sí" : "no"
        case .list(let items): return items.joined(separator: " | ")
        case .codes(let items): return items.map(Labels.value).joined(separator: ", ")
        case .null: return ""
        case .nd: return "ND"
        case .na: return "N/A"
        }
    }

    /// What a program reads in CSV: codes and booleans as they are in JSON.
    public var raw: String {
        switch self {
        case .code(let code): return code
        case .bool(let value): return value ? "true" : "false"
        case .list(let items), .codes(let items): return items.joined(separator: "|")
        default: return display
        }
    }

    /// The CSV field: `raw`, with text that a spreadsheet would run as a formula made inert
    /// (CSVText.neutralized). Numbers stay numbers, a negative one included.
    public var csvField: String {
        switch self {
        case .text, .code, .list, .codes: return CSVText.neutralized(raw)
        case .int, .decimal, .percentage, .amount, .date, .bool, .null, .nd, .na: return raw
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text), .date(let text): try container.encode(text)
        case .code(let code): try container.encode(code)
        case .int(let value): try container.encode(value)
        case .decimal(let value), .percentage(let value), .amount(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let items), .codes(let items): try container.encode(items)
        case .null, .nd, .na: try container.encodeNil()
        }
    }
}

/// Rows with named columns, printed as an aligned table, a JSON array of objects or CSV.
public struct Table: Sendable {
    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        // A workbook is a file (CapacitaXLSX writes it); asked for as text, a table reads as the table.
        case .table, .xlsx: return aligned()
        case .csv: return CSVText.document([columns] + rows.map { $0.map(\.csvField) })
        case .json: return JSONOutput.string(rows.map { JSONObject(keys: columns, values: $0) })
        }
    }

    private func aligned() -> String {
        let headers = columns.map { TerminalText.cell(Labels.header($0)) }
        // The last column (often the reason for a refusal) does not push others out: it may run longer.
        let last = columns.count - 1
        let texts = rows.map { row in
            row.enumerated().map { index, cell in
                TerminalText.cell(
                    cell.display, limit: index == last ? 4 * TerminalText.cellLimit : TerminalText.cellLimit)
            }
        }
        var widths = headers.map(\.count)
        for row in texts {
            for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, text in
                index == cells.count - 1 ? text : text + String(repeating: " ", count: widths[index] - text.count)
            }.joined(separator: "  ")
        }
        var lines = [line(headers), line(widths.map { String(repeating: "-", count: $0) })]
        lines += texts.map(line)
        return lines.joined(separator: "\n")
    }
}

/// Named fields of one record: `etiqueta: valor` lines for people, one JSON object or a CSV row.
public struct Record: Sendable {
    public var fields: [(key: String, value: Cell)]

    public init(_ fields: [(String, Cell)]) {
        self.fields = fields.map { (key: $0.0, value: $0.1) }
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table, .xlsx:
            return fields.map { "\(Labels.header($0.key)): \(TerminalText.cell($0.value.display, limit: 200))" }
                .joined(separator: "\n")
        case .json: return JSONOutput.string(JSONObject(keys: fields.map(\.key), values: fields.map(\.value)))
        case .csv: return Table(columns: fields.map(\.key), rows: [fields.map(\.value)]).render(.csv)
        }
    }
}

/// RFC 4180 CSV, quoting only where needed.
public enum CSVText {
    public static func document(_ rows: [[String]]) -> String {
        rows.map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n")
    }

    /// OWASP's rule against formula injection: a text that begins with `=`, `+`, `-`, `@`, a tab
    /// or a carriage return gets a leading apostrophe, so a spreadsheet shows it as text instead of
    /// running it (a name written `=HYPERLINK(…)` in an uploaded file stays a name in the export).
    public static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, Self.formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    static func quote(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\t" })
            || text.hasPrefix("'")
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

/// Keeps the column order in JSON objects.
public struct JSONObject: Encodable, Sendable {
    public var keys: [String]
    public var values: [Cell]

    public init(keys: [String], values: [Cell]) {
        self.keys = keys
        self.values = values
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in zip(keys, values) { try container.encode(value, forKey: Key(stringValue: key)) }
    }
}

public enum JSONOutput {
    public static func string<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

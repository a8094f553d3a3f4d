import ArgumentParser
import Foundation

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Formato de salida: table, json o csv.")
    var format: OutputFormat = .table
}

/// A value in an output table, typed so JSON keeps numbers and booleans as such.
enum Cell: Encodable {
    case text(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case list([String])
    case null

    var display: String {
        switch self {
        case .text(let text): return text
        case .int(let value): return String(value)
        case .number(let value):
            if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
            // Two decimals are what reports print; trailing zeros dropped (72.5, not 72.50).
            var text = String(format: "%.2f", value)
            while text.hasSuffix("0") { text.removeLast() }
            return text
        case .bool(let value): return value ? "sí" : "no"
        case .list(let items): return items.joined(separator: " | ")
        case .null: return ""
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .int(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let items): try container.encode(items)
        case .null: try container.encodeNil()
        }
    }
}

/// Rows with named columns, printed as an aligned table, a JSON array of objects or CSV.
struct Table {
    var columns: [String]
    var rows: [[Cell]]

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return aligned()
        case .csv: return csv()
        case .json: return JSONOutput.string(rows.map { JSONObject(keys: columns, values: $0) })
        }
    }

    private func aligned() -> String {
        let texts = rows.map { $0.map(\.display) }
        var widths = columns.map(\.count)
        for row in texts {
            for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, text in
                index == cells.count - 1 ? text : text + String(repeating: " ", count: widths[index] - text.count)
            }.joined(separator: "  ")
        }
        var lines = [line(columns), line(widths.map { String(repeating: "-", count: $0) })]
        lines += texts.map(line)
        return lines.joined(separator: "\n")
    }

    private func csv() -> String {
        func quote(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        return ([columns] + rows.map { $0.map(\.display) }).map { $0.map(quote).joined(separator: ",") }.joined(
            separator: "\n")
    }
}

/// Keeps the column order in JSON objects.
struct JSONObject: Encodable {
    var keys: [String]
    var values: [Cell]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in zip(keys, values) { try container.encode(value, forKey: Key(stringValue: key)) }
    }
}

enum JSONOutput {
    static func string<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

import Capacita
import CapacitaFiles
import Foundation

/// Writes the blank workbook an agency fills in: the import's header on the first sheet, a note
/// on each column, drop-downs and number or date checks on every row below it; an explanation
/// sheet; and the lists the drop-downs take their values from.
public enum TemplateWriter {
    static let dataSheet: [TemplateKind: String] = [
        .enroll: "Inscripción", .groups: "Grupos", .results: "Resultados", .headcounts: "Plantillas",
    ]
    static let listSheet = "Listas"
    static let guideSheet = "Instrucciones"

    static let listTitles: [TemplateList: String] = [
        .tiers: "nivel (grado o puesto)", .sexes: "sexo", .agencies: "dependencia", .groups: "grupo",
        .courses: "curso", .kinds: "tipo", .modalities: "modalidad", .states: "entidad", .formats: "formato",
    ]

    /// The template as bytes, for a download: written to a private temporary file, then removed.
    public static func data(_ kind: TemplateKind, lists: TemplateLists) throws -> Data {
        let path = XLSXBook.temporaryFolder + "/plantilla-\(UUID().uuidString).xlsx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(kind, lists: lists, to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    public static func write(_ kind: TemplateKind, lists: TemplateLists, to path: String) throws {
        let columns = TemplateGuide.columns(kind)
        let book = try XLSXBook(path: path, streaming: false)
        let data = try book.addSheet(dataSheet[kind]!)
        let guide = try book.addSheet(guideSheet)
        let listing = try book.addSheet(listSheet)
        // The lists used by this template, each in its own column of the Listas sheet.
        var sources: [TemplateList: String] = [:]
        var listColumn = 0
        for column in columns {
            guard case .list(let list) = column.check, sources[list] == nil, !lists[list].isEmpty else { continue }
            let values = lists[list]
            try listing.write(listTitles[list] ?? list.rawValue, row: 0, column: listColumn, style: .header)
            for (index, value) in values.enumerated() {
                try listing.write(value, row: index + 1, column: listColumn, style: .text)
            }
            let letter = SheetRows.letters(of: listColumn)
            sources[list] = "='\(listSheet)'!$\(letter)$2:$\(letter)$\(values.count + 1)"
            try listing.width(
                DocumentWriter.fitted(values.map(\.count).max() ?? 10), columns: listColumn...listColumn)
            listColumn += 1
            if list == .agencies, !lists.agencyNames.isEmpty {
                let names = values.map { lists.agencyNames[$0] ?? "" }
                try listing.write("nombre de la instancia", row: 0, column: listColumn, style: .header)
                for (index, name) in names.enumerated() { try listing.write(name, row: index + 1, column: listColumn) }
                try listing.width(
                    DocumentWriter.fitted(names.map(\.count).max() ?? 10), columns: listColumn...listColumn)
                listColumn += 1
            }
        }
        listing.freezeHeader()

        let rows = 1...(XLSXBook.maxRows - 1)
        for (index, column) in columns.enumerated() {
            try data.write(column.name, row: 0, column: index, style: .header)
            try data.note(note(column), row: 0, column: index)
            let width = DocumentWriter.fitted(max(column.name.count, column.example.count))
            switch column.check {
            case .none, .number, .whole: try data.width(width, columns: index...index)
            case .text, .list: try data.width(width, columns: index...index, style: .text)
            case .date: try data.width(width, columns: index...index, style: .date)
            }
            switch column.check {
            case .list(let list):
                guard let source = sources[list] else { break }
                try data.dropDown(
                    rows: rows, column: index, source: source, title: column.name,
                    message: "Elija un valor de la lista (hoja \(listSheet)).")
            case .date:
                try data.dateOnly(rows: rows, column: index, title: column.name, message: "Escriba una fecha.")
            case .whole(let range):
                try data.range(
                    rows: rows, column: index, minimum: Double(range.lowerBound), maximum: Double(range.upperBound),
                    integer: true, title: column.name, message: allowed(column.check).capitalizedFirst + ".")
            case .number(let range):
                try data.range(
                    rows: rows, column: index, minimum: range.lowerBound, maximum: range.upperBound, integer: false,
                    title: column.name, message: allowed(column.check).capitalizedFirst + ".")
            case .none, .text: break
            }
        }
        data.freezeHeader()
        try data.printSetup(headerRows: 1)
        data.activate()

        try guide.write("\(kind.title): cómo llenar esta plantilla", row: 0, column: 0, style: .title)
        var row = 2
        for line in TemplateGuide.instructions(kind) {
            try guide.write("• " + line, row: row, column: 0, style: .wrapped)
            row += 1
        }
        if let agency = lists.agency {
            try guide.write("Plantilla hecha para la instancia \(agency).", row: row, column: 0, style: .wrapped)
            row += 1
        }
        row += 1
        let headers = ["columna", "obligatoria", "qué contiene", "ejemplo", "valores"]
        for (index, header) in headers.enumerated() {
            try guide.write(header, row: row, column: index, style: .header)
        }
        for column in columns {
            row += 1
            try guide.write(column.name, row: row, column: 0, style: .text)
            try guide.write(column.required ? "sí" : "no", row: row, column: 1)
            try guide.write(column.meaning, row: row, column: 2, style: .wrapped)
            try guide.write(column.example, row: row, column: 3, style: .text)
            try guide.write(allowed(column.check), row: row, column: 4, style: .wrapped)
        }
        try guide.width(70, columns: 0...0)
        try guide.width(12, columns: 1...1)
        try guide.width(60, columns: 2...2)
        try guide.width(28, columns: 3...3)
        try guide.width(40, columns: 4...4)
        try book.close()
    }

    static func note(_ column: TemplateColumn) -> String {
        var lines = [column.name + (column.required ? " (obligatoria)" : " (opcional)")]
        if !column.meaning.isEmpty { lines.append(column.meaning) }
        if !column.example.isEmpty { lines.append("Ejemplo: \(column.example)") }
        return lines.joined(separator: "\n")
    }

    static func allowed(_ check: TemplateCheck) -> String {
        switch check {
        case .none, .text: return "texto"
        case .list(let list): return "de la lista «\(listTitles[list] ?? list.rawValue)» (hoja \(listSheet))"
        case .date: return "fecha (AAAA-MM-DD o DD/MM/AAAA)"
        case .whole(let range):
            return range.upperBound >= Int(Int32.max)
                ? "número entero desde \(range.lowerBound)"
                : "número entero de \(range.lowerBound) a \(range.upperBound)"
        case .number(let range):
            return "número de \(shortNumber(range.lowerBound)) a \(shortNumber(range.upperBound))"
        }
    }

    static func shortNumber(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

import ArgumentParser
import CapacitaOutput
import CapacitaXLSX
import Foundation

/// `--format` and `--out`: how a read command writes what it found, and where.
struct FormatOption: ParsableArguments {
    @Option(
        name: .customLong("format"),
        help: ArgumentHelp(
            "Formato de salida: table (para leer), json o csv (para programas, claves en inglés), xlsx (libro de Excel, con --out). (predeterminado: table, o el de la extensión de --out)",
            valueName: "formato"),
        transform: FormatOption.parse)
    var chosen: OutputFormat?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Escribe la salida en este archivo en lugar de la terminal; un nombre .xlsx, .csv o .json elige el formato si no se indica --format.",
            valueName: "archivo"))
    var out: String?

    var format: OutputFormat {
        chosen ?? out.flatMap(FormatOption.byExtension) ?? .table
    }

    static func parse(_ text: String) throws -> OutputFormat {
        guard let format = OutputFormat(rawValue: text.lowercased()) else {
            throw ValidationError("formatos válidos: table, json, csv o xlsx")
        }
        return format
    }

    static func byExtension(_ path: String) -> OutputFormat? {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "xlsx": return .xlsx
        case "csv": return .csv
        case "json": return .json
        default: return nil
        }
    }

    mutating func validate() throws {
        if format == .xlsx, out == nil {
            throw ValidationError("--format xlsx escribe un libro de Excel: indique el archivo con --out ARCHIVO.xlsx")
        }
        if let out, out.isEmpty { throw ValidationError("--out necesita el nombre de un archivo") }
        // Text in a file named .xlsx (or a workbook named .csv) would not open as what it says.
        if let chosen, let out, let named = FormatOption.byExtension(out), (chosen == .xlsx) != (named == .xlsx) {
            throw ValidationError(
                "--format \(chosen.rawValue) no escribe un archivo .\(named.rawValue): cambie --format o el nombre de --out"
            )
        }
    }

    /// A text already rendered in `format` (json, or a table with its own lines around it).
    func emit(_ text: String) throws {
        if format == .xlsx { throw Refused(message: "esta orden no escribe una tabla; use --format table o json") }
        guard let out else {
            print(text)
            return
        }
        do {
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw Refused(message: "no se pudo escribir «\(out)»: \(error.localizedDescription)")
        }
        Failure.printError("Escrito en «\(out)».")
    }

    func emit(_ table: Table, sheet: String) throws {
        if format == .xlsx { return try emit(WorkbookDocument(table, sheet: sheet)) }
        try emit(table.render(format))
    }

    func emit(_ record: Record, sheet: String) throws {
        if format == .xlsx { return try emit(WorkbookDocument([.record(record, name: sheet)])) }
        try emit(record.render(format))
    }

    /// A report in the format asked for: the one switch between a report and its renderers.
    func emit(_ report: some Report) throws {
        switch report.rendered(format) {
        case .text(let text): try emit(text)
        case .workbook(let document): try emit(document)
        }
    }

    /// A workbook to `--out`; only reached with `--format xlsx`, which `validate` ties to `--out`.
    func emit(_ document: WorkbookDocument) throws {
        guard let out else { throw ValidationError("--format xlsx necesita --out ARCHIVO.xlsx") }
        do {
            try DocumentWriter.write(document, to: out)
        } catch let error as WorkbookWriteError {
            throw Refused(message: error.description)
        }
        let rows = document.sheets.map { sheet -> String in
            switch sheet.content {
            case .table(let table): return "«\(sheet.name)», \(Plural.count(table.rows.count, "fila", "filas"))"
            case .fields(_, let fields): return "«\(sheet.name)», \(Plural.count(fields.count, "dato", "datos"))"
            }
        }
        Failure.printError("Libro escrito en «\(out)»: \(rows.joined(separator: "; ")).")
    }
}

/// `--sheet`: which sheet of an .xlsx workbook an import reads (by default, the first one with
/// content). Ignored for text files.
struct SheetOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Hoja del libro .xlsx que se lee (sin distinguir mayúsculas). (predeterminado: la primera con datos)",
            valueName: "hoja"))
    var sheet: String?
}

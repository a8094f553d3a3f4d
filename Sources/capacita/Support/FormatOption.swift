import ArgumentParser
import CapacitaOutput

struct FormatOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Formato de salida: table (para leer), json o csv (para programas, claves en inglés). (predeterminado: table)",
            valueName: "formato"),
        transform: FormatOption.parse)
    var format: OutputFormat = .table

    static func parse(_ text: String) throws -> OutputFormat {
        guard let format = OutputFormat(rawValue: text.lowercased()) else {
            throw ValidationError("formatos válidos: table, json o csv")
        }
        return format
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

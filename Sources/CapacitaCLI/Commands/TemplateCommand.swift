import ArgumentParser
import Capacita
import CapacitaStore
import CapacitaXLSX

/// `capacita template enroll|groups|results|headcounts --out plantilla.xlsx`: a blank workbook an
/// agency fills in, with the import's header, notes, drop-downs and an explanation sheet.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract:
            "Escribe una plantilla .xlsx en blanco para llenar: encabezado con notas, listas desplegables y una hoja que explica cada columna."
    )

    @Argument(
        help: ArgumentHelp(
            "Qué importará la plantilla: \(TemplateKind.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "tipo"),
        transform: { text in
            guard let kind = TemplateKind(rawValue: text.lowercased()) else {
                throw ValidationError(
                    "tipos de plantilla: \(TemplateKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        })
    var kind: TemplateKind

    @Option(name: .long, help: ArgumentHelp("Archivo .xlsx que se escribe.", valueName: "archivo"))
    var out: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Instancia para la que es la plantilla: solo ella en «dependencia» y sus grupos en «grupo».",
            valueName: "instancia"))
    var agency: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Año de los grupos que ofrece la lista «grupo» (\(YearArgument.help)). (predeterminado: el año en curso)",
            valueName: "año"),
        transform: YearArgument.parse)
    var year: Int?

    func validate() throws {
        guard out.lowercased().hasSuffix(".xlsx") else {
            throw ValidationError("--out debe ser un archivo .xlsx (por ejemplo plantilla.xlsx)")
        }
    }

    func run() throws {
        let connection = try Database.connect()
        let code = try agency.map { try ReferenceData.agencyCode($0, connection: connection, option: "--agency") }
        let lists = try TemplateSource(connection: connection).lists(
            kind, tiers: try ReferenceData.tierTable(), agency: code, year: year ?? YearArgument.currentYear)
        do {
            try TemplateWriter.write(kind, lists: lists, to: out)
        } catch let error as WorkbookWriteError {
            throw Refused(message: error.description)
        }
        Failure.printError(
            "Plantilla «\(kind.title)» escrita en «\(out)»: \(TemplateGuide.columns(kind).count) columnas"
                + (lists[.groups].isEmpty ? "" : ", \(lists[.groups].count) grupos de \(code ?? "")") + ".")
    }
}

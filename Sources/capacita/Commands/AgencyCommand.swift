import ArgumentParser
import Capacita
import CapacitaStore
import Foundation

struct AgencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Registro de instancias (dependencias) y sus nombres anteriores.",
        subcommands: [List.self, Import.self, Resolve.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista las instancias registradas.")

        @OptionGroup var output: FormatOption

        func run() throws {
            let agencies = try AgencyStore(connection: try Database.connect()).agencies()
            let rows: [[Cell]] = agencies.map { agency in
                [.text(agency.code), .text(agency.name), .list(agency.formerNames), .text(agency.order.rawValue),
                 agency.state.map(Cell.text) ?? .null, .bool(agency.countsInIndicator)]
            }
            print(Table(columns: ["code", "name", "former_names", "order", "state", "counts_in_indicator"], rows: rows)
                .render(output.format))
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa instancias de un CSV (codigo,nombre,nombres_anteriores,orden,entidad,cuenta_en_indicador); todo o nada.")

        @Argument(help: "Archivo CSV.")
        var file: String

        @OptionGroup var output: FormatOption

        func run() throws {
            let bytes = try InputFile.read(file)
            let connection = try Database.connect()
            let store = AgencyStore(connection: connection)
            switch AgencyFile.parse(bytes, existing: try store.agencies()) {
            case let .failure(issues):
                if output.format == .json {
                    print(JSONOutput.string(ImportReport(rows: nil, imported: 0, updated: 0, unchanged: 0, rejected: issues.issues)))
                }
                throw issues
            case let .success(agencies):
                let summary = try store.upsert(agencies)
                let report = ImportReport(rows: summary.rows, imported: summary.imported.count, updated: summary.updated.count,
                                          unchanged: summary.unchanged.count, rejected: [])
                print(output.format == .json ? JSONOutput.string(report) : report.text)
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Imprime el código de la instancia a la que corresponde un código, nombre o nombre anterior.")

        @Argument(help: "Código, nombre o nombre anterior (sin importar mayúsculas, acentos ni puntuación).")
        var name: String

        func run() throws {
            let registry = try AgencyStore(connection: try Database.connect()).registry()
            switch registry.resolve(name) {
            case let .found(agency):
                print(agency.code)
            case let .ambiguous(agencies):
                throw Refused(message: "«\(name)» es ambiguo: corresponde a \(agencies.map { "\($0.code) (\($0.name))" }.joined(separator: ", "))")
            case let .unknown(suggestions):
                let hint = suggestions.map { "\($0.code) (\($0.name))" }.joined(separator: ", ")
                throw Refused(message: "«\(name)» no es una instancia registrada." + (hint.isEmpty ? "" : " Las más parecidas: \(hint)"))
            }
        }
    }
}

import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

struct FichaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ficha",
        abstract: "Ficha diagnóstica (Anexo I): perfil agregado de quienes cada instancia enviará a capacitación.",
        subcommands: [Import.self, Show.self, History.self, Summary.self, Plan.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Importa fichas en YAML o JSON (una o una lista) o en CSV (una fila por instancia y año); todo o nada.")

        @Argument(help: ArgumentHelp("Archivo .yaml, .yml, .json, .csv o .xlsx.", valueName: "archivo")) var file:
            String
        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            let outcome = try FileImports(connection: try Database.connect()).fichas(
                input, ranBy: Operator.name, currentYear: YearArgument.currentYear)
            try ImportReport(outcome).emit(output)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra la ficha vigente de una instancia.")

        @Argument(help: ArgumentHelp("Instancia (código, nombre o nombre anterior).", valueName: "instancia"))
        var agency: String
        @Option(
            name: .long, help: ArgumentHelp("Año (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int
        @OptionGroup var output: FormatOption

        func run() throws {
            let connection = try Database.connect()
            let code = try ReferenceData.agencyCode(agency, connection: connection)
            guard let version = try FichaStore(connection: connection).current(agency: code, year: year) else {
                throw Refused(message: "\(code) no tiene ficha para \(year)")
            }
            switch output.format {
            case .json: try output.emit(JSONOutput.string(version.ficha))
            case .table, .csv: try output.emit(TerminalText.lines(FichaText.text(version)))
            case .xlsx: try output.emit(FichaWorkbook.document(version.ficha))
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Versiones de la ficha de una instancia para un año (la vigente primero).")

        @Argument(help: ArgumentHelp("Instancia.", valueName: "instancia")) var agency: String
        @Option(
            name: .long, help: ArgumentHelp("Año (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int
        @OptionGroup var output: FormatOption

        func run() throws {
            let connection = try Database.connect()
            let code = try ReferenceData.agencyCode(agency, connection: connection)
            let versions = try FichaStore(connection: connection).history(agency: code, year: year)
            try output.emit(FichaHistoryTable.table(versions), sheet: "Historial")
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Totales nacionales de un año: por orden de gobierno, sexo, edad, escolaridad, área y necesidades; instancias sin ficha."
        )

        @Option(
            name: .long, help: ArgumentHelp("Año (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int
        @OptionGroup var output: FormatOption

        func run() throws {
            try output.emit(try ReportLoader(connection: try Database.connect()).fichaSummary(year: year))
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "PROYECCIÓN: grupos que pedirían las necesidades de cada instancia y cobertura por nivel de mando si se capacitara a todos los puestos de su ficha."
        )

        @Option(
            name: .long, help: ArgumentHelp("Año (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int
        @Option(name: .long, help: ArgumentHelp("Umbral del Parámetro 4.2 (porcentaje).", valueName: "porcentaje"))
        var threshold: String = "5"
        @OptionGroup var output: FormatOption

        func run() throws {
            guard
                let threshold = Decimal(
                    string: threshold.replacingOccurrences(of: ",", with: "."),
                    locale: Locale(identifier: "en_US_POSIX")),
                threshold > 0
            else { throw Refused(message: "--threshold debe ser un porcentaje mayor que 0") }
            let connection = try Database.connect()
            let path =
                (Project.root()?.appendingPathComponent("db/seed/ficha-niveles.csv").path)
                ?? "db/seed/ficha-niveles.csv"
            let needLevels: NeedLevels
            switch NeedLevels.parse(try FileBytes.read(path)) {
            case .success(let value): needLevels = value
            case .failure(let issues):
                throw Refused(message: "\(path): " + issues.issues.map(\.description).joined(separator: "; "))
            }
            try output.emit(
                try ReportLoader(connection: connection).fichaPlan(
                    year: year, threshold: threshold, needLevels: needLevels))
        }
    }
}

enum FichaText {
    static func text(_ version: FichaVersion) -> String {
        let f = version.ficha
        func line(_ group: String, _ keys: [String], _ values: [String: Int]) -> String {
            "\(group): " + keys.map { "\($0) \(values[$0] ?? 0)" }.joined(separator: ", ")
        }
        var lines = [
            "Ficha \(f.agencyCode) \(f.year) (versión \(version.version), \(version.sourceFile), \(version.importedAt))",
            "Total \(f.total): hombres \(f.hombres), mujeres \(f.mujeres), otro \(f.otro)",
            line("Edad", FichaShape.ageRanges, f.edad), line("Escolaridad", FichaShape.education, f.escolaridad),
            line("Área", FichaShape.areas, f.area), line("Necesidades", FichaShape.needs, f.necesidades), "Puestos:",
        ]
        lines += f.puestos.map { "  - \($0.puesto) (\($0.nivel.rawValue)): \($0.personas)" }
        lines.append("Cursos previos:")
        lines += f.cursosPrevios.isEmpty ? ["  ninguno"] : f.cursosPrevios.map { "  - \($0.curso): \($0.personas)" }
        if let notes = f.observaciones { lines.append("Observaciones: \(notes)") }
        return lines.joined(separator: "\n")
    }
}

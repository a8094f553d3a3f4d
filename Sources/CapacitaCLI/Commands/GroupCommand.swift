import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Grupos y eventos de capacitación y sensibilización.",
        subcommands: [Import.self, Create.self, List.self, Show.self, Sessions.self, SessionsImport.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Importa grupos de un CSV (grupo, curso, tipo, dependencia, inicio, fin, modalidad, entidad, cupo, publico_general, servidores_publicos, formato, aliado); todo o nada."
        )

        @Argument(help: ArgumentHelp("Archivo CSV, de texto o libro .xlsx.", valueName: "archivo"))
        var file: String

        @Flag(name: .long, help: "Solo valida y dice qué haría; no escribe nada.")
        var dryRun = false

        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            let outcome = try FileImports(connection: try Database.connect()).groups(
                input, ranBy: Operator.name, dryRun: dryRun)
            try ImportReport(outcome).emit(output)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crea o actualiza un grupo con los mismos campos que group import.")

        @Option(name: .long, help: ArgumentHelp("Clave del grupo.", valueName: "clave")) var grupo: String
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Código del curso del catálogo (vacío para un evento fuera del catálogo).", valueName: "código"))
        var curso: String?
        @Option(
            name: .long, help: ArgumentHelp("capacitacion o sensibilizacion (se deduce del curso).", valueName: "tipo"))
        var tipo: String?
        @Option(
            name: .long,
            help: ArgumentHelp("Instancia organizadora (código, nombre o nombre anterior).", valueName: "instancia"))
        var dependencia: String
        @Option(name: .long, help: ArgumentHelp("Fecha de inicio (AAAA-MM-DD o DD/MM/AAAA).", valueName: "fecha"))
        var inicio: String
        @Option(name: .long, help: ArgumentHelp("Fecha de fin.", valueName: "fecha")) var fin: String?
        @Option(name: .long, help: ArgumentHelp("presencial, en_linea o mixta.", valueName: "modalidad")) var modalidad:
            String?
        @Option(name: .long, help: ArgumentHelp("Clave de la entidad (DF, JC, …).", valueName: "entidad")) var entidad:
            String?
        @Option(name: .long, help: ArgumentHelp("Cupo (por omisión, el máximo del curso).", valueName: "número"))
        var cupo: String?
        @Option(
            name: .customLong("publico-general"),
            help: ArgumentHelp("Asistentes del público en general (conteo agregado).", valueName: "número"))
        var publicoGeneral: String?
        @Option(
            name: .customLong("servidores-publicos"),
            help: ArgumentHelp("Personas servidoras públicas asistentes (conteo agregado).", valueName: "número")
        ) var servidoresPublicos: String?
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Cómo se impartió: platica, curso, taller, conferencia, obra_de_teatro, video u otro.",
                valueName: "formato"))
        var formato: String?
        @Option(
            name: .long,
            help: ArgumentHelp("Organización que lo impartió con la instancia (OIM, Polaris, …).", valueName: "nombre"))
        var aliado: String?

        @OptionGroup var output: FormatOption

        func run() throws {
            let connection = try Database.connect()
            let context = GroupFile.Context(
                registry: try AgencyStore(connection: connection).registry(),
                catalog: try ReferenceData.catalog(connection))
            let values: [(String, String?)] = [
                ("grupo", grupo), ("curso", curso), ("tipo", tipo), ("dependencia", dependencia), ("inicio", inicio),
                ("fin", fin), ("modalidad", modalidad), ("entidad", entidad), ("cupo", cupo),
                ("publico_general", publicoGeneral), ("servidores_publicos", servidoresPublicos), ("formato", formato),
                ("aliado", aliado),
            ]
            var issues: [ImportIssue] = []
            let columns = CSVColumns(header: values.map(\.0), specs: GroupFile.columns, issues: &issues)
            let row = CSVRow(line: 1, cells: values.map { ($0.1 ?? "").trimmingSpaces() }, columns: columns)
            guard let group = GroupFile.validate(row, context: context, issues: &issues) else {
                try ImportReport(
                    rejected: issues.map {
                        var issue = $0
                        issue.line = 0
                        issue.column = "--" + issue.column.replacingOccurrences(of: "_", with: "-")
                        return issue
                    }
                )
                .emit(output)
                return
            }
            let outcome = try GroupStore(connection: connection).upsert(
                [NumberedGroup(line: 0, group: group)], fileName: "",
                sha256: nil, ranBy: Operator.name)
            try ImportReport(outcome).emit(output)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lista los grupos que inician en un año o un periodo (--period, o --from y --to).")

        @Option(
            name: .long, help: ArgumentHelp("Año (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int?
        @OptionGroup var period: PeriodOptions
        @Option(name: .long, help: ArgumentHelp("Solo los de una instancia organizadora.", valueName: "instancia"))
        var agency: String?
        @OptionGroup var output: FormatOption

        func run() throws {
            let chosen = try period.chosen(year: year)
            let connection = try Database.connect()
            let agencyCode = try agency.map {
                try ReferenceData.agencyCode($0, connection: connection, option: "--agency")
            }
            let listings = try GroupStore(connection: connection).list(period: chosen, agency: agencyCode)
            try output.emit(GroupTable.table(listings), sheet: "Grupos")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Muestra un grupo: curso, fechas, cupo, inscritos y conteos agregados.")

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @OptionGroup var output: FormatOption

        func run() throws {
            guard let listing = try GroupStore(connection: try Database.connect()).group(code: code) else {
                throw Refused(message: "no hay un grupo con la clave \(code)")
            }
            try output.emit(GroupTable.record(listing), sheet: "Grupo")
        }
    }

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Lista las sesiones de un grupo: las de su archivo de sesiones, o una por día de inicio a fin si no tiene."
        )

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @OptionGroup var output: FormatOption

        func run() throws {
            guard let sessions = try GroupSessionStore(connection: try Database.connect()).list(group: code) else {
                throw Refused(message: "no hay un grupo con la clave \(code)")
            }
            try output.emit(SessionTable.table(sessions), sheet: "Sesiones")
        }
    }

    struct SessionsImport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sessions-import",
            abstract:
                "Importa sesiones (grupo, fecha, inicio, fin, lugar); las de cada grupo del archivo reemplazan las que tenía. Todo o nada."
        )

        @Argument(help: ArgumentHelp("Archivo CSV, de texto o libro .xlsx.", valueName: "archivo"))
        var file: String

        @Flag(name: .long, help: "Solo valida y dice qué haría; no escribe nada.")
        var dryRun = false

        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            let outcome = try FileImports(connection: try Database.connect()).sessions(
                input, ranBy: Operator.name, dryRun: dryRun)
            try ImportReport(outcome).emit(output)
        }
    }
}

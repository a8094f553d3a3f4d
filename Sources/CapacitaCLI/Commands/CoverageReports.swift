import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

/// The readings of Parámetro 4.2 the official text leaves open, as flags with their defaults.
struct CoverageFlags: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("Año del reporte (\(YearArgument.help)).", valueName: "año"),
        transform: YearArgument.parse)
    var year: Int?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Porcentaje mínimo por nivel de mando (el nombre del parámetro dice 5; su tabla de variables, 10).",
            valueName: "porcentaje"))
    var threshold: String = "5"
    @Option(
        name: .long,
        help: ArgumentHelp(
            "each-tier: cada nivel con plantilla alcanza el umbral; all-tiers: los tres juntos.", valueName: "regla"))
    var rule: String = CoverageOptions.Rule.eachTier.rawValue
    @Option(
        name: .long,
        help: ArgumentHelp(
            "cumulative: desde el inicio del programa hasta el año; annual: solo el año.", valueName: "ventana"))
    var window: String = CoverageOptions.Window.cumulative.rawValue
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Niveles que cuentan, separados por comas (por ejemplo basico,intermedio,formador,especializado); por omisión, los de los cursos que cuentan para el Parámetro 4.2.",
            valueName: "niveles"))
    var levels: String?

    /// Bad option values are usage errors (exit 2), found before anything runs.
    mutating func validate() throws {
        _ = try options()
    }

    /// The year a single-year report needs.
    func requiredYear() throws -> Int {
        guard let year else { throw ValidationError("falta --year (el año del reporte)") }
        return year
    }

    func options() throws -> CoverageOptions {
        switch CoverageOptions.parse(threshold: threshold, rule: rule, window: window, levels: levels) {
        case .success(let options): return options
        case .failure(let problem): throw ValidationError("--\(problem.option) \(problem.message)")
        }
    }
}

extension ReportCommand {
    struct Coverage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Cobertura por instancia y nivel de mando: plantilla, personas capacitadas, porcentaje y cuántas faltan."
        )

        @OptionGroup var flags: CoverageFlags
        @Option(name: .long, help: ArgumentHelp("Solo una instancia.", valueName: "instancia")) var agency: String?
        @OptionGroup var output: FormatOption

        func run() throws {
            let options = try flags.options()
            let connection = try Database.connect()
            let code = try agency.map { try ReferenceData.agencyCode($0, connection: connection, option: "--agency") }
            let year = try flags.requiredYear()
            let coverage = try CoverageStore(connection: connection).coverage(
                year: year, options: options, agency: code)
            switch output.format {
            case .json:
                try output.emit(
                    JSONOutput.string(
                        CoverageJSON(
                            year: year, options: options, agencies: coverage.map(AgencyCoverageJSON.init))))
            case .table:
                try output.emit(OptionsText.line(year, options) + "\n" + CoverageTable.table(coverage).render(.table))
            case .csv, .xlsx:
                try output.emit(CoverageTable.table(coverage), sheet: "Cobertura \(year)")
            }
        }
    }

    struct IndicatorReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "indicator",
            abstract:
                "Parámetro 4.2: instancias integrantes que capacitaron al menos al umbral de cada nivel de mando (NII/TII × 100)."
        )

        @OptionGroup var flags: CoverageFlags
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Serie de años DESDE-HASTA (por ejemplo 2021-2024; a lo más \(ReportYears.maxSeries) años), en lugar de --year.",
                valueName: "desde-hasta"),
            transform: YearArgument.series)
        var series: ClosedRange<Int>?
        @OptionGroup var output: FormatOption

        func run() throws {
            let options = try flags.options()
            let store = CoverageStore(connection: try Database.connect())
            if let series {
                let values = try series.map { try store.indicator(year: $0, options: options) }
                if output.format == .xlsx {
                    return try output.emit(IndicatorText.workbook(values, years: series, options: options))
                }
                return try output.emit(
                    IndicatorText.series(values, years: series, options: options, format: output.format))
            }
            let indicator = try store.indicator(year: try flags.requiredYear(), options: options)
            if output.format == .xlsx { return try output.emit(IndicatorText.workbook(indicator, options: options)) }
            try output.emit(IndicatorText.single(indicator, options: options, format: output.format))
        }
    }

    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Eventos y personas alcanzadas por instancia, tipo (capacitación, sensibilización) y público.")

        @Option(
            name: .long,
            help: ArgumentHelp("Año en que iniciaron los eventos (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse
        )
        var year: Int
        @OptionGroup var output: FormatOption

        func run() throws {
            let connection = try Database.connect()
            let table = EventsTable.build(
                agencies: try AgencyStore(connection: connection).agencies(),
                groups: try CoverageStore(connection: connection).eventGroups(year: year))
            switch output.format {
            case .json: try output.emit(JSONOutput.string(EventsReport.json(year: year, table)))
            case .table, .csv, .xlsx: try output.emit(EventsReport.table(table), sheet: "Eventos \(year)")
            }
        }
    }
}

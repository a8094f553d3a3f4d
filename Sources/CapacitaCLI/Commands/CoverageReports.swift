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
    @Option(
        name: .long,
        help: ArgumentHelp(
            "todos: cada curso del PNC que cuenta (por omisión); aprobados: solo los que el pleno había aprobado al cierre del año.",
            valueName: "cursos"))
    var courses: String = CoverageOptions.Courses.todos.rawValue

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
        switch CoverageOptions.parse(
            threshold: threshold, rule: rule, window: window, levels: levels, courses: courses)
        {
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
        @OptionGroup var breakdowns: BreakdownOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let options = try flags.options()
            let connection = try Database.connect()
            let code = try agency.map { try ReferenceData.agencyCode($0, connection: connection, option: "--agency") }
            let year = try flags.requiredYear()
            try output.emit(
                ReportLoader(connection: connection).coverage(
                    year: year, options: options, agency: code, by: breakdowns.by))
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
            let reports = ReportLoader(connection: try Database.connect())
            if let series { return try output.emit(try reports.indicatorSeries(years: series, options: options)) }
            try output.emit(try reports.indicator(year: try flags.requiredYear(), options: options))
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
        var year: Int?
        @OptionGroup var period: PeriodOptions
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Desgloses, uno o varios separados por comas: sexo, orden, entidad, publico (una tabla más por cada uno).",
                valueName: "desglose"),
            transform: { text in
                switch Breakdown.list(text) {
                case .success(let list): return list
                case .failure(let problem): throw ValidationError(problem.description)
                }
            }
        )
        var by: [Breakdown] = []
        @OptionGroup var output: FormatOption

        func run() throws {
            let chosen = try period.chosen(year: year)
            try output.emit(try ReportLoader(connection: try Database.connect()).events(period: chosen, by: by))
        }
    }
}

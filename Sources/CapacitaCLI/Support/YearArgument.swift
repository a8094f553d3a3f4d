import ArgumentParser
import Capacita
import Foundation

/// `--year` and `--series` as every command reads them: within `ReportYears`, or a usage error.
enum YearArgument {
    static var currentYear: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

    static func parse(_ text: String) throws -> Int {
        switch ReportYears.year(text, currentYear: currentYear) {
        case .success(let year): return year
        case .failure(let problem): throw ValidationError(problem.description)
        }
    }

    static func series(_ text: String) throws -> ClosedRange<Int> {
        switch ReportYears.series(text, currentYear: currentYear) {
        case .success(let range): return range
        case .failure(let problem): throw ValidationError(problem.description)
        }
    }

    static var help: String {
        "de \(ReportYears.first) al año próximo"
    }
}

/// `--period 2024|2024-T1…T4|2024-S1|2024-S2` or `--from D --to D`, for the activity reports; with
/// the command's `--year`, exactly one of the three.
struct PeriodOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Periodo: AAAA, AAAA-T1 a AAAA-T4 (trimestres) o AAAA-S1, AAAA-S2 (semestres).", valueName: "periodo"))
    var period: String?
    @Option(name: .long, help: ArgumentHelp("Primer día del periodo (AAAA-MM-DD), con --to.", valueName: "fecha"))
    var from: String?
    @Option(name: .long, help: ArgumentHelp("Último día del periodo (AAAA-MM-DD), con --from.", valueName: "fecha"))
    var to: String?

    /// The period asked for; `--year`, `--period` or `--from`/`--to`, one of them.
    func chosen(year: Int?) throws -> ReportPeriod {
        switch ReportPeriod.choose(
            year: year, period: period, from: from, to: to, currentYear: YearArgument.currentYear)
        {
        case .success(let period?): return period
        case .success(nil): throw ValidationError("indique el año (--year), el periodo (--period) o --from y --to")
        case .failure(let problem): throw ValidationError(problem.description)
        }
    }
}

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

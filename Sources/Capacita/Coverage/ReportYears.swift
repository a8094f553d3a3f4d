import CapacitaFiles

/// The years a report, a plan or a URL may ask for. A year outside them is a typing error, not a
/// query: `--series 1-999999` once ran for ten minutes and took 2 GB.
public enum ReportYears {
    /// The Comisión (then CIPSTP) was created by the Ley para Prevenir y Sancionar la Trata de
    /// Personas (DOF, 27 November 2007); the 2012 Ley General replaced that law and kept it. The
    /// 2010-2012 programme reports training for 2010, so records and reports start in 2007.
    public static let first = 2007
    /// How far ahead of the current year a plan or a headcount may be entered.
    public static let yearsAhead = 1
    /// The longest `--series`: more years than the program has existed, with room to spare.
    public static let maxSeries = 30

    public static func range(currentYear: Int) -> ClosedRange<Int> {
        first...(currentYear + yearsAhead)
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAYear(String)
        case outOfRange(Int, ClosedRange<Int>)
        case badSeries(String)
        case seriesTooLong(Int)

        public var description: String {
            switch self {
            case .notAYear(let text): return "«\(text)» no es un año (AAAA)"
            case .outOfRange(let year, let range):
                return "el año \(year) está fuera de los años del programa (\(range.lowerBound) a \(range.upperBound))"
            case .badSeries(let text): return "«\(text)» no es una serie DESDE-HASTA (por ejemplo 2021-2024)"
            case .seriesTooLong(let count): return "la serie tiene \(count) años; el máximo es \(ReportYears.maxSeries)"
            }
        }
    }

    public static func year(_ text: String, currentYear: Int) -> Result<Int, Problem> {
        let trimmed = text.trimmingSpaces()
        guard trimmed.count == 4, let year = Int(trimmed) else { return .failure(.notAYear(text)) }
        let allowed = range(currentYear: currentYear)
        guard allowed.contains(year) else { return .failure(.outOfRange(year, allowed)) }
        return .success(year)
    }

    /// "2021-2024": both ends within the program's years, in order, at most `maxSeries` long.
    public static func series(_ text: String, currentYear: Int) -> Result<ClosedRange<Int>, Problem> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return .failure(.badSeries(text)) }
        let from: Int
        let to: Int
        switch (year(parts[0], currentYear: currentYear), year(parts[1], currentYear: currentYear)) {
        case (.success(let a), .success(let b)):
            from = a
            to = b
        case (.failure(let problem), _), (_, .failure(let problem)):
            return .failure(problem)
        }
        guard from <= to else { return .failure(.badSeries(text)) }
        guard to - from + 1 <= maxSeries else { return .failure(.seriesTooLong(to - from + 1)) }
        return .success(from...to)
    }
}

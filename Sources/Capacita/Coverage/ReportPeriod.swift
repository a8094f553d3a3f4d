import CapacitaFiles

/// The days an activity report covers: a year (`2024`), a quarter (`2024-T1` … `2024-T4`), a half
/// (`2024-S1`, `2024-S2`) or any span of days (`--from`/`--to`), as the Secretaría Técnica follows
/// agencies up. Both ends within the program's years (`ReportYears`), at most `ReportYears.maxSeries`
/// years long. Parámetro 4.2 stays annual and cumulative, as its card defines it: it takes no period.
public struct ReportPeriod: Sendable, Hashable, CustomStringConvertible {
    public let from: CalendarDate
    public let to: CalendarDate
    /// As it was asked for: `2024`, `2024-T1`, `2024-S2`, `2024-02-01/2024-04-30`.
    public let label: String

    /// A whole calendar year.
    public static func year(_ year: Int) -> ReportPeriod {
        ReportPeriod(
            from: CalendarDate(clamping: year, month: 1, day: 1), to: CalendarDate(clamping: year, month: 12, day: 31),
            label: String(year))
    }

    /// The year the period starts in (the `year` of a report's JSON, kept for whole years).
    public var year: Int { from.year }

    /// A whole calendar year, as `--year` gave it.
    public var isWholeYear: Bool {
        from.year == to.year && from.month == 1 && from.day == 1 && to.month == 12 && to.day == 31
    }

    /// In Spanish, for a report's title: «2024», «primer trimestre de 2024», «del 1 de febrero al
    /// 30 de abril de 2024».
    public var description: String {
        if isWholeYear { return String(from.year) }
        let parts = label.split(separator: "-")
        if parts.count == 2, let ordinal = Self.ordinals[String(parts[1])] { return "\(ordinal) de \(parts[0])" }
        return CalendarDate.spanishRange(from, to)
    }

    private static let ordinals = [
        "T1": "primer trimestre", "T2": "segundo trimestre", "T3": "tercer trimestre", "T4": "cuarto trimestre",
        "S1": "primer semestre", "S2": "segundo semestre",
    ]

    /// The quarters' and halves' months: first and last.
    private static let spans: [String: (Int, Int)] = [
        "T1": (1, 3), "T2": (4, 6), "T3": (7, 9), "T4": (10, 12), "S1": (1, 6), "S2": (7, 12),
    ]

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAPeriod(String)
        case year(ReportYears.Problem)
        case notADate(String)
        case backwards(CalendarDate, CalendarDate)
        case tooLong(Int)

        public var description: String {
            switch self {
            case .notAPeriod(let text):
                return "«\(text)» no es un periodo: AAAA, AAAA-T1 a AAAA-T4 (trimestres) o AAAA-S1, AAAA-S2 (semestres)"
            case .year(let problem): return problem.description
            case .notADate(let text): return "«\(text)» no es una fecha (AAAA-MM-DD)"
            case .backwards(let from, let to): return "el periodo termina (\(to)) antes de empezar (\(from))"
            case .tooLong(let years): return "el periodo abarca \(years) años; el máximo es \(ReportYears.maxSeries)"
            }
        }
    }

    /// `2024`, `2024-T3`, `2024-S1` (also in lower case).
    public static func parse(_ text: String, currentYear: Int) -> Result<ReportPeriod, Problem> {
        let trimmed = text.trimmingSpaces().uppercased()
        guard trimmed.utf8.count <= 7 else { return .failure(.notAPeriod(String(text.prefix(20)))) }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let year: Int
        switch ReportYears.year(parts[0], currentYear: currentYear) {
        case .success(let value): year = value
        case .failure(let problem):
            return .failure(parts[0].count == 4 && Int(parts[0]) != nil ? .year(problem) : .notAPeriod(text))
        }
        if parts.count == 1 { return .success(.year(year)) }
        guard parts.count == 2, let (first, last) = spans[parts[1]] else { return .failure(.notAPeriod(text)) }
        return .success(
            ReportPeriod(
                from: CalendarDate(clamping: year, month: first, day: 1),
                to: CalendarDate(clamping: year, month: last, day: 31), label: "\(year)-\(parts[1])"))
    }

    /// `--from D --to D`: both days within the program's years, in order.
    public static func range(from: String, to: String, currentYear: Int) -> Result<ReportPeriod, Problem> {
        let allowed = ReportYears.range(currentYear: currentYear)
        var days: [CalendarDate] = []
        for text in [from, to] {
            guard text.utf8.count <= 10, let day = CalendarDate.parse(text) else {
                return .failure(.notADate(String(text.prefix(20))))
            }
            guard allowed.contains(day.year) else { return .failure(.year(.outOfRange(day.year, allowed))) }
            days.append(day)
        }
        guard days[0] <= days[1] else { return .failure(.backwards(days[0], days[1])) }
        let years = days[1].year - days[0].year + 1
        guard years <= ReportYears.maxSeries else { return .failure(.tooLong(years)) }
        return .success(ReportPeriod(from: days[0], to: days[1], label: "\(days[0])/\(days[1])"))
    }

    /// A report's period from what the caller gave: a year, a period, or both ends of a span; one
    /// of the three, never two. nil when none was given.
    public static func choose(
        year: Int?, period: String?, from: String?, to: String?, currentYear: Int
    ) -> Result<ReportPeriod?, ChoiceProblem> {
        let given = [year != nil, period != nil, from != nil || to != nil].filter { $0 }.count
        guard given <= 1 else { return .failure(.severalGiven) }
        if let year { return .success(.year(year)) }
        if let period { return parse(period, currentYear: currentYear).map { $0 }.mapError(ChoiceProblem.period) }
        guard from != nil || to != nil else { return .success(nil) }
        guard let from, let to else { return .failure(.halfSpan) }
        return range(from: from, to: to, currentYear: currentYear).map { $0 }.mapError(ChoiceProblem.period)
    }

    public enum ChoiceProblem: Error, Sendable, Equatable, CustomStringConvertible {
        case severalGiven
        case halfSpan
        case period(Problem)

        public var description: String {
            switch self {
            case .severalGiven: return "indique el año, el periodo o las fechas desde y hasta, solo una de las tres"
            case .halfSpan: return "un periodo por fechas lleva las dos: desde y hasta"
            case .period(let problem): return problem.description
            }
        }
    }
}

import Capacita
import Postgres

/// The counts behind coverage, Parámetro 4.2 and the events table.
public struct CoverageStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// The plainest SQL that counts trained people: distinct persons with an acreditado enrollment
    /// in a group of a counting course that ended in the window, each in the agency and tier of
    /// their latest such enrollment (ties broken by start date, then group code).
    public static let trainedSQL = """
        SELECT agency_code, tier, count(*)::int AS people FROM (
            SELECT DISTINCT ON (e.curp) e.agency_code, e.tier
            FROM enrollment e
            JOIN training_group g ON g.code = e.group_code
            JOIN course c ON c.code = g.course_code
            WHERE e.status = 'acreditado' AND c.counts_for_indicator AND c.level = ANY($3::text[])
              AND COALESCE(g.ends_on, g.starts_on) BETWEEN $1::date AND $2::date
            ORDER BY e.curp, COALESCE(g.ends_on, g.starts_on) DESC, g.starts_on DESC, g.code DESC
        ) latest
        GROUP BY agency_code, tier
        """

    /// The first day a window counts from: the year itself (annual) or the start of the earliest
    /// program with a counting course among the chosen levels (cumulative).
    public func windowStart(year: Int, options: CoverageOptions) throws -> Int {
        guard options.window == .cumulative else { return year }
        let levels = (options.levels ?? Set(Level.allCases)).map(\.rawValue)
        let programs = try connection.query(
            "SELECT DISTINCT program FROM course WHERE counts_for_indicator AND level = ANY($1::text[])",
            [levels]
        ).map { try $0.decode("program", as: String.self) }
        return programs.compactMap { Program(rawValue: $0)?.startYear }.min() ?? year
    }

    /// The same count read from the trained_year summary (db/migrations/0007): one row per person
    /// and year, so the window needs no sort. It covers every level that counts for the indicator.
    public static let summarySQL = """
        SELECT agency_code, tier, count(*)::int AS people
        FROM trained_year
        WHERE year BETWEEN $1 AND $2 AND (next_year IS NULL OR next_year > $2)
        GROUP BY agency_code, tier
        """

    /// Counted over every agency's people whoever asks (an enlace sees only its own under row-level
    /// security): `trained_counts` (db/migrations/0009) runs as its definer and returns counts
    /// only. It reads the summary, or with a subset of levels the base tables (a subset changes
    /// whose enrollment is latest). A read never writes: it refreshes only the caller's own
    /// uncommitted changes, and takes no global lock.
    public func trained(year: Int, options: CoverageOptions) throws -> [TrainedCount] {
        let from = try windowStart(year: year, options: options)
        let levels: [String]? = options.levels.flatMap { $0 == Set(Level.allCases) ? nil : $0.map(\.rawValue).sorted() }
        let result =
            options.courses == .aprobados
            ? try connection.query(
                "SELECT * FROM trained_counts_approved($1, $2, $3::text[], $4::date)",
                [from, year, levels, "\(year)-12-31"])
            : try connection.query("SELECT * FROM trained_counts($1, $2, $3::text[])", [from, year, levels])
        return try result.map { row in
            TrainedCount(
                agencyCode: try row.decode("agency_code"), tier: Tier(rawValue: try row.decode("tier")) ?? .operativo,
                people: try row.decode("people"))
        }
    }

    /// `trained(year:options:)` split by the sex each person's CURP gives, for coverage's breakdown
    /// by sex: `trained_counts_by_sex` (db/migrations/0035) takes the same branches, so each
    /// agency's and tier's sum is the same count.
    public func trainedBySex(year: Int, options: CoverageOptions) throws -> [TrainedBySex] {
        let from = try windowStart(year: year, options: options)
        let levels: [String]? = options.levels.flatMap { $0 == Set(Level.allCases) ? nil : $0.map(\.rawValue).sorted() }
        let approvedBy: String? = options.courses == .aprobados ? "\(year)-12-31" : nil
        return try connection.query(
            "SELECT * FROM trained_counts_by_sex($1, $2, $3::text[], $4::date)", [from, year, levels, approvedBy]
        ).map { row in
            TrainedBySex(
                agencyCode: try row.decode("agency_code"), tier: Tier(rawValue: try row.decode("tier")) ?? .operativo,
                sex: try row.decode("sex", as: String?.self).flatMap(Sex.init(rawValue:)),
                people: try row.decode("people"))
        }
    }

    /// Coverage of every agency of the registry (or one) for a year.
    public func coverage(year: Int, options: CoverageOptions, agency: String? = nil) throws -> [AgencyCoverage] {
        let agencies = try AgencyStore(connection: connection).agencies().filter { agency == nil || $0.code == agency }
        let headcounts = Dictionary(
            uniqueKeysWithValues: try HeadcountStore(connection: connection).list(year: year).map {
                ($0.agencyCode, $0)
            })
        return CoverageCalculator.coverage(
            agencies: agencies, headcounts: headcounts, trained: try trained(year: year, options: options),
            options: options)
    }

    public func indicator(year: Int, options: CoverageOptions) throws -> Indicator {
        Indicator.compute(year: year, coverage: try coverage(year: year, options: options))
    }

    /// Groups that started in `period`, added together by agency, kind, state, formato and partner,
    /// with the public servants they reached (their aggregate counts plus the people enrolled, bajas left out) and
    /// the enrolled ones by sex.
    public func eventGroups(period: ReportPeriod) throws -> [EventGroup] {
        // Every agency's enrolled people count, whoever asks: a definer function gives the totals,
        // already added up by agency, kind, state, formato and partner (never a group's own).
        try connection.query(
            "SELECT * FROM event_counts($1::date, $2::date)", [period.from.description, period.to.description]
        ).map { row in
            EventGroup(
                agencyCode: try row.decode("agency_code"),
                kind: TrainingKind(rawValue: try row.decode("kind")) ?? .capacitacion,
                generalPublic: try row.decode("general_public"), publicServants: try row.decode("servants"),
                events: try row.decode("events"), state: try row.decode("state"),
                enrolledBySex: [
                    .hombre: try row.decode("enrolled_h"), .mujer: try row.decode("enrolled_m"),
                    .noBinario: try row.decode("enrolled_x"),
                ],
                format: try row.decode("format", as: String?.self).flatMap(EventFormat.init(rawValue:)),
                partner: try row.decode("partner"))
        }
    }
}

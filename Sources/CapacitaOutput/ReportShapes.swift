import Capacita
import CapacitaFiles
import Foundation

// The JSON shapes and tables of the reports, shared by the CLI and the service (one encoder).

public enum OptionsText {
    public static func levels(_ options: CoverageOptions) -> String {
        options.levels.map { $0.map(\.rawValue).sorted().map(Labels.value).joined(separator: ", ") }
            ?? "todos los que cuentan"
    }

    public static func line(_ year: Int?, _ options: CoverageOptions) -> String {
        (year.map { "Año \($0). " } ?? "")
            + "Umbral \(options.threshold) %, regla: \(Labels.value(options.rule.rawValue)), ventana: \(Labels.value(options.window.rawValue)), niveles: \(levels(options)), cursos: \(Labels.value("courses_" + options.courses.rawValue))"
    }
}

public enum CoverageTable {
    public static func table(_ coverage: [AgencyCoverage]) -> Table {
        var rows: [[Cell]] = []
        for agency in coverage {
            for tier in Tier.allCases {
                let trained = agency.trained[tier] ?? 0
                if let t = agency.tiers?[tier] {
                    rows.append([
                        .text(agency.agency.code), .code(tier.rawValue), .int(t.headcount), .int(trained),
                        // A tier without staff has no percentage: not ND (the headcount is known), just none.
                        t.percent.map { .percentage(.percent($0)) } ?? .null, .int(t.missing), .bool(t.meets),
                        .bool(agency.meets),
                    ])
                } else {
                    rows.append([
                        .text(agency.agency.code), .code(tier.rawValue), .nd, .int(trained), .nd, .nd, .nd,
                        .bool(false),
                    ])
                }
            }
        }
        return Table(
            columns: ["agency", "tier", "headcount", "trained", "percent", "missing", "tier_meets", "agency_meets"],
            rows: rows)
    }
}

/// ND tiers print their unknowns as null, never as 0 and never left out.
public struct TierJSON: Encodable {
    public var headcount: Int?
    public var trained: Int
    public var percent: Rounded?
    public var missing: Int?

    enum CodingKeys: String, CodingKey { case headcount, trained, percent, missing }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(headcount, forKey: .headcount)
        try container.encode(trained, forKey: .trained)
        try container.encode(percent, forKey: .percent)
        try container.encode(missing, forKey: .missing)
    }
}

public struct AgencyCoverageJSON: Encodable {
    public var code: String
    public var name: String
    public var countsInIndicator: Bool
    public var meets: Bool
    public var nd: Bool
    public var tiers: [String: TierJSON]

    enum CodingKeys: String, CodingKey {
        case code, name, meets, nd, tiers
        case countsInIndicator = "counts_in_indicator"
    }

    public init(_ coverage: AgencyCoverage) {
        code = coverage.agency.code
        name = coverage.agency.name
        countsInIndicator = coverage.agency.countsInIndicator
        meets = coverage.meets
        nd = coverage.nd
        var tiers: [String: TierJSON] = [:]
        for tier in Tier.allCases {
            let t = coverage.tiers?[tier]
            tiers[tier.rawValue] = TierJSON(
                headcount: t?.headcount, trained: coverage.trained[tier] ?? 0,
                percent: t?.percent.map(Rounded.percent), missing: t?.missing)
        }
        self.tiers = tiers
    }
}

public struct CoverageJSON: Encodable {
    public var year: Int
    public var threshold: Decimal
    public var rule: String
    public var window: String
    public var levels: [String]?
    public var courses: String
    public var agencies: [AgencyCoverageJSON]
    public var breakdowns: [CoverageBreakdownJSON]

    public init(
        year: Int, options: CoverageOptions, agencies: [AgencyCoverageJSON], breakdowns: [CoverageBreakdownJSON] = []
    ) {
        self.year = year
        threshold = options.threshold
        rule = options.rule.rawValue
        window = options.window.rawValue
        levels = options.levels.map { $0.map(\.rawValue).sorted() }
        courses = options.courses.rawValue
        self.agencies = agencies
        self.breakdowns = breakdowns
    }
}

public struct IndicatorJSON: Encodable {
    public var year: Int
    public var threshold: Decimal
    public var rule: String
    public var window: String
    public var levels: [String]?
    public var courses: String
    public var nii: Int
    public var tii: Int
    public var percent: Rounded?
    public var formula: String
    public var formulaOfficial: String
    /// `N/A`, `ND` or `p/` as the official reports mark the value; absent when unmarked.
    public var mark: String?
    public var withoutData: [String]
    public var agencies: [AgencyCoverageJSON]

    enum CodingKeys: String, CodingKey {
        case year, threshold, rule, window, levels, courses, nii, tii, percent, formula, mark, agencies
        case formulaOfficial = "formula_official"
        case withoutData = "without_data"
    }

    public init(_ indicator: Indicator, options: CoverageOptions) {
        year = indicator.year
        threshold = options.threshold
        rule = options.rule.rawValue
        window = options.window.rawValue
        levels = options.levels.map { $0.map(\.rawValue).sorted() }
        courses = options.courses.rawValue
        nii = indicator.nii
        tii = indicator.tii
        percent = indicator.percent.map(Rounded.percent)
        formula = indicator.formula
        formulaOfficial = indicator.officialFormula
        mark = indicator.mark?.rawValue
        withoutData = indicator.withoutData
        agencies = indicator.agencies.map(AgencyCoverageJSON.init)
    }
}

public struct RosterJSON: Encodable {
    public var curp: String
    public var name: String
    public var tier: String
    public var agency: String
    public var status: String
    public var attendance: Rounded?
    public var pre: Rounded?
    public var post: Rounded?
    public var final: Rounded?

    /// `revealCURP`: the caller may see this person's CURP in full (the service's admin, or the
    /// enlace of the agency that enrolled them); otherwise it is masked, as on a terminal.
    public init(_ entry: RosterEntry, revealCURP: Bool = false) {
        curp = revealCURP ? entry.curp.value : entry.curp.masked
        name = entry.name.full
        tier = entry.tier.rawValue
        agency = entry.agencyCode
        status = entry.result.status.rawValue
        attendance = Rounded(entry.result.attendance, places: Exact.percentPlaces)
        pre = Rounded(entry.result.pre, places: Exact.percentPlaces)
        post = Rounded(entry.result.post, places: Exact.percentPlaces)
        final = Rounded(entry.result.finalScore, places: Exact.percentPlaces)
    }
}

public struct GroupReportJSON: Encodable {
    public var group: String
    public var course: String?
    public var roster: [RosterJSON]
    public var statistics: ResultStatistics
    public var breakdowns: [ResultBreakdownJSON]

    public init(
        group: String, course: String?, roster: [RosterJSON], statistics: ResultStatistics,
        breakdowns: [ResultBreakdownJSON] = []
    ) {
        self.group = group
        self.course = course
        self.roster = roster
        self.statistics = statistics
        self.breakdowns = breakdowns
    }
}

public struct CourseReportJSON: Encodable {
    public var course: String
    public var year: Int
    public var groups: Int
    public var total: ResultStatistics
    public var byAgency: [String: ResultStatistics]
    public var period: PeriodJSON?
    public var breakdowns: [ResultBreakdownJSON]

    public init(
        course: String, year: Int, groups: Int, total: ResultStatistics, byAgency: [String: ResultStatistics],
        period: PeriodJSON? = nil, breakdowns: [ResultBreakdownJSON] = []
    ) {
        self.course = course
        self.year = year
        self.groups = groups
        self.total = total
        self.byAgency = byAgency
        self.period = period
        self.breakdowns = breakdowns
    }

    enum CodingKeys: String, CodingKey {
        case course, year, groups, total
        case byAgency = "by_agency"
        case period, breakdowns
    }
}

public enum RosterTable {
    public static func table(
        _ roster: [RosterEntry], revealCURP: (RosterEntry) -> Bool = { _ in false }
    ) -> Table {
        Table(
            columns: ["curp", "name", "tier", "agency", "attendance", "pre", "post", "final", "status"],
            rows: roster.map { entry in
                [
                    .text(revealCURP(entry) ? entry.curp.value : entry.curp.masked), .text(entry.name.full),
                    .code(entry.tier.rawValue),
                    .text(entry.agencyCode), .score(entry.result.attendance), .score(entry.result.pre),
                    .score(entry.result.post), .score(entry.result.finalScore), .code(entry.result.status.rawValue),
                ]
            })
    }
}

public enum StatisticsText {
    public static let columns = [
        "agency", "enrolled", "acreditados", "no_acreditados", "bajas", "pass_percent", "class_gain",
        "mean_individual_gain", "reaction_mean",
    ]

    /// A rate as a percentage for people: 0.63667 → "63.67 %".
    public static func percent(_ rate: Double?) -> String {
        rate.flatMap { Rounded($0 * 100, places: Exact.percentPlaces) }.map { "\($0) %" } ?? "ND"
    }

    public static func ratio(_ value: Double?) -> String { Cell.ratio(value).display }

    public static func score(_ value: Double?) -> String { value == nil ? "ND" : Cell.score(value).display }

    public static func reactionMean(_ statistics: ResultStatistics) -> Double? {
        let means = statistics.reaction.values.compactMap(\.mean)
        return means.isEmpty ? nil : means.reduce(0, +) / Double(means.count)
    }

    public static func row(_ label: String, _ s: ResultStatistics) -> [Cell] {
        [
            .text(label), .int(s.enrolled), .int(s.acreditados), .int(s.noAcreditados), .int(s.bajas),
            s.passRate.flatMap { Rounded($0 * 100, places: Exact.percentPlaces) }.map(Cell.percentage) ?? .nd,
            .ratio(s.classGain), .ratio(s.meanIndividualGain),
            reactionMean(s).flatMap { Rounded($0, places: Exact.percentPlaces) }.map(Cell.decimal) ?? .nd,
        ]
    }

    public static func lines(_ s: ResultStatistics) -> [String] {
        var lines = [
            "Inscritas: \(s.enrolled)  acreditadas: \(s.acreditados)  no acreditadas: \(s.noAcreditados)  bajas: \(s.bajas)  sin resultado: \(s.inscritos)",
            "Tasa de acreditación (sobre evaluadas): \(percent(s.passRate))",
            "Aprendizaje (\(s.paired) con pre y post): media pre \(score(s.meanPre)), media post \(score(s.meanPost)); "
                + "ganancia normalizada del grupo \(ratio(s.classGain)); media de ganancias individuales \(ratio(s.meanIndividualGain)) (\(s.individualGainCount) con pre < 100)",
            "Reacción (media; respuestas 1·2·3·4·5):",
        ]
        for measure in ResultMeasure.allCases where measure.isReaction {
            let summary = s.reaction[measure.rawValue] ?? ReactionSummary([])
            lines.append(
                "  \(Labels.header(measure.rawValue)): \(score(summary.mean)); \(summary.distribution.map(String.init).joined(separator: "·"))"
            )
        }
        return lines
    }
}

/// Labeled as a projection in the JSON too, so no one reads it as training done.
public struct PlanJSON: Encodable {
    public var projection = true
    public var year: Int
    public var groups: [JSONObject]
    public var tiers: [JSONObject]

    public init(year: Int, groups: [JSONObject], tiers: [JSONObject]) {
        self.year = year
        self.groups = groups
        self.tiers = tiers
    }
}

/// The outcome of an import, in the JSON shape of design.md: rows, imported, updated, unchanged,
/// and rejected as a list of {line, column, value, error} (CURPs already masked).
public struct ImportReport: Encodable {
    public var rows: Int
    public var imported: Int
    public var updated: Int
    public var unchanged: Int
    public var rejected: [ImportIssue]
    public var unlisted: Int
    public var dryRun: Bool
    public var ignoredColumns: [String]
    public var batch: Int64?
    public var extra: [String: Int]
    /// The line the header was read from (1 unless a title or notes sit above it).
    public var headerLine: Int

    enum CodingKeys: String, CodingKey {
        case rows, imported, updated, unchanged, rejected, unlisted, extra
        case dryRun = "dry_run"
        case ignoredColumns = "ignored_columns"
        case headerLine = "header_line"
        case batch
    }

    public init(_ outcome: ImportOutcome) {
        rows = outcome.rows
        imported = outcome.imported
        updated = outcome.updated
        unchanged = outcome.unchanged
        rejected = outcome.rejected
        unlisted = outcome.unlisted
        dryRun = outcome.dryRun
        ignoredColumns = outcome.ignoredColumns
        batch = outcome.batchID
        extra = outcome.extra
        headerLine = outcome.headerLine
    }

    public init(rejected: [ImportIssue], rows: Int = 0) {
        self.init(
            ImportOutcome(
                rows: rows, imported: 0, updated: 0, unchanged: 0, rejected: rejected, unlisted: 0,
                ignoredColumns: [], dryRun: false, batchID: nil))
    }
}

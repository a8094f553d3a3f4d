import Foundation

/// The readings of Parámetro 4.2 that the official text leaves open, each a choice with the
/// documented default.
public struct CoverageOptions: Sendable, Equatable {
    /// Percent of a tier that must be trained: 5 by the parameter's name (its variable table says 10).
    public var threshold: Decimal = 5
    public var rule: Rule = .eachTier
    public var window: Window = .cumulative
    /// Levels whose courses count; nil: every level of a course marked counts_for_indicator.
    public var levels: Set<Level>?
    /// Every PNC course (default), or only those whose contents the plenary had approved by the
    /// end of the year evaluated (the catalog's `history`).
    public var courses: Courses = .todos

    public enum Courses: String, Sendable, CaseIterable {
        /// Every course marked counts_for_indicator, approved or a draft (default: as the card counts).
        case todos
        /// Only courses approved by the plenary by the year's end.
        case aprobados
    }

    public enum Rule: String, Sendable, CaseIterable {
        /// Every tier with staff reaches the threshold (default).
        case eachTier = "each-tier"
        /// Trained over staff, the three tiers together.
        case allTiers = "all-tiers"
    }

    public enum Window: String, Sendable, CaseIterable {
        /// Groups that ended from the program's start through the year (default: the parameter is cumulative).
        case cumulative
        /// Groups that ended in the year.
        case annual
    }

    public init(
        threshold: Decimal = 5, rule: Rule = .eachTier, window: Window = .cumulative, levels: Set<Level>? = nil,
        courses: Courses = .todos
    ) {
        self.threshold = threshold
        self.rule = rule
        self.window = window
        self.levels = levels
        self.courses = courses
    }
}

/// How many distinct people an agency trained in a tier.
public struct TrainedCount: Sendable, Equatable {
    public var agencyCode: String
    public var tier: Tier
    public var people: Int

    public init(agencyCode: String, tier: Tier, people: Int) {
        self.agencyCode = agencyCode
        self.tier = tier
        self.people = people
    }
}

/// One tier of one agency against the threshold.
public struct TierCoverage: Sendable, Equatable {
    public var headcount: Int
    public var trained: Int
    /// trained / headcount × 100; nil when the headcount is zero.
    public var percent: Decimal?
    /// People still needed to reach the threshold (0 when reached).
    public var missing: Int
    public var meets: Bool
}

/// An agency's coverage in a year.
public struct AgencyCoverage: Sendable, Equatable {
    public var agency: Agency
    /// nil: no headcount for the year (ND): shown as such, never as 0, and it does not meet.
    public var tiers: [Tier: TierCoverage]?
    /// Trained people by tier, known even without a headcount.
    public var trained: [Tier: Int]
    public var meets: Bool

    public var nd: Bool { tiers == nil }
}

public enum CoverageCalculator {
    /// The smallest number of people that is at least `threshold` percent of `headcount`:
    /// 5 % of 20 is exactly 1; 5 % of 21 needs 2. Exact decimal arithmetic, no rounding drift.
    public static func needed(threshold: Decimal, headcount: Int) -> Int {
        var product = threshold * Decimal(headcount) / 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &product, 0, .up)
        return NSDecimalNumber(decimal: rounded).intValue
    }

    public static func tier(headcount: Int, trained: Int, threshold: Decimal) -> TierCoverage {
        let needed = needed(threshold: threshold, headcount: headcount)
        var percent: Decimal?
        if headcount > 0 {
            var value = Decimal(trained) * 100 / Decimal(headcount)
            var rounded = Decimal()
            NSDecimalRound(&rounded, &value, 2, .plain)
            percent = rounded
        }
        return TierCoverage(
            headcount: headcount, trained: trained, percent: percent, missing: max(0, needed - trained),
            meets: headcount > 0 && Decimal(trained) * 100 >= threshold * Decimal(headcount))
    }

    /// Coverage of each agency given its headcount (if any) and trained counts.
    public static func coverage(
        agencies: [Agency], headcounts: [String: Headcount], trained: [TrainedCount],
        options: CoverageOptions
    ) -> [AgencyCoverage] {
        var byAgency: [String: [Tier: Int]] = [:]
        for count in trained { byAgency[count.agencyCode, default: [:]][count.tier, default: 0] += count.people }
        return agencies.map { agency in
            let people = byAgency[agency.code] ?? [:]
            guard let headcount = headcounts[agency.code] else {
                return AgencyCoverage(agency: agency, tiers: nil, trained: people, meets: false)
            }
            var tiers: [Tier: TierCoverage] = [:]
            for tier in Tier.allCases {
                tiers[tier] = Self.tier(
                    headcount: headcount[tier], trained: people[tier] ?? 0, threshold: options.threshold)
            }
            let meets: Bool
            switch options.rule {
            case .eachTier:
                // Tiers without staff cannot be trained and are not asked of; an agency with no staff at all does not meet.
                let staffed = Tier.allCases.filter { headcount[$0] > 0 }
                meets = !staffed.isEmpty && staffed.allSatisfy { tiers[$0]?.meets == true }
            case .allTiers:
                let total = Tier.allCases.reduce(0) { $0 + (people[$1] ?? 0) }
                meets = headcount.total > 0 && Decimal(total) * 100 >= options.threshold * Decimal(headcount.total)
            }
            return AgencyCoverage(agency: agency, tiers: tiers, trained: people, meets: meets)
        }
    }
}

/// The marks the official reports put on a value instead of, or beside, a number (Avance y
/// Resultados 2023-2024, the parameter's card and its summary table): a value is never shown as 0
/// when it is one of these.
public enum IndicatorMark: String, Sendable, Equatable, CaseIterable {
    /// No aplica: a year before the indicator existed (the card gives 2019 and 2020 as N/A).
    case notApplicable = "N/A"
    /// No disponible: nothing to compute from (no counted agency, or none with a headcount).
    case noData = "ND"
    /// Preliminar: the year is still running; the figure is cumulative and may still grow.
    case preliminary = "p/"
}

/// Parámetro 4.2: PII% = NII / TII × 100.
public struct Indicator: Sendable, Equatable {
    public var year: Int
    /// Counted member agencies that meet.
    public var nii: Int
    /// Agencies counted in the indicator (from the registry).
    public var tii: Int
    /// Rounded to 2 decimals; nil when TII is 0, and when marked N/A or ND.
    public var percent: Decimal?
    /// Counted members without a headcount for the year.
    public var withoutData: [String]
    public var agencies: [AgencyCoverage]
    /// The official mark, when the value carries one (`marked(currentYear:)`).
    public var mark: IndicatorMark?

    public init(
        year: Int, nii: Int, tii: Int, percent: Decimal?, withoutData: [String], agencies: [AgencyCoverage],
        mark: IndicatorMark? = nil
    ) {
        self.year = year
        self.nii = nii
        self.tii = tii
        self.percent = percent
        self.withoutData = withoutData
        self.agencies = agencies
        self.mark = mark
    }

    /// The value as the official reports mark it in `currentYear`: N/A before the indicator's
    /// first year, ND when nothing could be counted (no counted agency, or none with a headcount:
    /// never a 0 made of missing data), p/ for the year in progress (the card is annual and
    /// cumulative, available in January of the next year).
    public func marked(currentYear: Int, firstYear: Int = IndicatorGoal.firstYear) -> Indicator {
        var value = self
        if year < firstYear {
            value.mark = .notApplicable
            value.percent = nil
        } else if tii == 0 || withoutData.count == tii {
            value.mark = .noData
            value.percent = nil
        } else if year >= currentYear {
            value.mark = .preliminary
        } else {
            value.mark = nil
        }
        return value
    }

    /// The percent as a person reads it on the card: `53.85`, `53.85 p/`, `ND`, `N/A`.
    public var percentText: String {
        switch (percent, mark) {
        case (_, .notApplicable): return IndicatorMark.notApplicable.rawValue
        case (nil, _): return IndicatorMark.noData.rawValue
        case (let value?, .preliminary): return Self.format(value) + " " + IndicatorMark.preliminary.rawValue
        case (let value?, _): return Self.format(value)
        }
    }

    /// The substitution exactly as the official card prints it ("Sustitución en método de
    /// cálculo"): `PII%=(0/13)*100`.
    public var officialFormula: String {
        "PII%=(\(nii)/\(tii))*100"
    }

    public static func compute(year: Int, coverage: [AgencyCoverage]) -> Indicator {
        let counted = coverage.filter(\.agency.countsInIndicator)
        let nii = counted.filter(\.meets).count
        var percent: Decimal?
        if !counted.isEmpty {
            var value = Decimal(nii) * 100 / Decimal(counted.count)
            var rounded = Decimal()
            NSDecimalRound(&rounded, &value, 2, .plain)
            percent = rounded
        }
        return Indicator(
            year: year, nii: nii, tii: counted.count, percent: percent,
            withoutData: counted.filter(\.nd).map(\.agency.code), agencies: counted)
    }

    /// capacita's clearer form of the filled-in formula, with its result and mark:
    /// "PII% = (7/13) × 100 = 53.85 p/". The card's own form is `officialFormula`.
    public var formula: String {
        "PII% = (\(nii)/\(tii)) × 100 = " + percentText
    }

    public static func format(_ value: Decimal) -> String {
        Exact.text(value, places: Exact.percentPlaces)
    }
}

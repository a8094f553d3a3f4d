import Foundation

/// The reports, each one value: what its loader (`ReportLoader`, in the store) read for a caller
/// and a set of options, and nothing about how it is shown. The renderers in CapacitaOutput turn
/// each into a terminal table, JSON, CSV, a workbook and a page's tables, so a column added here
/// and to the loader reaches every front end at once.

/// Coverage per agency and tier for a year, under one reading of Parámetro 4.2.
public struct CoverageReport: Sendable, Equatable {
    public var year: Int
    public var options: CoverageOptions
    /// The one agency asked for, or nil for every agency.
    public var agency: String?
    public var agencies: [AgencyCoverage]
    /// The breakdowns asked for (`--by`), and the people trained by sex they need.
    public var by: [Breakdown]
    public var trainedBySex: [TrainedBySex]

    public init(
        year: Int, options: CoverageOptions, agency: String?, agencies: [AgencyCoverage], by: [Breakdown] = [],
        trainedBySex: [TrainedBySex] = []
    ) {
        self.year = year
        self.options = options
        self.agency = agency
        self.agencies = agencies
        self.by = by
        self.trainedBySex = trainedBySex
    }

    /// Each breakdown of the agencies shown (a page that leaves some out splits the rest), adding
    /// up to them.
    public var breakdowns: [CoverageBreakdown] {
        by.map { CoverageBreakdown.of($0, agencies: agencies, trainedBySex: trainedBySex) }
    }
}

/// Parámetro 4.2 for one year: the card and its agencies.
public struct IndicatorReport: Sendable, Equatable {
    public var options: CoverageOptions
    public var indicator: Indicator

    public init(options: CoverageOptions, indicator: Indicator) {
        self.options = options
        self.indicator = indicator
    }
}

/// Parámetro 4.2 year by year, under one reading.
public struct IndicatorSeriesReport: Sendable, Equatable {
    public var options: CoverageOptions
    public var years: ClosedRange<Int>
    public var values: [Indicator]

    public init(options: CoverageOptions, years: ClosedRange<Int>, values: [Indicator]) {
        self.options = options
        self.years = years
        self.values = values
    }
}

/// Parámetro 4.2 as its page shows it: a year's card, the years before it, and the card under
/// every reading the text leaves open (the sensitivity table).
public struct IndicatorOverview: Sendable, Equatable {
    public struct Reading: Sendable, Equatable {
        public var options: CoverageOptions
        public var indicator: Indicator

        public init(options: CoverageOptions, indicator: Indicator) {
            self.options = options
            self.indicator = indicator
        }
    }

    public var options: CoverageOptions
    public var year: Int
    /// From `series.first` through `year`; the last is the card.
    public var series: [Indicator]
    public var readings: [Reading]

    public init(options: CoverageOptions, year: Int, series: [Indicator], readings: [Reading]) {
        self.options = options
        self.year = year
        self.series = series
        self.readings = readings
    }

    /// The year's card: the series ends with it (an empty series has no year yet: all zero).
    public var card: Indicator {
        series.last ?? Indicator(year: year, nii: 0, tii: 0, percent: nil, withoutData: [], agencies: [])
    }
}

/// The Commission's table of events for a year: capacitación and sensibilización per agency.
public struct EventsReport: Sendable, Equatable {
    /// The days whose events (by their start) are counted.
    public var period: ReportPeriod
    public var rows: [EventsRow]
    public var total: EventsRow
    /// The table split each way asked for, each adding up to `total`.
    public var breakdowns: [EventBreakdown]
    /// By formato and by partner, always (`EventSplit`), each adding up to `total` too.
    public var splits: [EventSplit]

    public var year: Int { period.year }

    public init(
        period: ReportPeriod, rows: [EventsRow], total: EventsRow, breakdowns: [EventBreakdown] = [],
        splits: [EventSplit] = []
    ) {
        self.period = period
        self.rows = rows
        self.total = total
        self.breakdowns = breakdowns
        self.splits = splits
    }

    public init(year: Int, rows: [EventsRow], total: EventsRow) {
        self.init(period: .year(year), rows: rows, total: total)
    }
}

/// Whose CURPs a report shows whole; every other one is masked.
public enum CURPDisclosure: Sendable, Equatable {
    case none
    case all
    case agency(String)

    public func reveals(agency: String) -> Bool {
        switch self {
        case .none: return false
        case .all: return true
        case .agency(let own): return own == agency
        }
    }
}

/// A group: its listing, its roster with results, and the statistics of those results.
public struct GroupReport: Sendable, Equatable {
    public var listing: GroupListing
    public var roster: [RosterEntry]
    public var statistics: ResultStatistics
    public var disclosure: CURPDisclosure
    /// The roster split each way asked for, each adding up to `statistics`.
    public var breakdowns: [ResultBreakdown]

    public init(
        listing: GroupListing, roster: [RosterEntry], disclosure: CURPDisclosure, breakdowns: [ResultBreakdown] = []
    ) {
        self.listing = listing
        self.roster = roster
        self.statistics = ResultStatistics.of(roster.map(\.result))
        self.disclosure = disclosure
        self.breakdowns = breakdowns
    }
}

/// A course's results in a period (its groups that ended in it): together and per agency.
public struct CourseReport: Sendable, Equatable {
    public var course: String
    /// The days the course's groups ended in (`fin`, or `inicio` without one).
    public var period: ReportPeriod
    public var groups: Int
    public var total: ResultStatistics
    public var byAgency: [String: ResultStatistics]
    /// The roster split each way asked for, each adding up to `total`.
    public var breakdowns: [ResultBreakdown]

    public var year: Int { period.year }

    public init(course: String, period: ReportPeriod, roster: [RosterEntry], breakdowns: [ResultBreakdown] = []) {
        self.course = course
        self.period = period
        groups = Set(roster.map(\.groupCode)).count
        total = ResultStatistics.of(roster.map(\.result))
        byAgency = Dictionary(grouping: roster, by: \.agencyCode).mapValues { ResultStatistics.of($0.map(\.result)) }
        self.breakdowns = breakdowns
    }

    public init(course: String, year: Int, roster: [RosterEntry]) {
        self.init(course: course, period: .year(year), roster: roster)
    }
}

/// The year's fichas diagnósticas added up nationally, and who has not answered.
public struct FichaSummaryReport: Sendable, Equatable {
    public var year: Int
    public var summary: FichaSummary

    public init(year: Int, summary: FichaSummary) {
        self.year = year
        self.summary = summary
    }
}

/// A projection, not training done: the groups the fichas' needs ask for, and each tier's
/// coverage if every listed post were trained.
public struct FichaPlanReport: Sendable, Equatable {
    public var year: Int
    public var threshold: Decimal
    public var plan: FichaPlan

    public init(year: Int, threshold: Decimal, plan: FichaPlan) {
        self.year = year
        self.threshold = threshold
        self.plan = plan
    }
}

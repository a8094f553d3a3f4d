import Capacita
import Foundation
import Postgres

/// Every report, loaded by one function each for the connection's caller and a set of options.
/// The CLI (acting for no one, as the operator), the API and the pages all load here, then pick a
/// renderer (CapacitaOutput's `Report`); none of them reads a report's parts on its own.
public struct ReportLoader: Sendable {
    public let connection: Connection
    /// A terminal masks every CURP, whoever runs it: a screen is looked at over a shoulder.
    public let masksEveryCURP: Bool
    /// The year in progress: Parámetro 4.2's figure for it is preliminary (p/).
    public let currentYear: Int

    public init(connection: Connection, masksEveryCURP: Bool = false, currentYear: Int = ReportLoader.thisYear) {
        self.connection = connection
        self.masksEveryCURP = masksEveryCURP
        self.currentYear = currentYear
    }

    /// The calendar year now, in Mexico City (the programme's reports follow its calendar).
    public static var thisYear: Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Mexico_City") ?? .gmt
        return calendar.component(.year, from: Date())
    }

    /// The card for a year under the options, with the official report's mark.
    func card(_ store: CoverageStore, year: Int, options: CoverageOptions) throws -> Indicator {
        try store.indicator(year: year, options: options).marked(currentYear: currentYear)
    }

    /// Coverage, and each breakdown of `by` (the people trained by sex read only when asked for).
    public func coverage(
        year: Int, options: CoverageOptions, agency: String? = nil, by: [Breakdown] = []
    ) throws -> CoverageReport {
        let store = CoverageStore(connection: connection)
        return CoverageReport(
            year: year, options: options, agency: agency,
            agencies: try store.coverage(year: year, options: options, agency: agency), by: by,
            trainedBySex: by.contains(.sexo) ? try store.trainedBySex(year: year, options: options) : [])
    }

    public func indicator(year: Int, options: CoverageOptions) throws -> IndicatorReport {
        IndicatorReport(
            options: options,
            indicator: try card(CoverageStore(connection: connection), year: year, options: options))
    }

    public func indicatorSeries(years: ClosedRange<Int>, options: CoverageOptions) throws -> IndicatorSeriesReport {
        let store = CoverageStore(connection: connection)
        return IndicatorSeriesReport(
            options: options, years: years, values: try years.map { try card(store, year: $0, options: options) })
    }

    /// The card for `year`, the series from `firstYear`, and the card under every reading of the
    /// text (`IndicatorGoal.readings`) with the levels of `options`.
    public func indicatorOverview(year: Int, firstYear: Int, options: CoverageOptions) throws -> IndicatorOverview {
        let store = CoverageStore(connection: connection)
        return IndicatorOverview(
            options: options, year: year,
            series: try (min(firstYear, year)...year).map { try card(store, year: $0, options: options) },
            readings: try IndicatorGoal.readings(levels: options.levels).map {
                .init(options: $0, indicator: try card(store, year: year, options: $0))
            })
    }

    public func events(year: Int) throws -> EventsReport {
        try events(period: .year(year))
    }

    /// The events that started in `period`, and the table split each way of `by`.
    public func events(period: ReportPeriod, by: [Breakdown] = []) throws -> EventsReport {
        let agencies = try AgencyStore(connection: connection).agencies()
        let groups = try CoverageStore(connection: connection).eventGroups(period: period)
        let table = EventsTable.build(agencies: agencies, groups: groups)
        return EventsReport(
            period: period, rows: table.rows, total: table.total,
            breakdowns: by.map { EventBreakdown.of($0, groups: groups, agencies: agencies) },
            splits: [EventSplit.formats(groups), EventSplit.partners(groups)])
    }

    /// The group when the caller reaches it (`GroupReach`; the operator on the command line
    /// reaches every group); nil otherwise, as for a group that does not exist.
    /// The group with its roster split each way of `by`: the roster the caller sees, so an
    /// enlace's breakdowns count its own agency's people only.
    public func group(code: String, by: [Breakdown] = []) throws -> GroupReport? {
        let identity = connection.identity
        let listing =
            identity == nil
            ? try GroupStore(connection: connection).group(code: code)
            : try GroupReach(connection: connection).listing(code: code)
        guard let listing else { return nil }
        let roster = try EnrollmentStore(connection: connection).roster(group: listing.group.code)
        let agencies = by.isEmpty ? [] : try AgencyStore(connection: connection).agencies()
        let states = listing.group.state.map { [listing.group.code: $0] } ?? [:]
        return GroupReport(
            listing: listing, roster: roster, disclosure: masksEveryCURP ? .none : Self.disclosure(identity),
            breakdowns: by.map {
                ResultBreakdown.of($0, roster: roster, agencies: agencies, groupStates: states, subject: .group)
            })
    }

    public func course(code: String, year: Int) throws -> CourseReport {
        try course(code: code, period: .year(year))
    }

    /// A course's groups that ended in `period`, their roster (the caller's to see) split each way
    /// of `by`.
    public func course(code: String, period: ReportPeriod, by: [Breakdown] = []) throws -> CourseReport {
        let roster = try EnrollmentStore(connection: connection).roster(course: code, period: period)
        let agencies = by.isEmpty ? [] : try AgencyStore(connection: connection).agencies()
        let states =
            by.contains(.entidad) ? try GroupStore(connection: connection).states(of: roster.map(\.groupCode)) : [:]
        return CourseReport(
            course: code.uppercased(), period: period, roster: roster,
            breakdowns: by.map {
                ResultBreakdown.of($0, roster: roster, agencies: agencies, groupStates: states, subject: .course)
            })
    }

    public func fichaSummary(year: Int) throws -> FichaSummaryReport {
        FichaSummaryReport(
            year: year,
            summary: FichaSummary.of(
                year: year, fichas: try FichaStore(connection: connection).current(year: year),
                agencies: try AgencyStore(connection: connection).agencies()))
    }

    public func fichaPlan(year: Int, threshold: Decimal, needLevels: NeedLevels) throws -> FichaPlanReport {
        FichaPlanReport(
            year: year, threshold: threshold,
            plan: try FichaStore(connection: connection).plan(year: year, threshold: threshold, needLevels: needLevels))
    }

    /// Whose CURPs the caller sees whole: the Secretaría Técnica every one, an enlace their own
    /// agency's people; an instructor and the terminal see them masked.
    public static func disclosure(_ identity: Identity?) -> CURPDisclosure {
        switch identity?.role {
        case .admin: return .all
        case .enlace: return identity?.agency.map(CURPDisclosure.agency) ?? .none
        case .instructor, nil: return .none
        }
    }
}

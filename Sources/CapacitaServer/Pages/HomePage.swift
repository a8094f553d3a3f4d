import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// Inicio: an enlace's year for their agency; the Secretaría Técnica's 4.2 card.
extension PagesController {
    func home(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let identity = session.identity
        // ?year= from the form on the page; a year outside the program's is the current one.
        let year = (try? Query(request).year()) ?? nil ?? Query.currentYear
        let options = CoverageOptions()
        let form = yearForm(title: "Inicio", year: year, options: options)
        let view: HomeView
        if let agency = identity.agency {
            let read = try await store.run(as: identity) { connection in
                try AgencyHome.read(agency, year: year, options: options, connection)
            }
            if let format = Self.exportFormat(request) { return try Self.download(read.coverage, format) }
            let agencyView = Self.agencyView(read, year: year, options: options)
            view = HomeView(
                heading: agencyView.name, agencyView: agencyView.view, export: Self.exportLinks(request, path: "/"))
        } else {
            let read = try await store.run(as: identity) { connection in
                try Dashboard.read(year: year, options: options, connection)
            }
            let (indicator, dashboard) = Self.dashboardView(read, year: year, options: options)
            view = HomeView(
                heading: identity.role == .admin ? "Secretaría Técnica" : "Instructor", indicator: indicator,
                dashboard: dashboard)
        }
        return try page(.inicio, PageView(view, form, signedInHeader(session)), status: .ok)
    }

    /// Inicio: an enlace's agency, or the Secretaría Técnica's (and an instructor's) card and counts.
    struct HomeView: Sendable {
        var heading: String
        var agencyView: AgencyView?
        var export: ExportLinks?
        var indicator: IndicatorCard?
        var dashboard: DashboardView?
    }

    struct IndicatorCard: Sendable {
        var name: String
        var year: Int
        var nii: Int
        var tii: Int
        var percent: String
        var formula: String
    }

    struct DashboardView: Sendable {
        struct Lacking: Sendable {
            var name: String
            var missing: String
        }

        var chart: String
        var counted: Int
        var meets: Int
        var lacking: Int
        var nd: Int
        var answered: Int
        var unanswered: Int
        var groups: Int
        var hasLacking: Bool
        var lackingList: [Lacking]
    }

    struct AgencyView: Sendable {
        struct TierLine: Sendable {
            var tier: String
            var headcount: String
            var trained: Int
            var percent: String
            var missing: String
            var bar: String
        }

        struct GroupLine: Sendable {
            var code: String
            var course: String
            var startsOn: String
            var enrolled: Int
            var acreditados: Int
        }

        var year: Int
        var threshold: String
        var nd: Bool
        var tiers: [TierLine]
        var hasGroups: Bool
        var groups: [GroupLine]
        var fichaState: String
    }

    /// The Secretaría Técnica's year at a glance: the 4.2 card and its series, how many counted
    /// agencies meet the threshold, lack a headcount, or have not answered their ficha.
    struct Dashboard: Sendable {
        var series: IndicatorSeriesReport
        var coverage: CoverageReport
        var fichas: FichaSummaryReport
        var groups: Int

        static func read(year: Int, options: CoverageOptions, _ connection: Connection) throws -> Dashboard {
            let reports = ReportLoader(connection: connection)
            return Dashboard(
                series: try reports.indicatorSeries(years: max(ReportYears.first, year - 3)...year, options: options),
                coverage: try reports.coverage(year: year, options: options),
                fichas: try reports.fichaSummary(year: year),
                groups: try GroupStore(connection: connection).list(year: year, agency: nil).count)
        }
    }

    static func dashboardView(_ read: Dashboard, year: Int, options: CoverageOptions) -> (
        IndicatorCard, DashboardView
    ) {
        let card = IndicatorOverview(options: options, year: year, series: read.series.values, readings: []).card
        let counted = read.coverage.agencies.filter(\.agency.countsInIndicator)
        let lacking = counted.filter { !$0.nd && !$0.meets }.sorted { $0.agency.name < $1.agency.name }
        let indicator = IndicatorCard(
            name: IndicatorText.title, year: card.year, nii: card.nii, tii: card.tii,
            percent: Self.percentLabel(card), formula: card.formula)
        let dashboard = DashboardView(
            chart: SeriesChart.svg(read.series.values, goal: IndicatorGoal.goal(for: year)),
            counted: counted.count, meets: counted.filter(\.meets).count,
            lacking: lacking.count, nd: counted.filter(\.nd).count,
            answered: read.fichas.summary.answered.count, unanswered: read.fichas.summary.missing.count,
            groups: read.groups, hasLacking: !lacking.isEmpty,
            lackingList: lacking.map { agency in
                DashboardView.Lacking(
                    name: agency.agency.name,
                    missing: Tier.allCases.compactMap { tier -> String? in
                        guard let t = agency.tiers?[tier], t.missing > 0 else { return nil }
                        return "\(Labels.value(tier.rawValue)): faltan \(t.missing)"
                    }.joined(separator: "; "))
            })
        return (indicator, dashboard)
    }

    /// What an enlace's Inicio shows, read in one go as the enlace (row-level security applies).
    struct AgencyHome: Sendable {
        var agency: String
        var coverage: CoverageReport
        var groups: [GroupListing]
        var ficha: (version: Int, importedAt: String)?

        static func read(_ agency: String, year: Int, options: CoverageOptions, _ connection: Connection) throws
            -> AgencyHome
        {
            let ficha = try FichaStore(connection: connection).current(agency: agency, year: year)
            return AgencyHome(
                agency: agency,
                coverage: try ReportLoader(connection: connection).coverage(
                    year: year, options: options, agency: agency),
                groups: try GroupStore(connection: connection).list(year: year, agency: agency),
                ficha: ficha.map { (Int($0.version), $0.importedAt) })
        }
    }

    static func agencyView(_ home: AgencyHome, year: Int, options: CoverageOptions) -> (
        name: String, view: AgencyView
    ) {
        let agency = home.agency
        let groups = home.groups
        let ficha = home.ficha
        let own = home.coverage.agencies.first
        let tiers = Tier.allCases.map { tier in
            let trained = own?.trained[tier] ?? 0
            guard let t = own?.tiers?[tier] else {
                return AgencyView.TierLine(
                    tier: Labels.value(tier.rawValue), headcount: "ND", trained: trained, percent: "ND",
                    missing: "ND", bar: TierBar.svg(percent: nil, threshold: options.threshold, tier: tier))
            }
            return AgencyView.TierLine(
                tier: Labels.value(tier.rawValue), headcount: "\(t.headcount)", trained: trained,
                percent: t.percent.map { Rounded.percent($0).description + " %" } ?? "—", missing: "\(t.missing)",
                bar: TierBar.svg(percent: t.percent, threshold: options.threshold, tier: tier))
        }
        let view = AgencyView(
            year: year, threshold: Exact.shortText(options.threshold, places: 2), nd: own?.nd ?? true,
            tiers: tiers, hasGroups: !groups.isEmpty,
            groups: groups.map {
                AgencyView.GroupLine(
                    code: $0.group.code, course: $0.courseTitle ?? "evento sin curso",
                    startsOn: $0.group.startsOn.description, enrolled: $0.enrolled, acreditados: $0.acreditados)
            },
            fichaState: ficha.map { "Contestada (versión \($0.version), \($0.importedAt))." }
                ?? "Sin ficha para \(year): la Secretaría Técnica la espera.")
        return (own?.agency.name ?? agency, view)
    }
}

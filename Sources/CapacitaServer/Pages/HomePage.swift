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
        var values = yearPage(session, title: "Inicio", year: year, options: options)
        if let agency = identity.agency {
            let read = try await store.run(as: identity) { connection in
                try AgencyHome.read(agency, year: year, options: options, connection)
            }
            if let format = Self.exportFormat(request) {
                return try Self.download(
                    WorkbookDocument(CoverageTable.table(read.coverage), sheet: "Cobertura \(year)"),
                    name: "cobertura-\(year)-\(agency)", format)
            }
            let view = Self.agencyView(read, year: year, options: options)
            values["heading"] = view.name
            values["agencyView"] = view.values
            values["export"] = Self.exportLinks(request, path: "/")
        } else {
            let read = try await store.run(as: identity) { connection in
                try Dashboard.read(year: year, options: options, connection)
            }
            values["heading"] = identity.role == .admin ? "Secretaría Técnica" : "Instructor"
            values.merge(Self.dashboardView(read, year: year, options: options)) { _, new in new }
        }
        return try page("inicio", values, status: .ok)
    }

    /// The Secretaría Técnica's year at a glance: the 4.2 card and its series, how many counted
    /// agencies meet the threshold, lack a headcount, or have not answered their ficha.
    struct Dashboard: Sendable {
        var series: [Indicator]
        var coverage: [AgencyCoverage]
        var fichas: FichaSummary
        var groups: Int

        static func read(year: Int, options: CoverageOptions, _ connection: Connection) throws -> Dashboard {
            let reports = CoverageStore(connection: connection)
            let first = max(ReportYears.first, year - 3)
            return Dashboard(
                series: try (first...year).map { try reports.indicator(year: $0, options: options) },
                coverage: try reports.coverage(year: year, options: options, agency: nil),
                fichas: FichaSummary.of(
                    year: year, fichas: try FichaStore(connection: connection).current(year: year),
                    agencies: try AgencyStore(connection: connection).agencies()),
                groups: try GroupStore(connection: connection).list(year: year, agency: nil).count)
        }
    }

    static func dashboardView(_ read: Dashboard, year: Int, options: CoverageOptions) -> [String: Any] {
        let card = read.series.last!
        let counted = read.coverage.filter(\.agency.countsInIndicator)
        let lacking = counted.filter { !$0.nd && !$0.meets }.sorted { $0.agency.name < $1.agency.name }
        return [
            "indicator": [
                "name": IndicatorText.title, "year": card.year, "nii": card.nii, "tii": card.tii,
                "percent": card.percent.map { Rounded.percent($0).description + " %" } ?? "ND",
                "formula": card.formula,
            ] as [String: Any],
            "dashboard": [
                "chart": SeriesChart.svg(read.series, goal: IndicatorGoal.goal(for: year)),
                "counted": counted.count, "meets": counted.filter(\.meets).count,
                "lacking": lacking.count, "nd": counted.filter(\.nd).count,
                "answered": read.fichas.answered.count, "unanswered": read.fichas.missing.count,
                "groups": read.groups, "hasLacking": !lacking.isEmpty,
                "lackingList": lacking.map { agency -> [String: Any] in
                    [
                        "name": agency.agency.name,
                        "missing": Tier.allCases.compactMap { tier -> String? in
                            guard let t = agency.tiers?[tier], t.missing > 0 else { return nil }
                            return "\(Labels.value(tier.rawValue)): faltan \(t.missing)"
                        }.joined(separator: "; "),
                    ]
                },
            ] as [String: Any],
        ]
    }

    /// What an enlace's Inicio shows, read in one go as the enlace (row-level security applies).
    struct AgencyHome: Sendable {
        var agency: String
        var coverage: [AgencyCoverage]
        var groups: [GroupStore.Listing]
        var ficha: (version: Int, importedAt: String)?

        static func read(_ agency: String, year: Int, options: CoverageOptions, _ connection: Connection) throws
            -> AgencyHome
        {
            let ficha = try FichaStore(connection: connection).current(agency: agency, year: year)
            return AgencyHome(
                agency: agency,
                coverage: try CoverageStore(connection: connection).coverage(
                    year: year, options: options, agency: agency),
                groups: try GroupStore(connection: connection).list(year: year, agency: agency),
                ficha: ficha.map { (Int($0.version), $0.importedAt) })
        }
    }

    static func agencyView(_ home: AgencyHome, year: Int, options: CoverageOptions) -> (
        name: String, values: [String: Any]
    ) {
        let agency = home.agency
        let groups = home.groups
        let ficha = home.ficha
        let own = home.coverage.first
        let tiers: [[String: Any]] = Tier.allCases.map { tier in
            let trained = own?.trained[tier] ?? 0
            guard let t = own?.tiers?[tier] else {
                return [
                    "tier": Labels.value(tier.rawValue), "headcount": "ND", "trained": trained, "percent": "ND",
                    "missing": "ND", "bar": TierBar.svg(percent: nil, threshold: options.threshold, tier: tier),
                ]
            }
            return [
                "tier": Labels.value(tier.rawValue), "headcount": t.headcount, "trained": trained,
                "percent": t.percent.map { Rounded.percent($0).description + " %" } ?? "—", "missing": t.missing,
                "bar": TierBar.svg(percent: t.percent, threshold: options.threshold, tier: tier),
            ]
        }
        let values: [String: Any] = [
            "year": year, "threshold": Exact.shortText(options.threshold, places: 2), "nd": own?.nd ?? true,
            "tiers": tiers, "hasGroups": !groups.isEmpty,
            "groups": groups.map {
                [
                    "code": $0.group.code, "course": $0.courseTitle ?? "evento sin curso",
                    "startsOn": $0.group.startsOn.description, "enrolled": $0.enrolled, "acreditados": $0.acreditados,
                ] as [String: Any]
            },
            "fichaState": ficha.map { "Contestada (versión \($0.version), \($0.importedAt))." }
                ?? "Sin ficha para \(year): la Secretaría Técnica la espera.",
        ]
        return (own?.agency.name ?? agency, values)
    }
}

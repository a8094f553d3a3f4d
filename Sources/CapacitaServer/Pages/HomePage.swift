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
            let view = Self.agencyView(read, year: year, options: options)
            values["heading"] = view.name
            values["agencyView"] = view.values
        } else {
            let indicator = try await store.run(as: identity) {
                try CoverageStore(connection: $0).indicator(year: year, options: options)
            }
            values["heading"] = identity.role == .admin ? "Secretaría Técnica" : "Instructor"
            values["indicator"] = [
                "name": IndicatorText.title, "year": indicator.year, "nii": indicator.nii, "tii": indicator.tii,
                "percent": indicator.percent.map { Rounded.percent($0).description + " %" } ?? "ND",
                "formula": indicator.formula,
            ]
        }
        return try page("inicio", values, status: .ok)
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

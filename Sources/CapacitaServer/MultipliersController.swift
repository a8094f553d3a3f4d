import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// `GET /v1/reports/multiplicadores?year=`: the multipliers of a year, as `report multiplicadores`
/// prints them (JSON, CSV, .xlsx). The Secretaría Técnica reads every agency's, an enlace its own
/// agency's people only (the database's `multiplier_rows` and `ReportLoader.multipliers` both
/// say so); an instructor gets the 404 of a route that is not theirs. Never cached: the answer
/// depends on who asks.
struct MultipliersController {
    let store: SharedStore

    func add(to routes: RouteTable) {
        routes.get("/v1/reports/multiplicadores", roles: [.admin, .enlace]) { request, _, identity in
            let year = try Query(request).requiredYear()
            let report = try await store.run(as: identity) {
                try ReportLoader(connection: $0).multipliers(period: .year(year))
            }
            guard let report else { throw APIError.notFound("el reporte") }
            return try Responses.report(report, request)
        }
    }
}

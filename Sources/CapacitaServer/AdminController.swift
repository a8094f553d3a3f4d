import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// Import batches (each caller sees its own, by row-level security) and the audit log (the
/// Secretaría Técnica's).
struct AdminController {
    let store: SharedStore

    func add(to routes: RouteTable) {
        routes.get("/v1/batches", roles: .everyone) { request, context, identity in
            let limit = try Self.limit(Query(request))
            let table = try await store.run(as: identity) {
                BatchTable.table(try ImportBatches(connection: $0).list(limit: limit))
            }
            return try Responses.table(table, request, sheet: "lotes")
        }
        routes.get("/v1/audit", roles: [.admin]) { request, context, identity in
            let query = Query(request)
            let limit = try Self.limit(query)
            var since: CalendarDate?
            if let text = try query.string("since", maxLength: 10) {
                guard let date = CalendarDate.parse(text) else { throw APIError.badParameter("since", "AAAA-MM-DD") }
                since = date
            }
            let agency = try await store.agencyCode(try query.string("agency"), parameter: "agency", as: identity)
            let table = try await store.run(as: identity) { [since] in
                AuditTable.table(try AuditStore(connection: $0).list(since: since, agency: agency, limit: limit))
            }
            return try Responses.table(table, request, sheet: "bitacora")
        }
    }

    static func limit(_ query: Query) throws(APIError) -> Int {
        guard let text = try query.string("limit", maxLength: 7) else { return 1000 }
        guard let limit = Int(text), (1...100_000).contains(limit) else {
            throw .badParameter("limit", "de 1 a 100000")
        }
        return limit
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// A group's constancias, and the public verification of one by its code.
struct ConstanciasController {
    let store: SharedStore
    let limiter: RateLimiter

    func add(to routes: RouteTable) {
        // A group's constancias (`group=`), or those issued in a period (`year=`, `period=` or
        // `from=`/`to=`, by the issue date) of one group or of every group the caller sees.
        routes.get("/v1/constancias", roles: .everyone) { request, context, identity in
            let query = Query(request)
            let text = try query.string("group", maxLength: 64)
            let code = try text.map { text throws(APIError) in try GroupScope.code(text) }
            var asksPeriod = false
            for name in ["year", "period", "from", "to"] where try query.string(name, maxLength: 10) != nil {
                asksPeriod = true
            }
            guard code != nil || asksPeriod else {
                throw APIError.badParameter(
                    "group", "indique group, o el periodo de emisión (year, period o from y to)")
            }
            let period = asksPeriod ? try query.period() : nil
            let table = try await store.run(as: identity) { connection -> Table in
                if let code { _ = try GroupScope.listing(code, connection: connection) }
                let constancias = ConstanciaStore(connection: connection)
                if let period { return ConstanciaTable.table(try constancias.list(group: code, period: period)) }
                return ConstanciaTable.table(try constancias.list(group: code ?? ""))
            }
            return try Responses.table(table, request, sheet: "constancias")
        }
        // Public: no token. What `constancia verify` shows, never a CURP or a full surname.
        routes.get(public: "/v1/constancias/verify/:code") { request, context in
            guard limiter.admit(context.remoteAddress ?? "local") else {
                throw APIError(
                    .tooManyRequests, "rate_limited", "demasiadas verificaciones seguidas; intente en un minuto")
            }
            let code = try context.parameters.require("code")
            guard code.utf8.count <= 64 else { throw APIError.notFound("la constancia") }
            let found = try await store.run(as: nil) { try ConstanciaStore(connection: $0).verify(code: code) }
            guard let found else { throw APIError.notFound("la constancia") }
            return Responses.record(ConstanciaTable.verification(found), request)
        }
    }
}

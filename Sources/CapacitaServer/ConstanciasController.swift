import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// A group's constancias, and the public verification of one by its code.
struct ConstanciasController {
    let store: SharedStore
    let limiter: RateLimiter

    func add(to routes: RouteTable) {
        routes.get("/v1/constancias", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try Query(request).required("group", maxLength: 64))
            let table = try await store.run(as: identity) { connection -> Table in
                _ = try GroupScope.listing(code, connection: connection)
                return ConstanciaTable.table(try ConstanciaStore(connection: connection).list(group: code))
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

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// The public verification of a constancia.
extension PagesController {
    func verify(_ request: Request, _ context: APIContext) async throws -> Response {
        guard limiter.admit(context.remoteAddress ?? "local") else {
            return try page(
                "mensaje",
                [
                    "title": "Demasiadas verificaciones", "message": "Intente de nuevo en un minuto.", "link": "/",
                    "linkText": "Inicio",
                ], status: .tooManyRequests)
        }
        let code = try context.parameters.require("code")
        let found =
            code.utf8.count <= 64
            ? try await store.run(as: nil) { try ConstanciaStore(connection: $0).verify(code: code) } : nil
        guard let found else {
            return try page(
                "verificar", ["title": "Verificación", "code": Constancia.normalizeCode(String(code.prefix(64)))],
                status: .notFound)
        }
        let record = ConstanciaTable.verification(found)
        let fields = record.fields.filter { $0.key != "status" }.map {
            ["label": Labels.header($0.key), "value": $0.value.display]
        }
        let valid = found.revokedOn == nil
        return try page(
            "verificar",
            [
                "title": "Verificación", "found": true, "fields": fields,
                "status": valid ? "Constancia válida" : "Constancia REVOCADA",
                "statusClass": valid ? "valida" : "revocada",
            ], status: .ok)
    }
}

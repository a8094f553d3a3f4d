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
    /// The verification page: the code asked for when nothing was found, or the constancia's fields
    /// and status.
    struct VerifyView: Sendable {
        struct Field: Sendable {
            var label: String
            var value: String
        }

        var title = "Verificación"
        var code: String?
        var found: Bool?
        var fields: [Field]?
        var status: String?
        var statusClass: String?
    }

    func verify(_ request: Request, _ context: APIContext) async throws -> Response {
        guard limiter.admit(context.remoteAddress ?? "local") else {
            let view = MessageView(
                title: "Demasiadas verificaciones", message: "Intente de nuevo en un minuto.", linkText: "Inicio")
            return try page(.mensaje, PageView(view), status: .tooManyRequests)
        }
        let code = try context.parameters.require("code")
        let found =
            code.utf8.count <= 64
            ? try await store.run(as: nil) { try ConstanciaStore(connection: $0).verify(code: code) } : nil
        guard let found else {
            let view = VerifyView(code: Constancia.normalizeCode(String(code.prefix(64))))
            return try page(.verificar, PageView(view), status: .notFound)
        }
        let record = ConstanciaTable.verification(found)
        let fields = record.fields.filter { $0.key != "status" }.map {
            VerifyView.Field(label: Labels.header($0.key), value: $0.value.display)
        }
        let valid = found.revokedOn == nil
        let view = VerifyView(
            found: true, fields: fields, status: valid ? "Constancia válida" : "Constancia REVOCADA",
            statusClass: valid ? "valida" : "revocada")
        return try page(.verificar, PageView(view), status: .ok)
    }
}

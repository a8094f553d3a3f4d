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
    /// and status, the SHA-256 of each PDF issued, and a form that checks a copy against them.
    struct VerifyView: Sendable {
        struct Field: Sendable {
            var label: String
            var value: String
        }

        struct IssuedLine: Sendable {
            var sha256: String
            var issuedOn: String
        }

        var title = "Verificación"
        var code: String?
        var found: Bool?
        var fields: [Field]?
        var status: String?
        var statusClass: String?
        /// The PDFs issued (usually one), and whether there is any.
        var pdfs: [IssuedLine] = []
        var hasPDFs = false
        /// The largest copy the form takes, for people ("5 MB").
        var uploadLimit = ""
        /// What the check of an uploaded copy found.
        var verdict: String?
        var verdictClass: String?
    }

    func verify(_ request: Request, _ context: APIContext) async throws -> Response {
        guard limiter.admit(context.remoteAddress ?? "local") else { return try tooManyVerifications() }
        let code = try context.parameters.require("code")
        let found =
            code.utf8.count <= 64
            ? try await store.run(as: nil) { try ConstanciaStore(connection: $0).verify(code: code) } : nil
        return try verifyPage(code: code, found: found, verdict: nil, request, status: found == nil ? .notFound : .ok)
    }

    func tooManyVerifications() throws -> Response {
        let view = MessageView(
            title: "Demasiadas verificaciones", message: "Intente de nuevo en un minuto.", linkText: "Inicio")
        return try page(.mensaje, PageView(view), status: .tooManyRequests)
    }

    /// The page for `found` (nil: the code is no constancia's), with the result of a check when
    /// there was one, and the form with a fresh CSRF token.
    func verifyPage(
        code: String, found: ConstanciaVerification?, verdict: (text: String, good: Bool)?, _ request: Request,
        status: HTTPResponse.Status
    ) throws -> Response {
        guard let found else {
            let view = VerifyView(code: Constancia.normalizeCode(String(code.prefix(64))))
            return try page(.verificar, PageView(view), status: .notFound)
        }
        let record = ConstanciaTable.verification(found)
        let fields = record.fields.filter { $0.key != "status" && $0.key != "pdf_sha256" }.map {
            VerifyView.Field(label: Labels.header($0.key), value: $0.value.display)
        }
        let valid = found.revokedOn == nil
        let limit = configuration.verifyUploadLimit
        let view = VerifyView(
            code: Constancia.normalizeCode(code), found: true, fields: fields,
            status: found.cancelled
                ? "Constancia ANULADA por cancelación de datos" : valid ? "Constancia válida" : "Constancia REVOCADA",
            statusClass: valid ? "valida" : "revocada",
            pdfs: found.pdfs.map { .init(sha256: $0.sha256, issuedOn: $0.issuedOn) }, hasPDFs: !found.pdfs.isEmpty,
            uploadLimit: limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(limit >> 10) KB", verdict: verdict?.text,
            verdictClass: verdict.map { $0.good ? "valida" : "revocada" })
        return try publicForm(.verificar, view, request, status: status)
    }
}

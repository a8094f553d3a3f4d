import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// Constancias on paper from the pages: a constancia's PDF and a group's ZIP, as the API gives
/// them, and the verification page's check of an uploaded copy.
extension PagesController {
    var constanciaFiles: ConstanciaFiles {
        ConstanciaFiles(store: store, configuration: configuration, documents: documents)
    }

    /// GET /constancias/{folio}.pdf: the PDF, or the page's «no encontrada» (404) or «revocada» (410).
    func constanciaPDF(_ context: APIContext, _ session: SessionStore.Current) async throws -> Response {
        do {
            return try await constanciaFiles.pdf(folio: try context.parameters.require("folio"), as: session.identity)
        } catch let error as APIError where error.status == .notFound || error.status == .gone {
            let revoked = error.status == .gone
            return try message(
                session, title: revoked ? "Constancia revocada" : "Constancia no encontrada",
                revoked
                    ? "La constancia fue revocada: no se emite su PDF."
                    : "No hay una constancia con ese folio a su alcance.",
                status: error.status)
        }
    }

    /// GET /grupos/{code}/constancias.zip: the group's constancias the caller may read, one PDF each.
    func constanciasZip(_ context: APIContext, _ session: SessionStore.Current) async throws -> Response {
        do {
            let code = try GroupScope.code(try context.parameters.require("code"))
            return try await constanciaFiles.zip(group: code, as: session.identity)
        } catch let error as APIError where error.status == .notFound {
            return try message(
                session, title: "Grupo no encontrado", "No hay un grupo con esa clave a su alcance.", status: .notFound)
        }
    }

    /// POST /verificar/{code}: the form's PDF compared, byte for byte, with the ones issued for the
    /// code; the answer is the verification page with the result. The file is hashed and deleted
    /// at once (it lands in a 0600 file of the upload folder while it arrives, as every form's file).
    /// The form's CSRF token is the public forms' (the cookie and the field the same, signed by the
    /// service, not expired); it is not spent on use, since a check writes nothing a replay could
    /// repeat to any effect. It counts against the address's verification budget.
    func verifyUpload(_ request: Request, _ context: APIContext) async throws -> Response {
        guard limiter.admit(context.remoteAddress ?? "local") else { return try tooManyVerifications() }
        let code = try context.parameters.require("code")
        guard code.utf8.count <= 64 else {
            return try verifyPage(code: code, found: nil, verdict: nil, request, status: .notFound)
        }
        let lookUp = { [store] in
            try await store.run(as: nil) { try ConstanciaStore(connection: $0).verify(code: code) }
        }
        let form: FormData
        do {
            // The file's limit, and room for the token and the parts' headers.
            form = try await FormData.receive(
                request, limit: Int64(configuration.verifyUploadLimit) + 16 << 10, into: configuration.uploadFolder)
        } catch let problem as FormData.Problem {
            let found = try await lookUp()
            let text =
                problem == .tooLarge
                ? "El archivo pasa del límite; el PDF de una constancia pesa unos 40 KB."
                : "El formulario llegó incompleto; elija el archivo de nuevo."
            return try verifyPage(
                code: code, found: found, verdict: (text, false), request,
                status: found == nil ? .notFound : problem == .tooLarge ? .contentTooLarge : .badRequest)
        }
        defer { form.remove() }
        guard verifiedForm(request, form.fields) != nil else { return try forbidden() }
        let bytes = try form.file.map { [UInt8](try Data(contentsOf: $0.url)) }
        form.remove()
        let found = try await lookUp()
        guard let found else { return try verifyPage(code: code, found: nil, verdict: nil, request, status: .notFound) }
        guard let bytes, !bytes.isEmpty else {
            return try verifyPage(
                code: code, found: found, verdict: ("Elija el PDF de la constancia.", false), request,
                status: .unprocessableContent)
        }
        let sha256 = ConstanciaDocuments.sha256(bytes)
        let verdict: (String, Bool)
        if found.pdfs.contains(where: { $0.sha256 == sha256 }) {
            verdict = ("El archivo es, byte por byte, el PDF emitido de la constancia \(found.folio).", true)
        } else if !bytes.starts(with: Array("%PDF-".utf8)) {
            verdict = ("El archivo no es un PDF: no es el emitido.", false)
        } else {
            verdict = (
                "El archivo NO es el PDF emitido: su SHA-256 es \(sha256). Una copia modificada, aunque sea en un byte, no coincide.",
                false
            )
        }
        return try verifyPage(code: code, found: found, verdict: verdict, request, status: .ok)
    }
}

import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// The scanned signed lists on a group's page (issue #28, «Evidence»): per session, the scans for
/// who may see them (the Secretaría Técnica, the organizing agency's enlace) with a download and a
/// remove button, how many there are for an instructor of the group, and for all three a form to
/// attach one (multipart/form-data with the session's CSRF token, no JavaScript). The checks are
/// the API's (`EvidenceController`).
extension PagesController {
    /// A multipart form's own bytes around the file (boundaries, the part headers, the CSRF field):
    /// the body may pass the scan's limit by this much, and the file itself is held to the limit.
    static let evidenceFormOverhead: Int64 = 16 << 10

    /// The «Listas firmadas» section of `code`'s page for `identity`; no section for anyone who
    /// may neither see nor attach scans.
    func evidenceLayer(_ code: String, _ sessions: [GroupSession], _ identity: Identity) async throws
        -> EvidenceLayer
    {
        let read = try await store.run(as: identity) {
            connection -> (EvidenceAccess, [SessionEvidence], [EvidenceCount])? in
            let evidence = SessionEvidenceStore(connection: connection)
            guard let access = try evidence.access(group: code) else { return nil }
            if access.seesFiles { return (access, try evidence.list(group: code) ?? [], []) }
            return (access, [], try evidence.counts(group: code))
        }
        guard let (access, scans, counts) = read else { return EvidenceLayer(evidence: nil) }
        let lines = sessions.map { session -> EvidenceLayer.SessionLine in
            let own = scans.filter { $0.belongs(to: session) }.map { scanLine($0, access) }
            let count = counts.first { $0.counts(session) }
            var action = "/grupos/\(code)/sesiones/\(session.date)/evidencia"
            if let start = session.startsAt { action += "?inicio=\(start)" }
            return .init(
                sessionCode: session.code, sessionDate: session.date.spanishLong,
                sessionHours: session.startsAt.map { "\($0)–\(session.endsAt?.description ?? "")" },
                scans: own, hasScans: !own.isEmpty,
                countText: count.map {
                    "\($0.scans == 1 ? "1 escaneo" : "\($0.scans) escaneos"); el último, \(Self.utcText($0.lastAttachedAt))"
                },
                uploadAction: action)
        }
        let orphans = scans.filter { scan in !sessions.contains { scan.belongs(to: $0) } }.map { scanLine($0, access) }
        return EvidenceLayer(
            evidence: EvidenceLayer.Section(
                seesFiles: access.seesFiles, limitText: EvidenceProblem.size(configuration.maxEvidenceBytes),
                evidenceSessions: lines, hasOrphans: !orphans.isEmpty, orphans: orphans))
    }

    private func scanLine(_ scan: SessionEvidence, _ access: EvidenceAccess) -> EvidenceLayer.ScanLine {
        .init(
            scanSession: scan.sessionCode, scanName: scan.fileName, scanType: scan.type.label,
            scanSize: EvidenceProblem.size(Int64(scan.size)), scanAt: Self.utcText(scan.attachedAt),
            scanBy: scan.attachedBy, scanSHA: scan.shortSHA256, scanDownload: "/evidencia/\(scan.id)",
            scanRemove: access.mayRemove ? "/evidencia/\(scan.id)/quitar" : nil)
    }

    /// `2024-03-04T17:05:00Z` as `2024-03-04 17:05 UTC`.
    static func utcText(_ stamp: String) -> String {
        guard stamp.count >= 16 else { return stamp }
        return stamp.prefix(10) + " " + stamp.dropFirst(11).prefix(5) + " UTC"
    }

    /// POST /grupos/{code}/sesiones/{fecha}/evidencia[?inicio=HH:MM]: the form's file attached to
    /// the session, then back to the group's page; the group, the session and the caller are
    /// checked before the body is read.
    func attachEvidence(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws
        -> Response
    {
        var back = "/"
        do {
            let code = try GroupScope.code(try context.parameters.require("code"))
            back = "/grupos/\(code)"
            let date = try EvidenceController.date(try context.parameters.require("fecha"))
            let start = try EvidenceController.start(try Query(request).string("inicio", maxLength: 8))
            let target = try await EvidenceController.session(
                store, session.identity, code: code, date: date, start: start)
            let limit = configuration.maxEvidenceBytes
            let form: FormData
            do {
                form = try await FormData.receive(
                    request, limit: limit + Self.evidenceFormOverhead, into: configuration.uploadFolder)
            } catch let problem as FormData.Problem {
                if problem == .tooLarge { throw APIError.evidence(.tooLarge(limit: limit)) }
                throw APIError(
                    .badRequest, "invalid_form", "el formulario llegó incompleto; elija el archivo de nuevo")
            }
            defer { form.remove() }
            // The CSRF token first: nothing of the file is read before the form is known to be ours.
            guard let sent = form.fields["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
            guard let file = form.file else { throw APIError.evidence(.empty) }
            _ = try await EvidenceController.keep(
                store, session.identity, session: target, file: file.url, declaredType: nil, name: file.name,
                limit: limit, dryRun: false)
            return Self.redirect(back + "#listas-firmadas")
        } catch let error as APIError {
            return try evidenceProblem(error, session, back: back)
        }
    }

    /// GET /evidencia/{id}: the scan's bytes, as the API gives them.
    func downloadEvidence(_ context: APIContext, _ session: SessionStore.Current) async throws -> Response {
        do {
            let id = try EvidenceController.id(try context.parameters.require("id"))
            return try await EvidenceController.download(store, session.identity, id: id)
        } catch let error as APIError {
            return try evidenceProblem(error, session, back: "/")
        }
    }

    /// POST /evidencia/{id}/quitar: the scan removed (the Secretaría Técnica, the organizing
    /// enlace), then back to its group's page.
    func removeEvidence(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws
        -> Response
    {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        do {
            let id = try EvidenceController.id(try context.parameters.require("id"))
            let gone = try await store.run(as: session.identity) {
                try SessionEvidenceStore(connection: $0).detach(id: id)
            }
            guard let gone else { throw APIError.notFound("la lista firmada") }
            return Self.redirect("/grupos/\(gone.groupCode)#listas-firmadas")
        } catch let error as APIError {
            return try evidenceProblem(error, session, back: "/")
        }
    }

    private func evidenceProblem(_ error: APIError, _ session: SessionStore.Current, back: String) throws -> Response {
        if error.status == .notFound {
            return try message(
                session, title: "No encontrado",
                "No hay un grupo, una sesión o una lista firmada con esos datos a su alcance.", link: back,
                linkText: back == "/" ? "Volver al inicio" : "Volver al grupo", status: .notFound)
        }
        let sentence = error.message.prefix(1).uppercased() + error.message.dropFirst() + "."
        return try message(
            session, title: "No se adjuntó la lista", sentence, link: back,
            linkText: back == "/" ? "Volver al inicio" : "Volver al grupo", status: error.status)
    }
}

/// What the group page's «Listas firmadas» section is rendered with (a layer of its `PageView`;
/// its keys are its own, so none falls through to the group's).
struct EvidenceLayer: Sendable {
    struct ScanLine: Sendable {
        var scanSession: String
        var scanName: String
        var scanType: String
        var scanSize: String
        var scanAt: String
        var scanBy: String
        var scanSHA: String
        var scanDownload: String
        /// The remove form's action, for who may remove.
        var scanRemove: String?
    }

    struct SessionLine: Sendable {
        var sessionCode: String
        var sessionDate: String
        var sessionHours: String?
        var scans: [ScanLine]
        var hasScans: Bool
        /// What an instructor learns: how many, and when the last came.
        var countText: String?
        var uploadAction: String
    }

    struct Section: Sendable {
        var seesFiles: Bool
        var limitText: String
        var evidenceSessions: [SessionLine]
        /// Scans of sessions no longer in the group's calendar (a sessions file replaced it).
        var hasOrphans: Bool
        var orphans: [ScanLine]
    }

    var evidence: Section?
}

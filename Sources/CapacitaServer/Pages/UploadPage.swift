import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// What a page can upload, and which import reads it (who may: `PagesController.uploadRoles`).
/// The imports are the CLI's and the API's own (EnrollmentImporter, ResultsImporter,
/// FileImports), run first as a dry run.
enum UploadKind: String, CaseIterable, Sendable {
    case inscripcion, resultados, plantillas

    var title: String {
        switch self {
        case .inscripcion: return "Subir inscripción"
        case .resultados: return "Subir resultados"
        case .plantillas: return "Subir plantillas de personal"
        }
    }

    var what: String {
        switch self {
        case .inscripcion: return "la lista de personas inscritas (una fila por persona y grupo)"
        case .resultados: return "la asistencia y las evaluaciones de un grupo (una fila por persona)"
        case .plantillas: return "el personal por nivel de mando de cada instancia y año"
        }
    }

    /// Inscripción and resultados may name the group once for every row.
    var takesGroup: Bool { self != .plantillas }
    /// The blank template for it (`capacita template …`, and the download on the form).
    var template: String {
        switch self {
        case .inscripcion: return "enroll"
        case .resultados: return "results"
        case .plantillas: return "headcounts"
        }
    }

    /// The uploads a role may use (`PagesController.uploadRoles`, which their routes are declared from).
    static func of(_ identity: Identity) -> [UploadKind] {
        PagesController.uploadRoles.filter { $0.roles.contains(identity.role) }.map(\.kind)
    }
}

extension PagesController {
    /// How many refused rows a preview lists under each reason; the workbook holds them all.
    static let shownPerReason = 50

    func uploadForm(_ kind: UploadKind, _ session: SessionStore.Current, problem: String? = nil) async throws
        -> Response
    {
        var view = uploadView(kind, session)
        view.problem = problem
        if kind.takesGroup {
            // The groups of the last three years: results and late enrollments come after a group starts.
            let year = Query.currentYear
            let groups = try await store.run(as: session.identity) { connection in
                try (year - 2...year).reversed().flatMap {
                    try GroupStore(connection: connection).list(year: $0, agency: session.identity.agency)
                }
            }
            view.groups = groups.map { .init(code: $0.group.code, course: $0.courseTitle ?? "evento sin curso") }
        }
        return try page(
            .subir, PageView(view, signedInHeader(session)), status: problem == nil ? .ok : .unprocessableContent)
    }

    /// The largest upload, for people (`100 MB`).
    var limitText: String { ByteCountFormatter.string(fromByteCount: configuration.maxBodyBytes, countStyle: .binary) }

    /// The upload form, and what the preview and result pages say of the upload around the outcome.
    struct UploadView: Sendable {
        struct GroupChoice: Sendable {
            var code: String
            var course: String
        }

        var title: String
        var kind: String
        var what: String
        var takesGroup: Bool
        var askAgency: Bool
        var limit: String
        var problem: String?
        var groups: [GroupChoice]?
    }

    func uploadView(_ kind: UploadKind, _ session: SessionStore.Current) -> UploadView {
        UploadView(
            title: kind.title, kind: kind.rawValue, what: kind.what, takesGroup: kind.takesGroup,
            askAgency: kind == .inscripcion && session.identity.role == .admin, limit: limitText)
    }

    /// The file received and checked as a dry run: the preview, or the form again with why not.
    func uploadPreview(_ kind: UploadKind, _ request: Request, _ session: SessionStore.Current, secret: String)
        async throws -> Response
    {
        let form: FormData
        do {
            form = try await FormData.receive(
                request, limit: configuration.maxBodyBytes, into: configuration.uploadFolder)
        } catch let problem as FormData.Problem {
            switch problem {
            case .tooLarge:
                return try await uploadForm(
                    kind, session,
                    problem: "El archivo pasa del límite de \(limitText)."
                ).with(status: .contentTooLarge)
            case .notMultipart, .malformed, .secondFile:
                return try await uploadForm(
                    kind, session, problem: "El formulario llegó incompleto; elija el archivo de nuevo.")
            }
        }
        defer { form.remove() }
        // The CSRF token first: nothing of the file is read before the form is known to be ours.
        guard let sent = form.fields["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        guard let file = form.file, file.size > 0 else {
            return try await uploadForm(kind, session, problem: "Elija un archivo CSV o .xlsx con datos.")
        }
        let group = (form.fields["grupo"] ?? "").trimmingCharacters(in: .whitespaces)
        let agency = (form.fields["dependencia"] ?? "").trimmingCharacters(in: .whitespaces)
        var meta = PendingUploads.Meta(
            sha256: "", kind: kind.rawValue, fileName: Upload.safeName(file.name), group: group.isEmpty ? nil : group,
            agency: agency.isEmpty || session.identity.role != .admin ? nil : agency)
        if let code = meta.group {
            switch Result(catching: { try GroupScope.code(code) }) {
            case .success(let valid): meta.group = valid
            case .failure:
                return try await uploadForm(
                    kind, session, problem: "La clave de grupo «\(code.prefix(64))» no es válida.")
            }
        }
        if let name = meta.agency,
            name.count > 200 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            return try await uploadForm(
                kind, session, problem: "La dependencia «\(Curp.redact(String(name.prefix(64))))» no es válida.")
        }
        // Kept in PostgreSQL before the dry run, so its confirmation may reach any instance; the
        // dry run reads the file received here.
        let lifetime = pending.lifetime
        let received = file.url
        let kept = try await store.run(as: session.identity) { [meta] connection in
            var meta = meta
            meta.sha256 = try PendingUploadStore.sha256(ofFile: received.path)
            return try PendingUploadStore(connection: connection, sessionSecret: secret).keep(
                meta, from: received.path, lifetime: lifetime)
        }
        return try await runUpload(kind, kept, session, secret: secret, received: received)
    }

    /// The file kept at preview imported for real; the result, or the preview again when the data
    /// changed meanwhile and the import now refuses it.
    func uploadConfirm(_ kind: UploadKind, _ request: Request, _ session: SessionStore.Current, secret: String)
        async throws -> Response
    {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        guard let sha256 = form["huella"],
            let kept = try await store.run(
                as: session.identity, { try PendingUploadStore(connection: $0, sessionSecret: secret).find(sha256) }),
            kept.kind == kind.rawValue
        else { return try expired(kind, session) }
        return try await runUpload(kind, kept, session, secret: secret, received: nil)
    }

    /// The refused rows of a preview as a workbook, with their reasons, to fix and send again.
    func uploadRejected(_ kind: UploadKind, _ context: APIContext, _ session: SessionStore.Current, secret: String)
        async throws -> Response
    {
        guard let sha256 = context.parameters.get("huella") else { return try expired(kind, session) }
        let pending = self.pending
        let found = try await store.run(as: session.identity) {
            connection -> (RejectedRows, SavedIssues, String)? in
            let kept = PendingUploadStore(connection: connection, sessionSecret: secret)
            guard let preview = try kept.find(sha256), preview.kind == kind.rawValue,
                let json = preview.issues,
                let saved = try? JSONDecoder().decode(SavedIssues.self, from: Data(json.utf8))
            else { return nil }
            let rows = try pending.withFile(preview, kept) { file in
                try RejectedRows.read(
                    try InputFile(path: file.path), headerLine: saved.headerLine, lines: Set(saved.issues.map(\.line)))
            }
            return (rows, saved, preview.fileName)
        }
        guard let (rows, saved, fileName) = found else { return try expired(kind, session) }
        let base = (fileName as NSString).deletingPathExtension
        return try Responses.workbook(
            RejectedRowsWorkbook.document(rows, issues: saved.issues), name: "\(base)-rechazadas")
    }

    /// The blank template for this upload, with the caller's agency and its groups in the lists.
    func uploadTemplate(_ kind: UploadKind, _ session: SessionStore.Current) async throws -> Response {
        guard let template = TemplateKind(rawValue: kind.template) else {
            return try notYours(session)
        }
        let identity = session.identity
        let tiers = self.tiers
        let lists = try await store.run(as: identity) { connection in
            try TemplateSource(connection: connection).lists(
                template, tiers: tiers, agency: identity.agency, year: Query.currentYear)
        }
        return Responses.workbook(try TemplateWriter.data(template, lists: lists), name: "plantilla-\(kind.rawValue)")
    }

    /// What a preview refused (motivos.json), kept with the file for the download.
    struct SavedIssues: Codable, Sendable {
        var headerLine: Int
        var issues: [ImportIssue]
    }

    /// How a run over a kept file ended.
    private enum Run: Sendable {
        case done(ImportOutcome)
        /// Neither CSV nor a workbook: the form again, with why.
        case unreadable(String)
        /// Confirmed already (through any instance), expired, or not this kind's.
        case gone

        /// What the metrics count: an import run to its end.
        var outcome: ImportOutcome? {
            if case .done(let outcome) = self { outcome } else { nil }
        }
    }

    /// The dry run of the file just `received`, or (nil) the import of the kept one: read back
    /// from PostgreSQL into a private file, in one transaction with the import that locks the
    /// preview's row and deletes it when the import is accepted, so a preview is imported once
    /// however many times, and through whichever instances, it is confirmed.
    private func runUpload(
        _ kind: UploadKind, _ kept: PendingUploads.Meta, _ session: SessionStore.Current, secret: String,
        received: URL?
    ) async throws -> Response {
        let identity = session.identity
        let dryRun = received != nil
        let tiers = self.tiers
        let pending = self.pending
        let run: Run
        do {
            // The agency as the API reads `agency=`: a code, a name or a former name.
            let agency = try await store.agencyCode(kept.agency, parameter: "dependencia", as: identity)
            run = try await store.countedImport(kind.rawValue, dryRun: dryRun, outcome: \.outcome) {
                try await store.run(as: identity) { connection -> Run in
                    let store = PendingUploadStore(connection: connection, sessionSecret: secret)
                    func importing(_ file: URL, _ meta: PendingUploads.Meta) throws -> Run {
                        let input: InputFile
                        do {
                            input = try InputFile(path: file.path)
                        } catch {
                            try store.remove(meta.sha256)
                            return .unreadable(Self.fileProblem(error, name: meta.fileName))
                        }
                        let outcome = try Self.importing(
                            kind, input, meta, agency: agency, identity, tiers, dryRun: dryRun, connection)
                        if !outcome.accepted {
                            let saved = SavedIssues(headerLine: outcome.headerLine, issues: outcome.rejected)
                            try store.saveIssues(
                                meta.sha256, String(decoding: try JSONEncoder().encode(saved), as: UTF8.self))
                        } else if !dryRun {
                            try store.remove(meta.sha256)
                        }
                        return .done(outcome)
                    }
                    if let received { return try importing(received, kept) }
                    return try connection.withTransaction { _ in
                        guard let locked = try store.find(kept.sha256, locking: true), locked.kind == kind.rawValue
                        else { return .gone }
                        return try pending.withFile(locked, store) { try importing($0, locked) }
                    }
                }
            }
        } catch let error as APIError {
            return try message(
                session, title: "No se pudo revisar el archivo", error.message, link: "/subir/\(kind.rawValue)",
                linkText: "Volver a subir", status: error.status)
        }
        let outcome: ImportOutcome
        switch run {
        case .done(let done): outcome = done
        case .unreadable(let problem): return try await uploadForm(kind, session, problem: problem)
        case .gone: return try expired(kind, session)
        }
        var upload = uploadView(kind, session)
        upload.title = dryRun ? "Vista previa · \(kept.fileName)" : "Resultado · \(kept.fileName)"
        let view = Self.outcomeView(outcome, kind: kind, meta: kept, sha256: kept.sha256)
        return try page(
            dryRun || !outcome.accepted ? .vistaPrevia : .resultado, PageView(view, upload, signedInHeader(session)),
            status: outcome.accepted ? .ok : .unprocessableContent)
    }

    static func importing(
        _ kind: UploadKind, _ input: InputFile, _ meta: PendingUploads.Meta, agency: String?, _ identity: Identity,
        _ tiers: TierTable, dryRun: Bool, _ connection: Connection
    ) throws -> ImportOutcome {
        switch kind {
        case .inscripcion:
            if let group = meta.group, try GroupStore(connection: connection).group(code: group) == nil {
                throw APIError.notFound("el grupo \(group)")
            }
            return try EnrollmentImporter(connection: connection).run(
                input,
                options: .init(
                    agency: agency, group: meta.group, dryRun: dryRun, tiers: tiers, ranBy: identity.user))
        case .resultados:
            if let group = meta.group { _ = try GroupScope.listing(group, connection: connection) }
            return try ResultsImporter(connection: connection).run(
                input, options: .init(group: meta.group, dryRun: dryRun, ranBy: identity.user))
        case .plantillas:
            return try FileImports(connection: connection).headcounts(input, ranBy: identity.user, dryRun: dryRun)
        }
    }

    static func fileProblem(_ error: Error, name: String) -> String {
        switch error as? InputFileError {
        case .notText(_, let kind)?: return "\(name): \(kind)"
        case .noSuchSheet(_, let sheet, let sheets)?:
            return "\(name): no tiene la hoja «\(sheet)» (tiene: \(sheets.joined(separator: ", ")))"
        default: return "\(name): no se puede leer como CSV ni como libro .xlsx"
        }
    }

    func expired(_ kind: UploadKind, _ session: SessionStore.Current) throws -> Response {
        try message(
            session, title: "Vista previa vencida",
            "El archivo revisado ya no se guarda (pasó su tiempo o se cerró la sesión); no se importó nada. Súbalo de nuevo.",
            link: "/subir/\(kind.rawValue)", linkText: "Volver a subir", status: .notFound)
    }

    func notYours(_ session: SessionStore.Current) throws -> Response {
        try message(session, title: "Sin acceso", "Esta página no es para su función.", status: .forbidden)
    }
}

extension Response {
    func with(status: HTTPResponse.Status) -> Response {
        var copy = self
        copy.status = status
        return copy
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird
import NIOCore

/// The scanned signed lists of a group's sessions (issue #28, «Evidence»): attached by the
/// Secretaría Técnica, the organizing agency's enlace or an instructor of the group; listed,
/// downloaded and removed by the first two only. Anyone else gets 404, as for a group that does
/// not exist: lists with personal data are reserved.
struct EvidenceController {
    let store: SharedStore
    let configuration: ServerConfiguration

    func add(to routes: RouteTable) {
        // The body is the file itself (PDF, JPEG or PNG, told by its first bytes). The group, the
        // session and the caller are checked before a byte of it is read.
        routes.post("/v1/groups/:code/sessions/:date/evidence", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let date = try Self.date(try context.parameters.require("date"))
            let query = Query(request)
            let start = try Self.start(try query.string("start", maxLength: 8))
            let name = try query.string("name", maxLength: Self.nameLimit)
            let dryRun = try query.bool("dry_run")
            let session = try await Self.session(store, identity, code: code, date: date, start: start)
            let limit = configuration.maxEvidenceBytes
            let declared = request.headers[.contentType]
            try Self.refusing { () throws(EvidenceProblem) in
                try EvidenceCheck.beforeReading(
                    declaredType: declared,
                    declaredLength: request.headers[.contentLength].flatMap { Int64($0) }, limit: limit)
            }
            let upload = try await Self.receive(request, configuration)
            defer { upload.remove() }
            let kept = try await Self.keep(
                store, identity, session: session, file: upload.file, declaredType: declared,
                name: name ?? Upload.name(of: request, fallback: ""), limit: limit, dryRun: dryRun)
            return Responses.json(kept.record.render(.json), status: kept.created == true ? .created : .ok)
        }
        routes.get("/v1/groups/:code/evidence", roles: [.admin, .enlace]) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let scans = try await store.run(as: identity) {
                try SessionEvidenceStore(connection: $0).list(group: code)
            }
            guard let scans else { throw APIError.notFound("el grupo") }
            return try Responses.table(EvidenceTable.table(scans), request, sheet: "listas-firmadas")
        }
        routes.get("/v1/evidence/:id", roles: [.admin, .enlace]) { _, context, identity in
            let id = try Self.id(try context.parameters.require("id"))
            return try await Self.download(store, identity, id: id)
        }
        routes.delete("/v1/evidence/:id", roles: [.admin, .enlace]) { _, context, identity in
            let id = try Self.id(try context.parameters.require("id"))
            let gone = try await store.run(as: identity) {
                try SessionEvidenceStore(connection: $0).detach(id: id)
            }
            guard let gone else { throw APIError.notFound("la lista firmada") }
            return Responses.json(
                Record([
                    ("id", .int(Int(gone.id))), ("session", .text(gone.sessionCode)), ("group", .text(gone.groupCode)),
                    ("file_name", .text(gone.fileName)), ("sha256", .text(gone.sha256)), ("removed", .bool(true)),
                ]).render(.json))
        }
    }

    /// `?name=`: longer than a file system keeps is not a name.
    static let nameLimit = 255

    /// A day in a path; anything else names no session (404).
    static func date(_ raw: String) throws(APIError) -> CalendarDate {
        guard raw.utf8.count <= 10, let date = CalendarDate.parse(raw) else { throw .notFound("la sesión") }
        return date
    }

    /// `?start=HH:MM`.
    static func start(_ text: String?) throws(APIError) -> ClockTime? {
        guard let text else { return nil }
        guard text.contains(":"), let time = ClockTime.parse(text) else {
            throw .badParameter("start", "la hora de inicio de la sesión, HH:MM")
        }
        return time
    }

    /// A scan's id in a path: a positive number, else no scan (404).
    static func id(_ raw: String) throws(APIError) -> Int64 {
        guard raw.utf8.count <= 18, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let id = Int64(raw), id > 0 else {
            throw .notFound("la lista firmada")
        }
        return id
    }

    /// The session `date` (and `start`) names in `code`, for `identity`: 404 for a group out of
    /// reach (as for one that does not exist) and for a day without that session; 400 when the day
    /// has several and no start was given.
    static func session(
        _ store: SharedStore, _ identity: Identity, code: String, date: CalendarDate, start: ClockTime?
    ) async throws -> GroupSession {
        let target = try await store.run(as: identity) {
            try SessionEvidenceStore(connection: $0).target(group: code, date: date, start: start)
        }
        switch target {
        case .noGroup: throw APIError.notFound("el grupo")
        case .noSession: throw APIError.notFound("la sesión")
        case .startRequired(let starts): throw APIError.evidence(.startRequired(starts))
        case .session(let session, _): return session
        }
    }

    /// The body streamed to a file of its own (never held whole while it arrives), cut off with
    /// `evidence_too_large` past the limit (at once when Content-Length says so) and with 408 when
    /// too slow.
    static func receive(_ request: Request, _ configuration: ServerConfiguration) async throws -> Upload {
        let limit = configuration.maxEvidenceBytes
        do {
            return try await BodyPace.$current.withValue(BodyPace(configuration)) {
                try await Upload.receive(request, limit: limit, into: configuration.uploadFolder, name: "lista")
            }
        } catch let error as APIError where error.status == .contentTooLarge {
            throw APIError.evidence(.tooLarge(limit: limit))
        }
    }

    struct Kept: Sendable {
        var record: Record
        /// nil for a dry run.
        var created: Bool?
    }

    /// The received file checked and kept as a scan of `session` (or only checked, in a dry run).
    /// It is read into memory only once whole and within the limit, on the pooled connection's
    /// thread (never the server's), while holding one of the import places (503 at once when none
    /// is free): memory is bounded by those places, not by the requests arriving.
    static func keep(
        _ store: SharedStore, _ identity: Identity, session: GroupSession, file: URL, declaredType: String?,
        name: String?, limit: Int64, dryRun: Bool
    ) async throws -> Kept {
        do {
            return try await store.reservingImport {
                try await store.run(as: identity) { connection in
                    let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?
                        .int64Value
                    if let size, size > limit { throw APIError.evidence(.tooLarge(limit: limit)) }
                    let bytes = [UInt8](try Data(contentsOf: file))
                    let type = try refusing { () throws(EvidenceProblem) -> EvidenceType in
                        try EvidenceCheck.check(bytes, declaredType: declaredType, limit: limit)
                    }
                    let fileName = SessionEvidence.fileName(name, session: session.code, type: type)
                    if dryRun {
                        return Kept(
                            record: EvidenceTable.record(
                                id: nil, session: session.code, fileName: fileName, type: type, size: bytes.count,
                                sha256: SessionEvidenceStore.sha256(bytes), created: nil, attachedAt: nil),
                            created: nil)
                    }
                    let attached = try SessionEvidenceStore(connection: connection).attach(
                        bytes, to: session, fileName: fileName)
                    return Kept(
                        record: EvidenceTable.record(
                            id: attached.id, session: attached.sessionCode, fileName: attached.fileName,
                            type: attached.type, size: attached.size, sha256: attached.sha256,
                            created: attached.created, attachedAt: attached.attachedAt),
                        created: attached.created)
                }
            }
        } catch SessionEvidenceStore.Refusal.noGroup {
            throw APIError.notFound("el grupo")
        } catch SessionEvidenceStore.Refusal.noSession {
            throw APIError.notFound("la sesión")
        }
    }

    /// A scan's bytes with their type, as a download named for the list; 404 when it does not exist
    /// or is not the caller's to see. The API and the pages answer through it.
    static func download(_ store: SharedStore, _ identity: Identity, id: Int64) async throws -> Response {
        let found = try await store.run(as: identity) {
            try SessionEvidenceStore(connection: $0).content(id: id)
        }
        guard let (evidence, bytes) = found else { throw APIError.notFound("la lista firmada") }
        return Response(
            status: .ok,
            headers: [
                .contentType: evidence.type.mediaType,
                .contentDisposition: Responses.attachment(
                    evidence.downloadBaseName, extension: evidence.type.fileExtension),
                // Opened in place by mistake, it runs nothing.
                .init("Content-Security-Policy")!: "sandbox; default-src 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Runs a check of `EvidenceCheck`, its refusal as the API answers it.
    static func refusing<T>(_ check: () throws(EvidenceProblem) -> T) throws(APIError) -> T {
        do {
            return try check()
        } catch {
            throw APIError.evidence(error)
        }
    }
}

extension APIError {
    /// A scan refused: 413 past the limit, 415 for what is not a PDF, JPEG or PNG (or not what its
    /// Content-Type said), 422 for an empty file, 400 for a day that needs its session's start.
    static func evidence(_ problem: EvidenceProblem) -> APIError {
        switch problem {
        case .empty: return APIError(.unprocessableContent, problem.key, problem.message)
        case .tooLarge(let limit):
            return APIError(.contentTooLarge, problem.key, problem.message, details: ["limit_bytes": String(limit)])
        case .type, .contentType: return APIError(.unsupportedMediaType, problem.key, problem.message)
        case .startRequired(let starts):
            return APIError(
                .badRequest, problem.key, problem.message,
                details: ["starts": starts.map(\.description).joined(separator: ",")])
        }
    }
}

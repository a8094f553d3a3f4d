import Capacita
import CapacitaPDF
import CapacitaStore
import Foundation
import Hummingbird
import NIOCore

/// Constancias on paper: one as PDF, a group's as a ZIP streamed while it is drawn, and the
/// public check of a PDF against the ones issued. The page routes answer through the same
/// functions (`ConstanciaPages`).
struct ConstanciaFilesController {
    let store: SharedStore
    let configuration: ServerConfiguration
    /// Where PDFs are drawn: off the pooled connection and the server's threads.
    let documents: BoundedWork
    /// The verification's budget per address, shared with the page and the GET route.
    let limiter: RateLimiter

    func add(to routes: RouteTable) {
        let files = ConstanciaFiles(store: store, configuration: configuration, documents: documents)
        // One constancia's PDF: the Secretaría Técnica, the enlace of the holder's agency, the
        // group's instructors; for anyone else the folio is not there (404). Revoked: 410.
        routes.get("/v1/constancias/{folio}.pdf", roles: .everyone) { _, context, identity in
            try await files.pdf(folio: try context.parameters.require("folio"), as: identity)
        }
        // A group's valid constancias, one PDF each named by folio, as a ZIP: whoever reaches the
        // group's people (`GroupReach`), each caller only the constancias it may read.
        routes.get("/v1/groups/:code/constancias.zip", roles: .everyone) { _, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            return try await files.zip(group: code, as: identity)
        }
        // Public: whether a PDF is, byte for byte, one issued for the code. Nothing is stored.
        routes.post(public: "/v1/constancias/verify/:code") { request, context in
            guard limiter.admit(context.remoteAddress ?? "local") else {
                throw APIError(
                    .tooManyRequests, "rate_limited", "demasiadas verificaciones seguidas; intente en un minuto")
            }
            let code = try context.parameters.require("code")
            guard code.utf8.count <= 64 else { throw APIError.notFound("la constancia") }
            let limit = configuration.verifyUploadLimit
            let body = try await BodyPace.$current.withValue(BodyPace(configuration)) {
                try await Upload.collect(request, limit: limit)
            }
            let verdict = try await files.check(code: code, sha256: ConstanciaDocuments.sha256(body.readableBytesView))
            guard let verdict else { throw APIError.notFound("la constancia") }
            return Responses.json(verdict)
        }
    }
}

/// What the API and the pages share: drawing, recording and answering constancias' files.
struct ConstanciaFiles: Sendable {
    let store: SharedStore
    let configuration: ServerConfiguration
    let documents: BoundedWork

    var publicURL: String { configuration.accounts.publicURL }

    /// Whether an uploaded PDF is one issued: the JSON the API answers, and what the page shows.
    struct Verdict: Sendable, Encodable {
        var folio: String
        /// Whether the file is, byte for byte, a PDF issued for this constancia.
        var issued: Bool
        var sha256: String
        /// The SHA-256 of every PDF issued for it, oldest first (empty before the first is drawn).
        var issuedSHA256: [String]
        var revoked: Bool

        enum CodingKeys: String, CodingKey {
            case folio, issued, sha256, revoked
            case issuedSHA256 = "issued_sha256"
        }
    }

    /// The constancia of `code` and whether `sha256` is one of its PDFs; nil when the code is none.
    func check(code: String, sha256: String) async throws -> Verdict? {
        try await store.run(as: nil) { connection in
            guard let found = try ConstanciaStore(connection: connection).verify(code: code) else { return nil }
            let issued = found.pdfs.map(\.sha256)
            return Verdict(
                folio: found.folio, issued: issued.contains(sha256), sha256: sha256, issuedSHA256: issued,
                revoked: found.revokedOn != nil)
        }
    }

    /// The PDF of `folio` for `identity`: read, the connection returned to the pool, drawn on one
    /// of `documents`' threads, its SHA-256 recorded as issued, then answered.
    func pdf(folio raw: String, as identity: Identity) async throws -> Response {
        let folio = raw.uppercased()
        guard folio.utf8.count <= 64 else { throw APIError.notFound("la constancia") }
        let publicURL = self.publicURL
        let found = try await store.run(as: identity) {
            try ConstanciaDocuments(connection: $0, publicURL: publicURL).document(folio: folio)
        }
        switch found {
        case .none:
            throw APIError.notFound("la constancia")
        case .revoked(let folio, let day):
            throw APIError(
                .gone, "revoked",
                "la constancia \(folio) fue revocada el \(day): no se emite su PDF (su verificación lo muestra)")
        case .document(let document):
            let bytes = try await documents.run { Result { try ConstanciaPDF.render(document) } }.get()
            let sha256 = ConstanciaDocuments.sha256(bytes)
            try await store.run(as: identity) {
                try ConstanciaDocuments(connection: $0, publicURL: publicURL).recordIssued([(document.folio, sha256)])
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pdf",
                    .contentDisposition: Responses.attachment(document.folio, extension: "pdf"),
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// `group`'s valid constancias as a ZIP, one PDF per constancia named by folio, sent while it
    /// is made. The group is checked and its first page drawn before the answer starts (a group out
    /// of reach is 404, a busy service 503); then page after page (`ConstanciaDocuments.pageSize`)
    /// is read on a pooled connection given back at once, drawn on the drawing threads (shared
    /// with the lists; each given back when its part is drawn) and added to the archive, recorded
    /// as issued, and its bytes sent. Nothing shared is held while the client reads, and the next
    /// page is drawn only once the last one was taken, so a client that reads slowly holds its own
    /// connection and a file no larger than what it has read plus a page. The archive is in a
    /// folder of its own (0700) in the upload folder, removed when the answer ends, whichever way.
    /// A group with no valid constancia the caller reads is an empty ZIP.
    func zip(group code: String, as identity: Identity) async throws -> Response {
        let publicURL = self.publicURL
        let first = try await store.run(as: identity) { connection -> ConstanciaPage? in
            guard try GroupReach(connection: connection).listing(code: code) != nil else { return nil }
            let page = try ConstanciaDocuments(connection: connection, publicURL: publicURL).page(
                group: code, after: nil)
            return ConstanciaPage(documents: page.documents, next: page.next)
        }
        guard let first else { throw APIError.notFound("el grupo") }
        let zip = try ZipInProgress(in: configuration.uploadFolder)
        let firstBytes = try await drawAndRecord(first.documents, into: zip, as: identity, patience: nil)
        let patience = configuration.parseDeadline
        let (store, documents) = (store, documents)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(bytes: firstBytes))
            var next = first.next
            while let after = next {
                let page = try await store.run(as: identity) { connection in
                    try ConstanciaDocuments(connection: connection, publicURL: publicURL).page(
                        group: code, after: after)
                }
                let bytes = try await drawAndRecord(page.documents, into: zip, as: identity, patience: patience)
                if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                next = page.next
            }
            while true {
                let rest = try await documents.run(patience: patience) { Result { try zip.rest() } }.get()
                guard !rest.isEmpty else { break }
                try await writer.write(ByteBuffer(bytes: rest))
            }
            try await writer.finish(nil)
            zip.remove()
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip",
                .contentDisposition: Responses.attachment("constancias-\(code)", extension: "zip"),
            ],
            body: body)
    }

    struct ConstanciaPage: Sendable {
        var documents: [ConstanciaDocument]
        var next: String?
    }

    /// A constancia drawn: what the archive and the record of PDFs issued need.
    struct DrawnPDF: Sendable {
        var folio: String
        var fileName: String
        var issuedOn: String
        var pdf: [UInt8]
        var sha256: String
    }

    /// Draws `page` on the drawing threads, as many at once as there are (the page cut in that
    /// many parts, each part waiting for a thread up to the drawing deadline), adds it to `zip` in
    /// folio order on a drawing thread, records the PDFs as issued, and returns the archive's bytes
    /// that became final. With no `patience` (the answer has not started) a first part that finds
    /// every thread taken answers busy at once: 503.
    private func drawAndRecord(
        _ page: [ConstanciaDocument], into zip: ZipInProgress, as identity: Identity, patience: Duration?
    ) async throws -> [UInt8] {
        let documents = self.documents
        let wait = patience ?? documents.deadline
        let parts = Self.parts(page, count: documents.slots)
        let drawn = try await withThrowingTaskGroup(of: (Int, [DrawnPDF]).self) { group in
            for (index, part) in parts.enumerated() {
                group.addTask {
                    let work: @Sendable () -> Result<[DrawnPDF], any Error> = {
                        Result {
                            try part.map { document in
                                let pdf = try ConstanciaPDF.render(document)
                                return DrawnPDF(
                                    folio: document.folio, fileName: document.fileName, issuedOn: document.issuedOn,
                                    pdf: pdf, sha256: ConstanciaDocuments.sha256(pdf))
                            }
                        }
                    }
                    if index == 0, patience == nil { return (index, try await documents.run(work).get()) }
                    return (index, try await documents.run(patience: wait, work).get())
                }
            }
            var results = [[DrawnPDF]](repeating: [], count: parts.count)
            for try await (index, part) in group { results[index] = part }
            return results.flatMap { $0 }
        }
        let bytes = try await documents.run(patience: wait) {
            Result {
                for pdf in drawn { try zip.archive.add(name: pdf.fileName, pdf: pdf.pdf, issuedOn: pdf.issuedOn) }
                return try zip.finished()
            }
        }.get()
        let publicURL = self.publicURL
        let issued = drawn.map { (folio: $0.folio, sha256: $0.sha256) }
        try await store.run(as: identity) {
            try ConstanciaDocuments(connection: $0, publicURL: publicURL).recordIssued(issued)
        }
        return bytes
    }

    /// `items` in `count` runs of nearly equal length, in order (fewer when there are fewer items).
    static func parts<T>(_ items: [T], count: Int) -> [[T]] {
        let count = max(1, min(count, items.count))
        let size = (items.count + count - 1) / max(count, 1)
        return stride(from: 0, to: items.count, by: max(size, 1)).map { Array(items[$0..<min($0 + size, items.count)]) }
    }
}

/// A ZIP being written and sent: the archive in a folder of its own, and how much of it has been
/// handed to the response. The folder goes when the response ends, or when the answer is dropped
/// unsent.
final class ZipInProgress: @unchecked Sendable {
    // Sendable by hand: the archive and `sent` are touched only on drawing threads, one at a time
    // (the response waits for each before asking for the next).
    let folder: URL
    let archive: ConstanciaArchive
    private var sent: Int64 = 0

    init(in parent: String) throws {
        // The folder is 0700: the archive holds names, whatever mode ZIPFoundation creates it with.
        folder = try UploadFolder.makeFolder(in: parent, prefix: "capacita-zip-")
        do {
            archive = try ConstanciaArchive(creatingAt: folder.appendingPathComponent("constancias.zip"))
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    deinit {
        remove()
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The bytes that became final since the last call.
    func finished() throws -> [UInt8] {
        try read(upTo: try archive.finishedLength())
    }

    /// The next bytes not sent yet, at most `ZipInProgress.chunk`: once the last entry is in, call
    /// until it answers none.
    func rest() throws -> [UInt8] {
        try read(upTo: try archive.length())
    }

    /// The most a read hands to the response at once. A page's new bytes are well under it; so is
    /// the central directory of any group (about 70 bytes a constancia).
    static let chunk: Int64 = 8 << 20

    private func read(upTo end: Int64) throws -> [UInt8] {
        guard end > sent else { return [] }
        let bytes = try archive.read(from: sent, count: Int(min(end - sent, Self.chunk)))
        sent += Int64(bytes.count)
        return bytes
    }
}

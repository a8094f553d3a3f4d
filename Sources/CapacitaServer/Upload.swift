import CapacitaStore
import Foundation
import Hummingbird
import NIOCore
import Postgres

/// A request body streamed to a file of its own, never held whole in memory; the import reads it
/// from there. Over the limit the upload stops and 413 is answered; a client that disconnects
/// leaves only the folder, which `remove()` deletes.
struct Upload {
    let folder: URL
    let file: URL
    let size: Int64

    static func receive(_ request: Request, limit: Int64, into parent: String, name: String) async throws -> Upload {
        if let declared = request.headers[.contentLength].flatMap({ Int64($0) }), declared > limit {
            throw APIError.tooLarge(limit: limit)
        }
        let folder = URL(fileURLWithPath: parent).appendingPathComponent("capacita-upload-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(safeName(name))
        do {
            guard FileManager.default.createFile(atPath: file.path, contents: nil),
                let handle = FileHandle(forWritingAtPath: file.path)
            else { throw APIError.unavailable }
            defer { try? handle.close() }
            var size: Int64 = 0
            for try await buffer in request.body {
                size += Int64(buffer.readableBytes)
                if size > limit { throw APIError.tooLarge(limit: limit) }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
            return Upload(folder: folder, file: file, size: size)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// A small body (a JSON object, a ficha) in memory, or 413 past `limit`.
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit: Int64(limit))
        } catch is NIOTooManyBytesError {
            // What collectBody throws when the body streams past the limit: the same 413.
            throw APIError.tooLarge(limit: Int64(limit))
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The name the import batch records: letters, digits, dot, dash and underscore only, so no
    /// path and no control character comes from the client.
    static func safeName(_ name: String) -> String {
        let kept = String(
            name.unicodeScalars.filter {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
            .prefix(100).map(Character.init))
        let trimmed = kept.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return trimmed.isEmpty ? "archivo.csv" : trimmed
    }

    /// The upload's name from `Content-Disposition: …; filename="…"`, else `fallback`.
    static func name(of request: Request, fallback: String) -> String {
        guard let disposition = request.headers[.contentDisposition],
            let range = disposition.range(of: "filename=")
        else { return fallback }
        let value = disposition[range.upperBound...].split(separator: ";").first ?? ""
        let name = value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        return name.isEmpty ? fallback : name
    }
}

extension Store {
    /// An upload imported whole: an import place is taken first (503 at once when none is free, so
    /// a full service receives no body), the body is streamed to a file, read as `reading` says (a
    /// file of text by default), imported by `body` on a connection acting for `identity`, and
    /// the file removed whatever happens.
    func importUpload(
        _ request: Request, _ configuration: ServerConfiguration, fallbackName: String, limit: Int64? = nil,
        as identity: Identity, reading: ((URL) throws -> InputFile)? = nil,
        _ body: @escaping @Sendable (InputFile, Connection) throws -> ImportOutcome
    ) async throws -> ImportOutcome {
        try await reservingImport {
            let name = Upload.name(of: request, fallback: fallbackName)
            // `sheet`: which sheet of an .xlsx upload is read (by default the first with content).
            let sheet = try Query(request).string("sheet")
            let upload = try await Upload.receive(
                request, limit: limit ?? configuration.maxBodyBytes, into: configuration.uploadFolder, name: name)
            defer { upload.remove() }
            let input: InputFile
            do {
                input = try reading?(upload.file) ?? InputFile(path: upload.file.path, sheet: sheet)
            } catch InputFileError.notText(_, let kind) {
                // The upload's own name, not the server's folder.
                throw APIError.unsupported("\(Upload.safeName(name)): \(kind)")
            }
            return try await run(as: identity) { try body(input, $0) }
        }
    }
}

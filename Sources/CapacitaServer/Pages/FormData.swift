import CapacitaStore
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A `multipart/form-data` body as a browser sends a form with a file: small text fields in
/// memory, the one file streamed to a folder of its own (never held whole, 0600 in a 0700 folder),
/// under one limit for the whole body and the pace every body keeps (`BodyPace`: too slow is 408).
/// Parsed by MultipartKit's streaming parser; every bound is this type's.
struct FormData: Sendable {
    var fields: [String: String]
    /// The file part: the name it was sent under, where it is, and its size.
    var file: (name: String, url: URL, size: Int64)?
    /// The folder the file is in (remove it with `remove()`).
    let folder: URL

    static let fieldLimit = 4 << 10
    static let fieldCount = 32
    static let headerLimit = 4 << 10

    enum Problem: Error, Equatable {
        case notMultipart
        case malformed
        case tooLarge
        case secondFile
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The body read to the end: fields, and the file under `folder`. Nothing is left behind on
    /// an error.
    static func receive(_ request: Request, limit: Int64, into parent: String) async throws -> FormData {
        guard let boundary = boundary(request.headers[.contentType]) else { throw Problem.notMultipart }
        if let declared = request.headers[.contentLength].flatMap({ Int64($0) }), declared > limit {
            throw Problem.tooLarge
        }
        let folder = try UploadFolder.makeFolder(in: parent, prefix: "capacita-form-")
        do {
            return try await BodyPace.current.reading { arrived in
                var reader = PartReader(folder: folder)
                do {
                    let parser = MultipartParser(boundary: boundary)
                    parser.onHeader = { name, value in reader.header(name, value) }
                    parser.onBody = { buffer in reader.body(&buffer) }
                    parser.onPartComplete = { reader.complete() }
                    var size: Int64 = 0
                    for try await buffer in request.body {
                        size += Int64(buffer.readableBytes)
                        if size > limit { throw Problem.tooLarge }
                        arrived(buffer.readableBytes)
                        do { try parser.execute(buffer) } catch { throw Problem.malformed }
                        if let problem = reader.problem { throw problem }
                    }
                    try reader.finish()
                    return FormData(fields: reader.fields, file: reader.file, folder: folder)
                } catch {
                    reader.close()
                    throw error
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// The boundary of `multipart/form-data; boundary=…` (quoted or not), 1 to 70 characters.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            let value = part.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard (1...70).contains(value.utf8.count), value.allSatisfy({ $0.isASCII && !$0.isNewline }) else {
                return nil
            }
            return value
        }
        return nil
    }

    /// `name` and `filename` of a part's Content-Disposition.
    static func disposition(_ value: String) -> (name: String?, filename: String?) {
        var name: String?
        var filename: String?
        for part in value.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            let text =
                pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
            switch pair[0].lowercased() {
            case "name": name = text
            case "filename": filename = text
            default: continue
            }
        }
        return (name, filename)
    }

    /// The parser's callbacks in one place: what the current part is, and what has been kept.
    private struct PartReader {
        let folder: URL
        var fields: [String: String] = [:]
        var file: (name: String, url: URL, size: Int64)?
        var problem: Problem?
        private var headers: [String: String] = [:]
        private var headerBytes = 0
        private var started = false
        private var field: (name: String, bytes: [UInt8])?
        private var handle: FileHandle?

        init(folder: URL) {
            self.folder = folder
        }

        mutating func header(_ name: String, _ value: String) {
            headerBytes += name.utf8.count + value.utf8.count
            if headerBytes > FormData.headerLimit { problem = .malformed }
            headers[name.lowercased()] = value
        }

        mutating func body(_ buffer: inout ByteBuffer) {
            if !started { start() }
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            guard problem == nil else { return }
            if let handle {
                do {
                    try handle.write(contentsOf: bytes)
                    file?.size += Int64(bytes.count)
                } catch {
                    problem = .malformed
                }
            } else if field != nil {
                field?.bytes += bytes
                if (field?.bytes.count ?? 0) > FormData.fieldLimit { problem = .malformed }
            }
        }

        mutating func complete() {
            if !started { start() }
            if let (name, bytes) = field, problem == nil {
                if fields[name] == nil { fields[name] = String(decoding: bytes, as: UTF8.self) }
                if fields.count > FormData.fieldCount { problem = .malformed }
            }
            close()
            headers = [:]
            headerBytes = 0
            started = false
            field = nil
        }

        /// The headers are all in: a file part opens its file, any other part is a field.
        private mutating func start() {
            started = true
            guard let disposition = headers["content-disposition"] else { return }
            let (name, filename) = FormData.disposition(disposition)
            guard let name else { return }
            guard let filename else {
                field = (name, [])
                return
            }
            // A file input left empty still sends its part, with no name and no bytes.
            guard !filename.isEmpty else { return }
            guard file == nil else {
                problem = .secondFile
                return
            }
            let url = folder.appendingPathComponent(Upload.safeName(filename))
            guard let opened = try? UploadFolder.createFile(at: url) else {
                problem = .malformed
                return
            }
            handle = opened
            file = (filename, url, 0)
        }

        mutating func close() {
            try? handle?.close()
            handle = nil
        }

        /// The body ended: a part left open means the closing boundary never came.
        mutating func finish() throws {
            close()
            if let problem { throw problem }
            if started { throw Problem.malformed }
        }
    }
}

import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Hummingbird
import NIOCore
import Postgres
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A request body streamed to a file of its own, never held whole in memory; the import reads it
/// from there. Over the limit the upload stops and 413 is answered; too slow, 408 (`BodyPace`);
/// a client that disconnects leaves only the folder, which `remove()` deletes.
struct Upload: Sendable {
    let folder: URL
    let file: URL
    let size: Int64

    static func receive(_ request: Request, limit: Int64, into parent: String, name: String) async throws -> Upload {
        if let declared = request.headers[.contentLength].flatMap({ Int64($0) }), declared > limit {
            throw APIError.tooLarge(limit: limit)
        }
        let folder = try UploadFolder.makeFolder(in: parent, prefix: "capacita-upload-")
        let file = folder.appendingPathComponent(safeName(name))
        do {
            let size = try await BodyPace.current.reading { arrived in
                let handle = try UploadFolder.createFile(at: file)
                defer { try? handle.close() }
                var size: Int64 = 0
                for try await buffer in request.body {
                    size += Int64(buffer.readableBytes)
                    if size > limit { throw APIError.tooLarge(limit: limit) }
                    try handle.write(contentsOf: buffer.readableBytesView)
                    arrived(buffer.readableBytes)
                }
                return size
            }
            return Upload(folder: folder, file: file, size: size)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// A small body (a JSON object, a ficha, a form) in memory, or 413 past `limit`; 408 when it
    /// arrives too slowly (`BodyPace`).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError.tooLarge(limit: Int64(limit))
        }
        return try await BodyPace.current.reading { arrived in
            var collected = ByteBuffer()
            for try await var buffer in request.body {
                guard collected.readableBytes + buffer.readableBytes <= limit else {
                    throw APIError.tooLarge(limit: Int64(limit))
                }
                arrived(buffer.readableBytes)
                collected.writeBuffer(&buffer)
            }
            return collected
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

extension SharedStore {
    /// An upload imported whole: the body is streamed to a file (cut off with 408 when it arrives
    /// too slowly), and only once it is whole is an import place taken (503 at once when none is
    /// free: a slow or endless body holds none). The file is read as `reading` says (a file of text
    /// by default), imported by `body` on a connection acting for `identity`, and removed whatever
    /// happens.
    func importUpload(
        _ request: Request, _ configuration: ServerConfiguration, fallbackName: String, limit: Int64? = nil,
        as identity: Identity, reading: ((URL) throws -> InputFile)? = nil,
        _ body: @escaping @Sendable (InputFile, Connection) throws -> ImportOutcome
    ) async throws -> ImportOutcome {
        let name = Upload.name(of: request, fallback: fallbackName)
        // `sheet`: which sheet of an .xlsx upload is read (by default the first with content).
        let sheet = try Query(request).string("sheet")
        let upload = try await BodyPace.$current.withValue(BodyPace(configuration)) {
            try await Upload.receive(
                request, limit: limit ?? configuration.maxBodyBytes, into: configuration.uploadFolder, name: name)
        }
        defer { upload.remove() }
        // The kind the metrics count it under: the fallback name's first word, which the code gives.
        return try await countedImport(String(fallbackName.prefix { $0.isLetter })) {
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

/// How long a request body may take to arrive: whole within `timeout`, and, after a grace of ten
/// seconds, at no less than `minimumRate` bytes a second on average. A client that trickles its
/// body (two bytes every five seconds) or stops sending is cut off with 408 instead of holding its
/// request, its socket and its file forever. The service sets one per request (`current`), from
/// the configuration, for every reader of a body.
struct BodyPace: Sendable {
    var timeout: Duration
    var minimumRate: Int
    static let grace: Duration = .seconds(10)

    @TaskLocal static var current = BodyPace(timeout: .seconds(15 * 60), minimumRate: 4 << 10)

    init(timeout: Duration, minimumRate: Int) {
        self.timeout = timeout
        self.minimumRate = minimumRate
    }

    init(_ configuration: ServerConfiguration) {
        self.init(timeout: configuration.bodyTimeout, minimumRate: configuration.bodyMinimumRate)
    }

    /// When the body is cut off unless more has arrived: the rate's bound moves on with every byte
    /// received, the total's does not.
    func deadline(start: ContinuousClock.Instant, received: Int64) -> ContinuousClock.Instant {
        let byRate = Self.grace + .seconds(Double(received) / Double(max(minimumRate, 1)))
        return start + min(timeout, byRate)
    }

    /// Runs `read`, which reads the request's body and reports each chunk to `arrived`; when the
    /// body falls behind the pace, `read` is cancelled (its wait for the next chunk ends) and 408
    /// is thrown.
    func reading<T: Sendable>(
        _ read: @escaping @Sendable (_ arrived: @Sendable (Int) -> Void) async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let received = Progress()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await read { received.add($0) } }
            group.addTask {
                while true {
                    let deadline = self.deadline(start: start, received: received.bytes)
                    if clock.now >= deadline { return nil }
                    try await Task.sleep(until: deadline, clock: clock)
                }
            }
            // The first to finish decides: the body read whole, or the pace's deadline.
            let first = try await group.next() ?? nil
            group.cancelAll()
            if let value = first { return value }
            throw APIError.bodyTimeout
        }
    }

    private final class Progress: Sendable {
        private let count = Mutex<Int64>(0)
        var bytes: Int64 { count.withLock { $0 } }
        func add(_ bytes: Int) { count.withLock { $0 += Int64(bytes) } }
    }
}

/// The service's folder for uploads and the files in it: folders 0700 and files 0600 from the
/// moment they exist (never world-readable: they hold CURPs and names), and at start whatever a
/// previous run left behind (killed mid-upload) is deleted.
enum UploadFolder {
    /// Makes the folder 0700 (and its parents as needed), or takes it back to 0700 if it exists,
    /// and deletes everything in it.
    static func prepare(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        for entry in try FileManager.default.contentsOfDirectory(atPath: path) {
            try FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).appendingPathComponent(entry).path)
        }
    }

    /// A new folder of its own under `parent`, 0700.
    static func makeFolder(in parent: String, prefix: String) throws -> URL {
        let folder = URL(fileURLWithPath: parent).appendingPathComponent(prefix + UUID().uuidString)
        try makeDirectory(folder)
        return folder
    }

    /// `folder` and its missing parents, each made 0700 (mkdir's mode: no moment with more).
    static func makeDirectory(_ folder: URL) throws {
        var missing: [URL] = []
        var current = folder
        while !FileManager.default.fileExists(atPath: current.path), current.path != "/" {
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        for directory in missing.reversed() where mkdir(directory.path, 0o700) != 0 && errno != EEXIST {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: directory.path])
        }
    }

    /// A new file opened for writing, created 0600 (never with the umask's wider default).
    static func createFile(at url: URL) throws -> FileHandle {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.lastPathComponent])
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// `data` written to a new file, 0600.
    static func write(_ data: Data, to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let handle = try createFile(at: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
    }
}

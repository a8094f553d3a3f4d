import CapacitaStore
import Crypto
import Foundation

/// Files previewed on a page and waiting for the person to confirm them: kept on disk by their
/// fingerprint (SHA-256) under a folder of the session that sent them, for a limited time, so
/// confirming imports the very bytes that were checked, with no second upload. Another session
/// cannot name them; an expired one is removed the next time any upload is kept or looked for.
/// They live under the service's upload folder (0700, emptied at start), folders 0700 and files
/// 0600 like every upload.
struct PendingUploads: Sendable {
    let folder: URL
    let lifetime: Duration

    init(uploadFolder: String, lifetime: Duration) {
        self.folder = URL(fileURLWithPath: uploadFolder).appendingPathComponent("capacita-pendientes")
        self.lifetime = lifetime
    }

    /// What the preview was run with, so the import runs the same way.
    struct Meta: Codable, Equatable {
        var kind: String
        var fileName: String
        var group: String?
        var agency: String?
        var keptAt: Date
    }

    struct Pending: Sendable {
        var sha256: String
        var file: URL
        var meta: Meta
    }

    /// A session's folder: a hash of its secret, so the folder's name reveals nothing.
    func owner(_ sessionSecret: String) -> URL {
        folder.appendingPathComponent(String(TokenStore.sha256("pendiente:" + sessionSecret).prefix(32)))
    }

    /// Moves the received file into the session's folder under its fingerprint.
    func keep(_ file: URL, sha256: String, meta: Meta, session: String) throws -> Pending {
        sweep()
        let place = owner(session).appendingPathComponent(sha256)
        try? FileManager.default.removeItem(at: place)
        // The file in a folder of its own, under its own name (the import records it): no name it
        // may have can collide with what is kept beside it.
        try UploadFolder.makeDirectory(place.appendingPathComponent(Self.fileFolder))
        let target = place.appendingPathComponent(Self.fileFolder).appendingPathComponent(file.lastPathComponent)
        // A move keeps the upload's own mode (0600).
        try FileManager.default.moveItem(at: file, to: target)
        try UploadFolder.write(try JSONEncoder().encode(meta), to: place.appendingPathComponent(Self.metaName))
        return Pending(sha256: sha256, file: target, meta: meta)
    }

    /// The session's file with this fingerprint, while it has not expired; nil otherwise. The
    /// folder is the service's own and named by the hash it computed, so the file is not hashed
    /// again (the import fingerprints it anyway).
    func find(_ sha256: String, session: String) -> Pending? {
        sweep()
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { return nil }
        let place = owner(session).appendingPathComponent(sha256)
        guard let data = FileManager.default.contents(atPath: place.appendingPathComponent(Self.metaName).path),
            let meta = try? JSONDecoder().decode(Meta.self, from: data),
            let name =
                (try? FileManager.default.contentsOfDirectory(
                    atPath: place.appendingPathComponent(Self.fileFolder).path))?.first
        else { return nil }
        return Pending(
            sha256: sha256, file: place.appendingPathComponent(Self.fileFolder).appendingPathComponent(name), meta: meta
        )
    }

    func remove(_ sha256: String, session: String) {
        try? FileManager.default.removeItem(at: owner(session).appendingPathComponent(sha256))
    }

    /// Everything a session kept, when it signs out.
    func removeAll(session: String) {
        try? FileManager.default.removeItem(at: owner(session))
    }

    /// Removes every kept file older than the lifetime (and sessions left with none).
    func sweep(now: Date = Date()) {
        let limit = Double(lifetime.components.seconds)
        let manager = FileManager.default
        for owner in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let ownerURL = folder.appendingPathComponent(owner)
            let kept = (try? manager.contentsOfDirectory(atPath: ownerURL.path)) ?? []
            var left = kept.count
            for sha in kept {
                let place = ownerURL.appendingPathComponent(sha)
                // A folder still being filled has no meta yet: its own date stands for it.
                let keptAt =
                    manager.contents(atPath: place.appendingPathComponent(Self.metaName).path)
                    .flatMap { try? JSONDecoder().decode(Meta.self, from: $0) }?.keptAt
                    ?? (try? manager.attributesOfItem(atPath: place.path)[.modificationDate] as? Date) ?? nil
                    ?? .distantPast
                if now.timeIntervalSince(keptAt) >= limit {
                    try? manager.removeItem(at: place)
                    left -= 1
                }
            }
            if left == 0 { try? manager.removeItem(at: ownerURL) }
        }
    }

    static let metaName = "datos.json"
    static let fileFolder = "archivo"

    /// Where what belongs to a kept file is written beside it (the reasons of a refusal).
    func sidecar(_ pending: Pending, _ name: String) -> URL {
        pending.file.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name)
    }

    static func sha256(of file: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { hasher.update(data: data) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

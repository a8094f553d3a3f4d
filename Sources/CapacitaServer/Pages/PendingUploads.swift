import CapacitaStore
import Foundation

/// Files previewed on a page and waiting for the person to confirm them. They are kept in
/// PostgreSQL (`PendingUploadStore`, db/migrations/0038), by their fingerprint, for the session
/// that sent them and for `lifetime`, so the confirmation may reach any instance and imports the
/// very bytes that were checked, with no second upload. What stays on this instance's disk is only
/// a copy while an import or a download of the refused rows reads it (`withFile`).
struct PendingUploads: Sendable {
    /// The service's upload folder (0700, emptied at start), where those copies go.
    let folder: String
    let lifetime: Duration

    init(uploadFolder: String, lifetime: Duration) {
        self.folder = uploadFolder
        self.lifetime = lifetime
    }

    /// What the preview was run with, so the import runs the same way.
    typealias Meta = PendingUploadStore.Pending

    /// The kept bytes in a private file for `body`, removed after whatever happens: a folder of its
    /// own (0700) in the upload folder, the file (0600) under the name it was sent with, which the
    /// import records. Throws `PendingUploadStore.Problem.changed` when the bytes read back are
    /// not the ones kept.
    func withFile<T>(_ kept: Meta, _ store: PendingUploadStore, _ body: (URL) throws -> T) throws -> T {
        let place = try UploadFolder.makeFolder(in: folder, prefix: "capacita-confirmar-")
        defer { try? FileManager.default.removeItem(at: place) }
        let file = place.appendingPathComponent(Upload.safeName(kept.fileName))
        let handle = try UploadFolder.createFile(at: file)
        do {
            try store.write(kept, to: handle)
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        return try body(file)
    }
}

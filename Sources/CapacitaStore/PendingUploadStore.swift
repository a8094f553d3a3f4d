import Crypto
import Foundation
import Postgres

/// Files previewed on a page and waiting for the person to confirm them (db/migrations/0038), in
/// PostgreSQL so the confirmation may reach any instance: kept by their fingerprint (SHA-256) for
/// the page session that sent them, for a limited time, so confirming imports the very bytes that
/// were checked, with no second upload. The session is named by a hash of its secret made for this
/// table alone (`ownerHash`), set for each transaction in `capacita.upload_owner`, which
/// row-level security reads: another session finds nothing, whatever the code asks. Expired ones
/// are deleted by whichever instance keeps or looks for one first.
///
/// The bytes go in parts of `partSize`, each written and read in PostgreSQL's binary format, one
/// at a time: a file of any size up to the upload limit costs one part of memory.
public struct PendingUploadStore {
    let connection: Connection
    let owner: String

    /// For the page session whose cookie holds `sessionSecret`.
    public init(connection: Connection, sessionSecret: String) {
        self.connection = connection
        self.owner = Self.ownerHash(sessionSecret)
    }

    /// Not the session's own key (web_session is keyed by the secret's plain SHA-256, which
    /// session_identity takes): a row here gives no way into the session.
    public static func ownerHash(_ sessionSecret: String) -> String {
        TokenStore.sha256("pendiente:" + sessionSecret)
    }

    /// 1 MiB: a round trip per part is nothing beside a megabyte's transfer, and the parts table's
    /// CHECK holds the same bound.
    public static let partSize = 1 << 20

    /// What a preview was run with, so the import runs the same way; and what it refused.
    public struct Pending: Sendable, Equatable {
        public var sha256: String
        public var kind: String
        public var fileName: String
        public var group: String?
        public var agency: String?
        public var size: Int64
        public var keptAt: Date
        /// The last run's refusals as the service wrote them (JSON); nil when none.
        public var issues: String?

        public init(
            sha256: String, kind: String, fileName: String, group: String?, agency: String?, size: Int64 = 0,
            keptAt: Date = Date(), issues: String? = nil
        ) {
            self.sha256 = sha256
            self.kind = kind
            self.fileName = fileName
            self.group = group
            self.agency = agency
            self.size = size
            self.keptAt = keptAt
            self.issues = issues
        }
    }

    public enum Problem: Error, Equatable {
        /// The bytes read back are not the ones kept (their size or their hash).
        case changed
        /// An empty file, or one beyond what a part count can hold.
        case size
    }

    /// Keeps the file at `path` for the session under `pending.sha256` (which the caller computed
    /// as it received it), replacing what the session kept under the same fingerprint, until
    /// `lifetime` from now. Expired previews of every session go first.
    @discardableResult
    public func keep(_ pending: Pending, from path: String, lifetime: Duration) throws -> Pending {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        return try owned { connection in
            try sweep()
            let row = try connection.query(
                """
                INSERT INTO pending_upload AS p
                    (owner_hash, sha256, kind, file_name, group_code, agency, size_bytes, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, 0, now() + make_interval(secs => $7::double precision))
                ON CONFLICT (owner_hash, sha256) DO UPDATE
                SET kind = excluded.kind, file_name = excluded.file_name, group_code = excluded.group_code,
                    agency = excluded.agency, size_bytes = 0, issues = NULL, kept_at = now(),
                    expires_at = excluded.expires_at
                RETURNING p.id, p.kept_at
                """,
                [
                    owner, pending.sha256, pending.kind, pending.fileName, pending.group, pending.agency,
                    Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18,
                ]
            ).rows.first
            guard let row else { throw Problem.size }
            let id: Int64 = try row.decode("id")
            try connection.query("DELETE FROM pending_upload_part WHERE upload_id = $1", [id])
            var size: Int64 = 0
            var part = 0
            while let data = try handle.read(upToCount: Self.partSize), !data.isEmpty {
                try data.withUnsafeBytes { bytes in
                    try connection.query(
                        "INSERT INTO pending_upload_part (upload_id, part, bytes) VALUES ($1, $2, $3)", [id, part],
                        binary: bytes)
                }
                size += Int64(data.count)
                part += 1
            }
            guard size > 0 else { throw Problem.size }
            try connection.query("UPDATE pending_upload SET size_bytes = $2 WHERE id = $1", [id, size])
            var kept = pending
            kept.size = size
            kept.keptAt = try row.decode("kept_at")
            kept.issues = nil
            return kept
        }
    }

    /// The session's preview with this fingerprint while it has not expired; nil otherwise (and
    /// for anything that is not a fingerprint). With `locking`, in the caller's transaction, the
    /// row stays locked until it ends: a second confirmation of the same preview waits, then finds
    /// it gone.
    public func find(_ sha256: String, locking: Bool = false) throws -> Pending? {
        guard sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return try owned { connection in
            try sweep()
            return try connection.query(
                """
                SELECT sha256, kind, file_name, group_code, agency, size_bytes, kept_at, issues::text AS issues
                FROM pending_upload
                WHERE owner_hash = $1 AND sha256 = $2 AND expires_at > now() AND size_bytes > 0
                """ + (locking ? " FOR UPDATE" : ""), [owner, sha256]
            ).rows.first.map { row in
                Pending(
                    sha256: try row.decode("sha256"), kind: try row.decode("kind"),
                    fileName: try row.decode("file_name"), group: try row.decode("group_code"),
                    agency: try row.decode("agency"), size: try row.decode("size_bytes"),
                    keptAt: try row.decode("kept_at"), issues: try row.decode("issues"))
            }
        }
    }

    /// Writes the kept bytes to `handle`, a part at a time, and checks they are the ones kept
    /// (their size and SHA-256); throws `Problem.changed` otherwise, and nothing may be imported.
    public func write(_ pending: Pending, to handle: FileHandle) throws {
        try owned { connection in
            guard
                let id = try connection.query(
                    "SELECT id FROM pending_upload WHERE owner_hash = $1 AND sha256 = $2", [owner, pending.sha256]
                ).scalar(Int64.self)
            else { throw Problem.changed }
            var hasher = SHA256()
            var written: Int64 = 0
            let parts = (pending.size + Int64(Self.partSize) - 1) / Int64(Self.partSize)
            for part in 0..<parts {
                let wrote = try connection.withBinaryValue(
                    "SELECT bytes FROM pending_upload_part WHERE upload_id = $1 AND part = $2", [id, part]
                ) { bytes -> Int in
                    hasher.update(bufferPointer: bytes)
                    try handle.write(contentsOf: bytes)
                    return bytes.count
                }
                guard let wrote else { throw Problem.changed }
                written += Int64(wrote)
            }
            let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            guard written == pending.size, digest == pending.sha256 else { throw Problem.changed }
        }
    }

    /// A file's SHA-256 in hex, read a megabyte at a time.
    public static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let data = try handle.read(upToCount: partSize), !data.isEmpty { hasher.update(data: data) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Keeps what a run refused beside the file (for the download of the refused rows).
    public func saveIssues(_ sha256: String, _ json: String) throws {
        try owned { connection in
            try connection.query(
                "UPDATE pending_upload SET issues = $3::jsonb WHERE owner_hash = $1 AND sha256 = $2",
                [owner, sha256, json])
        }
    }

    public func remove(_ sha256: String) throws {
        try owned { connection in
            try connection.query("DELETE FROM pending_upload WHERE owner_hash = $1 AND sha256 = $2", [owner, sha256])
        }
    }

    /// Everything the session kept, when it signs out.
    public func removeAll() throws {
        try owned { connection in
            try connection.query("DELETE FROM pending_upload WHERE owner_hash = $1", [owner])
        }
    }

    /// Deletes every session's expired previews (a definer function: this session sees only its
    /// own); how many.
    @discardableResult
    public func sweep() throws -> Int {
        try connection.query("SELECT pending_upload_sweep()").scalar(Int.self) ?? 0
    }

    /// `body` in a transaction (a savepoint inside the caller's) that names the session's hash to
    /// row-level security.
    private func owned<T>(_ body: (Connection) throws -> T) throws -> T {
        try connection.withTransaction { connection in
            try connection.query("SELECT set_config('capacita.upload_owner', $1, true)", [owner])
            return try body(connection)
        }
    }
}

import CapacitaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// Previewed uploads in PostgreSQL (db/migrations/0038), on the application role: the bytes come
/// back whole through parts written and read in binary, a session's previews are invisible and
/// untouchable to another session (row-level security, not only the code's filter), expired ones
/// go whoever looks next, and bytes changed behind the store are refused.
@Suite struct PendingUploadStoreTests {
    /// Bytes of every value, over three parts (the last one short).
    static let bytes: [UInt8] = (0..<(2 * PendingUploadStore.partSize + 12_345)).map {
        UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9)
    }

    static func file(_ bytes: [UInt8]) throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "pendiente-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return url
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("huella-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        guard (try? Data(bytes).write(to: url)) != nil, let digest = try? PendingUploadStore.sha256(ofFile: url.path)
        else { return "" }
        return digest
    }

    /// A migrated database: `body` gets the superuser's connection (to count every row and to
    /// change what the store wrote) and one of the application role's own.
    static func withOwnerAndApp(_ body: (Connection, Connection) throws -> Void) throws {
        try TestDatabase.withFresh { url in
            let owner = try Connection(url)
            try MigrationRunner(connection: owner, migrations: try repositoryMigrations()).migrate()
            try body(owner, try Connection(try applicationRoleURL(url)))
        }
    }

    static func meta(_ bytes: [UInt8]) -> PendingUploadStore.Pending {
        PendingUploadStore.Pending(
            sha256: sha256(bytes), kind: "inscripcion", fileName: "nuevas.csv", group: "SICT-BAS-2024-01", agency: nil)
    }

    static func readBack(_ store: PendingUploadStore, _ pending: PendingUploadStore.Pending) throws -> [UInt8] {
        let url = try file([])
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        try store.write(pending, to: handle)
        try handle.close()
        return [UInt8](try Data(contentsOf: url))
    }

    @Test func aKeptFileComesBackByteForByteFromItsParts() throws {
        let url = try Self.file(Self.bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        try withMigratedDatabase { connection in
            let store = PendingUploadStore(connection: connection, sessionSecret: "sesion-a")
            let kept = try store.keep(Self.meta(Self.bytes), from: url.path, lifetime: .seconds(600))
            #expect(kept.size == Int64(Self.bytes.count))
            let found = try #require(try store.find(Self.meta(Self.bytes).sha256))
            #expect(found.fileName == "nuevas.csv" && found.group == "SICT-BAS-2024-01" && found.issues == nil)
            #expect(try Self.readBack(store, found) == Self.bytes)
            try connection.withTransaction { connection in
                try connection.query(
                    "SELECT set_config('capacita.upload_owner', $1, true)",
                    [
                        PendingUploadStore.ownerHash("sesion-a")
                    ])
                let parts = try connection.query(
                    "SELECT count(*) AS n, max(octet_length(bytes)) AS largest FROM pending_upload_part"
                ).rows.first
                #expect(try parts?.decode("n", as: Int.self) == 3)
                #expect(try parts?.decode("largest", as: Int.self) == PendingUploadStore.partSize)
            }
            // The refusals kept beside it, and the same file kept again starts clean.
            try store.saveIssues(found.sha256, #"{"headerLine": 1, "issues": []}"#)
            #expect(try store.find(found.sha256)?.issues?.contains("headerLine") == true)
            try store.keep(Self.meta(Self.bytes), from: url.path, lifetime: .seconds(600))
            #expect(try store.find(found.sha256)?.issues == nil)
            #expect(try Self.readBack(store, found) == Self.bytes)
        }
    }

    @Test func anotherSessionNeitherSeesNorTouchesAPreview() throws {
        let url = try Self.file(Self.bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        try withMigratedDatabase { connection in
            let mine = PendingUploadStore(connection: connection, sessionSecret: "sesion-a")
            let kept = try mine.keep(Self.meta(Self.bytes), from: url.path, lifetime: .seconds(600))
            let theirs = PendingUploadStore(connection: connection, sessionSecret: "sesion-b")
            #expect(try theirs.find(kept.sha256) == nil)
            try theirs.remove(kept.sha256)
            try theirs.removeAll()
            #expect(throws: PendingUploadStore.Problem.changed) { try Self.readBack(theirs, kept) }
            // Past the code's own filter: row-level security shows the rows to their owner only.
            for owner in [PendingUploadStore.ownerHash("sesion-b"), ""] {
                try connection.withTransaction { connection in
                    try connection.query("SELECT set_config('capacita.upload_owner', $1, true)", [owner])
                    #expect(try connection.query("SELECT count(*) FROM pending_upload").scalar(Int.self) == 0)
                    #expect(try connection.query("SELECT count(*) FROM pending_upload_part").scalar(Int.self) == 0)
                    #expect(try connection.query("DELETE FROM pending_upload").affectedRows == 0)
                    #expect(try connection.query("UPDATE pending_upload SET issues = '{}'").affectedRows == 0)
                }
            }
            // Nor may a session write a row in another's name.
            #expect(throws: PostgresError.self) {
                try connection.withTransaction { connection in
                    try connection.query(
                        "SELECT set_config('capacita.upload_owner', $1, true)",
                        [PendingUploadStore.ownerHash("sesion-b")])
                    try connection.query(
                        """
                        INSERT INTO pending_upload (owner_hash, sha256, kind, file_name, size_bytes, expires_at)
                        VALUES ($1, $2, 'inscripcion', 'x.csv', 1, now() + interval '1 hour')
                        """, [PendingUploadStore.ownerHash("sesion-a"), String(repeating: "a", count: 64)])
                }
            }
            #expect(try Self.readBack(mine, kept) == Self.bytes)
            // The owner's sign-out takes them all.
            try mine.removeAll()
            #expect(try mine.find(kept.sha256) == nil)
        }
    }

    @Test func anExpiredPreviewIsDeletedByWhicheverSessionLooksNext() throws {
        let url = try Self.file(Self.bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        // The owner counts every row; the sessions run as the application role.
        try Self.withOwnerAndApp { owner, app in
            let mine = PendingUploadStore(connection: app, sessionSecret: "sesion-a")
            let lasting = Self.bytes.reversed().map { $0 }
            let other = try Self.file(lasting)
            defer { try? FileManager.default.removeItem(at: other) }
            try mine.keep(Self.meta(lasting), from: other.path, lifetime: .seconds(600))
            let kept = try mine.keep(Self.meta(Self.bytes), from: url.path, lifetime: .zero)
            #expect(try owner.query("SELECT count(*) FROM pending_upload").scalar(Int.self) == 2)
            let theirs = PendingUploadStore(connection: app, sessionSecret: "sesion-b")
            #expect(try theirs.find(String(repeating: "0", count: 64)) == nil)
            #expect(try owner.query("SELECT count(*) FROM pending_upload").scalar(Int.self) == 1)
            #expect(try owner.query("SELECT count(*) FROM pending_upload_part").scalar(Int.self) == 3)
            #expect(try mine.find(kept.sha256) == nil)
            #expect(try mine.find(Self.sha256(lasting)) != nil)
        }
    }

    @Test func bytesChangedBehindTheStoreAreRefused() throws {
        let url = try Self.file(Self.bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        try Self.withOwnerAndApp { owner, app in
            let store = PendingUploadStore(connection: app, sessionSecret: "sesion-a")
            let kept = try store.keep(Self.meta(Self.bytes), from: url.path, lifetime: .seconds(600))
            try owner.query(
                "UPDATE pending_upload_part SET bytes = overlay(bytes PLACING '\\x00'::bytea FROM 5) WHERE part = 1")
            #expect(throws: PendingUploadStore.Problem.changed) { try Self.readBack(store, kept) }
            try owner.query("DELETE FROM pending_upload_part WHERE part = 2")
            #expect(throws: PendingUploadStore.Problem.changed) { try Self.readBack(store, kept) }
        }
    }
}

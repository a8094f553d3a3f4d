import Crypto
import Foundation

/// What `capacita db backup` writes beside the dump (`manifest.json`) and `db restore` checks:
/// which schema the dump holds, how many rows each table had in the dump's own snapshot, which
/// roles its objects name, the database's own privileges (which a dump of one database leaves
/// out), who wrote it and when, and the dump's size and SHA-256.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// The one format this version writes and reads.
    public static let formatName = "capacita-backup"
    public static let formatVersion = 1
    /// The folder's two files.
    public static let dumpFileName = "capacita.dump"
    public static let fileName = "manifest.json"
    /// A manifest is a few kilobytes; a larger file is not one, and is refused before it is parsed.
    public static let sizeLimit = 1 << 20
    static let tableLimit = 10_000
    static let roleLimit = 1_000
    static let nameLimit = 200

    public struct Dump: Codable, Sendable, Equatable {
        public var file: String
        public var bytes: Int
        public var sha256: String

        public init(file: String, bytes: Int, sha256: String) {
            self.file = file
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// A privilege on the database itself, granted to a role or to PUBLIC.
    public struct DatabaseGrant: Codable, Sendable, Equatable {
        public var grantee: String
        public var privileges: [String]

        public init(grantee: String, privileges: [String]) {
            self.grantee = grantee
            self.privileges = privileges
        }
    }

    public var format: String
    public var formatVersion: Int
    public var createdAt: String
    /// The last migration applied (`schema_migration`): its version and `NNNN_name`.
    public var schemaVersion: Int
    public var schemaMigration: String
    public var serverVersion: String
    public var pgDumpVersion: String
    public var dump: Dump
    /// Rows per table (`schema.table`), counted in the snapshot pg_dump read.
    public var tables: [String: Int]
    /// Roles that own or are granted something in the dump: they must exist in the target cluster.
    public var roles: [String]
    /// The database's ACL (CONNECT, TEMPORARY, CREATE), nil when it was PostgreSQL's default.
    public var databasePrivileges: [DatabaseGrant]?

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case createdAt = "created_at"
        case schemaVersion = "schema_version"
        case schemaMigration = "schema_migration"
        case serverVersion = "server_version"
        case pgDumpVersion = "pg_dump_version"
        case dump, tables, roles
        case databasePrivileges = "database_privileges"
    }

    public init(
        createdAt: String, schemaVersion: Int, schemaMigration: String, serverVersion: String,
        pgDumpVersion: String, dump: Dump, tables: [String: Int], roles: [String],
        databasePrivileges: [DatabaseGrant]?
    ) {
        format = Self.formatName
        formatVersion = Self.formatVersion
        self.createdAt = createdAt
        self.schemaVersion = schemaVersion
        self.schemaMigration = schemaMigration
        self.serverVersion = serverVersion
        self.pgDumpVersion = pgDumpVersion
        self.dump = dump
        self.tables = tables
        self.roles = roles
        self.databasePrivileges = databasePrivileges
    }

    public var totalRows: Int { tables.values.reduce(0, +) }

    /// The manifest as written: keys sorted, one per line, so two backups diff line by line.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads a backup folder's manifest: at most `sizeLimit` bytes (checked before reading,
    /// and again while reading, should the file grow), then parsed and checked.
    public static func read(from folder: URL) throws(BackupError) -> BackupManifest {
        let path = folder.appendingPathComponent(fileName).path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .manifestMissing(path) }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= sizeLimit else { throw .manifestTooLarge(limit: sizeLimit) }
        let data: Data
        do {
            data = try handle.read(upToCount: sizeLimit + 1) ?? Data()
        } catch {
            throw .manifestMissing(path)
        }
        guard data.count <= sizeLimit else { throw .manifestTooLarge(limit: sizeLimit) }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws(BackupError) -> BackupManifest {
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
        } catch {
            throw .manifestInvalid("no es un manifiesto JSON de capacita")
        }
        try manifest.check()
        return manifest
    }

    /// What restoring relies on: the format, a file name that stays in the folder, a SHA-256,
    /// and names and counts that can be compared and quoted (bounded in number and length).
    func check() throws(BackupError) {
        guard format == Self.formatName else { throw .manifestInvalid("«format» no es \(Self.formatName)") }
        guard formatVersion == Self.formatVersion else {
            throw .manifestInvalid("versión de formato \(formatVersion); esta versión de capacita lee la 1")
        }
        guard dump.file == Self.dumpFileName else {
            throw .manifestInvalid("«dump.file» debe ser \(Self.dumpFileName)")
        }
        guard dump.bytes >= 0 else { throw .manifestInvalid("«dump.bytes» es negativo") }
        guard dump.sha256.count == 64, dump.sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw .manifestInvalid("«dump.sha256» no es un SHA-256 en hexadecimal")
        }
        guard schemaVersion > 0 else { throw .manifestInvalid("«schema_version» debe ser positivo") }
        guard tables.count <= Self.tableLimit, roles.count <= Self.roleLimit,
            (databasePrivileges?.count ?? 0) <= Self.roleLimit
        else { throw .manifestInvalid("demasiadas tablas o roles") }
        for (table, rows) in tables {
            guard Self.isQualifiedName(table) else { throw .manifestInvalid("nombre de tabla no válido") }
            guard rows >= 0 else { throw .manifestInvalid("«\(table)» tiene un número de filas negativo") }
        }
        let names = roles + (databasePrivileges ?? []).map(\.grantee)
        guard names.allSatisfy({ !$0.isEmpty && $0.utf8.count <= Self.nameLimit }) else {
            throw .manifestInvalid("nombre de rol no válido")
        }
        for grant in databasePrivileges ?? [] {
            guard grant.privileges.allSatisfy(["CONNECT", "TEMPORARY", "CREATE"].contains) else {
                throw .manifestInvalid("privilegio de base de datos no válido")
            }
        }
    }

    /// `schema.table`, each part a plain lower-case identifier, as capacita's migrations name them.
    static func isQualifiedName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return name.utf8.count <= nameLimit && parts.count == 2
            && parts.allSatisfy { part in
                guard let first = part.first, first == "_" || first.isASCII && first.isLowercase else { return false }
                return part.allSatisfy { $0 == "_" || $0.isASCII && ($0.isLowercase || $0.isNumber) }
            }
    }

    /// The SHA-256 of a file and its size, read a megabyte at a time.
    public static func digest(of file: URL) throws(BackupError) -> (sha256: String, bytes: Int) {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw .dumpMissing(file.path) }
        defer { try? handle.close() }
        var hash = SHA256()
        var bytes = 0
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw .dumpMissing(file.path)
            }
            if chunk.isEmpty { break }
            hash.update(data: chunk)
            bytes += chunk.count
        }
        return (hash.finalize().map { String(format: "%02x", $0) }.joined(), bytes)
    }
}

import Foundation
import Postgres

/// `capacita db backup --out F`: the folder F, made new, holding `capacita.dump` (pg_dump's
/// custom format) and `manifest.json` (`BackupManifest`), written last: a folder without a
/// manifest is an interrupted backup, and a restore refuses it.
///
/// One snapshot for everything: a REPEATABLE READ transaction exports it, counts every table's
/// rows in it, and stays open while pg_dump reads the same snapshot (`--snapshot`), so the
/// manifest's counts are exactly the dump's rows whatever is written meanwhile.
public struct DatabaseBackup: Sendable {
    public let databaseURL: String

    public init(databaseURL: String) {
        self.databaseURL = databaseURL
    }

    public func write(to destination: URL) throws -> BackupManifest {
        let parameters: ConnectionParameters
        do {
            parameters = try ConnectionParameters(databaseURL)
        } catch {
            throw BackupError.badConnection(error.description)
        }
        guard !FileManager.default.fileExists(atPath: destination.path) else {
            throw BackupError.destinationExists(destination.path)
        }
        let connection = try Connection(databaseURL)
        let pgDump = try PostgresTools.locate("pg_dump", major: try BackupSQL.serverMajor(connection))
        let pgDumpVersion = try PostgresTools.version(of: pgDump)
        // mkdir is the check: it fails when the folder exists, whoever made it a moment ago.
        do {
            try FileManager.default.createDirectory(
                at: destination, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            if FileManager.default.fileExists(atPath: destination.path) {
                throw BackupError.destinationExists(destination.path)
            }
            throw BackupError.destinationUnwritable(destination.path)
        }
        do {
            return try connection.withTransaction { connection in
                try BackupSQL.beginSnapshot(connection)
                let snapshot = try connection.query("SELECT pg_export_snapshot()").scalar(String.self) ?? ""
                let createdAt =
                    try connection.query(
                        "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                    ).scalar(String.self) ?? ""
                guard let schema = try BackupSQL.schemaVersion(connection) else { throw BackupError.notCapacita }
                let tables = try BackupSQL.tableCounts(connection)
                let grants = try BackupSQL.databaseGrants(connection)
                let grantees = (grants ?? []).map(\.grantee).filter { $0 != "PUBLIC" }
                let roles = Array(Set(try BackupSQL.roles(connection) + grantees)).sorted()
                let serverVersion = try BackupSQL.serverVersion(connection)

                let dumpFile = destination.appendingPathComponent(BackupManifest.dumpFileName)
                let child = try Self.childConnection(parameters)
                var arguments = [
                    "--format=custom", "--snapshot=\(snapshot)", "--no-password", "--file=\(dumpFile.path)",
                ]
                if !child.isEmpty { arguments.append("--dbname=\(child)") }
                let outcome = try PostgresTools.run(pgDump, arguments, connection: parameters)
                guard outcome.status == 0 else {
                    throw BackupError.toolFailed(tool: "pg_dump", status: outcome.status, message: outcome.errors)
                }
                let digest = try BackupManifest.digest(of: dumpFile)
                let manifest = BackupManifest(
                    createdAt: createdAt, schemaVersion: schema.version, schemaMigration: schema.name,
                    serverVersion: serverVersion, pgDumpVersion: pgDumpVersion,
                    dump: .init(file: BackupManifest.dumpFileName, bytes: digest.bytes, sha256: digest.sha256),
                    tables: tables, roles: roles, databasePrivileges: grants)
                try manifest.check()
                do {
                    try manifest.encoded().write(
                        to: destination.appendingPathComponent(BackupManifest.fileName), options: .atomic)
                } catch {
                    throw BackupError.destinationUnwritable(destination.path)
                }
                return manifest
            }
        } catch {
            // The folder is this call's own (it made it): nothing half-written is left behind.
            try? FileManager.default.removeItem(at: destination)
            throw error
        }
    }

    /// The `--dbname` for pg_dump or pg_restore (the connection's secrets go in its environment).
    static func childConnection(_ parameters: ConnectionParameters) throws(BackupError) -> String {
        do {
            return try parameters.forChildProcess().dbname
        } catch {
            throw .badConnection(error.description)
        }
    }
}

import Foundation
import Postgres

/// `capacita db restore F --into URL`: a backup folder of `DatabaseBackup` restored into an empty
/// database, in this order, each step refusing before the next writes anything:
/// 1. the manifest, read bounded and checked;
/// 2. the dump's size and SHA-256 against the manifest (a changed byte stops here);
/// 3. the target: it names its database, holds nothing of its own in public, and its cluster has
///    every role the dump names (roles are the cluster's, not the dump's) and capacita_definer's
///    right to set session_replication_role (granted per cluster by migration 0009);
/// 4. pg_restore in one transaction, stopping at the first error (all or nothing), keeping owners
///    and grants: the definer functions must stay capacita_definer's, the tables' grants and
///    policies as they were;
/// 5. the database's own privileges, which a dump of one database leaves out;
/// 6. the restored rows counted in one snapshot and compared with the manifest, table by table.
public struct DatabaseRestore: Sendable {
    public let folder: URL
    public let targetURL: String

    public init(folder: URL, targetURL: String) {
        self.folder = folder
        self.targetURL = targetURL
    }

    public struct Outcome: Sendable {
        public var manifest: BackupManifest
        /// The target for messages: database and server, never the user or a password.
        public var target: String
    }

    public func run() throws -> Outcome {
        let manifest = try BackupManifest.read(from: folder)
        let dumpFile = folder.appendingPathComponent(BackupManifest.dumpFileName)
        let digest = try BackupManifest.digest(of: dumpFile)
        guard digest.bytes == manifest.dump.bytes, digest.sha256 == manifest.dump.sha256 else {
            throw BackupError.checksumMismatch
        }

        let parameters: ConnectionParameters
        do {
            parameters = try ConnectionParameters(targetURL)
        } catch {
            throw BackupError.badConnection(error.description)
        }
        // Without a database pg_restore would print the dump as SQL instead of restoring it.
        guard let database = parameters["dbname"], !database.isEmpty else {
            throw BackupError.badConnection("--into debe nombrar la base de destino (dbname)")
        }
        let child = try DatabaseBackup.childConnection(parameters)
        let connection = try Connection(targetURL)
        let inTheWay = try BackupSQL.objectsInTheWay(connection)
        guard inTheWay == 0 else { throw BackupError.targetNotEmpty(objects: inTheWay) }
        let grantees = (manifest.databasePrivileges ?? []).map(\.grantee).filter { $0 != "PUBLIC" }
        let missing = try BackupSQL.missingRoles(connection, Array(Set(manifest.roles + grantees)).sorted())
        guard missing.isEmpty else { throw BackupError.missingRoles(missing) }
        if manifest.roles.contains("capacita_definer"), try !BackupSQL.definerMaySetReplicationRole(connection) {
            throw BackupError.missingParameterGrant
        }
        let pgRestore = try PostgresTools.locate("pg_restore", major: try BackupSQL.serverMajor(connection))

        let outcome = try PostgresTools.run(
            pgRestore,
            [
                "--exit-on-error", "--single-transaction", "--no-password", "--dbname=\(child)",
                dumpFile.standardizedFileURL.path,
            ],
            connection: parameters)
        guard outcome.status == 0 else {
            throw BackupError.toolFailed(tool: "pg_restore", status: outcome.status, message: outcome.errors)
        }
        if let grants = manifest.databasePrivileges {
            try BackupSQL.applyDatabaseGrants(connection, grants)
        }
        try Self.verify(connection, against: manifest)
        return Outcome(manifest: manifest, target: parameters.displayName)
    }

    /// The restored database against its manifest: the same last migration, the same tables, the
    /// same rows in each; every difference listed.
    static func verify(_ connection: Connection, against manifest: BackupManifest) throws {
        let (schema, counts) = try connection.withTransaction { connection in
            try BackupSQL.beginSnapshot(connection)
            return (try BackupSQL.schemaVersion(connection), try BackupSQL.tableCounts(connection))
        }
        guard let schema, schema.version == manifest.schemaVersion, schema.name == manifest.schemaMigration else {
            throw BackupError.schemaDiffers(expected: manifest.schemaMigration, found: schema?.name ?? "ninguno")
        }
        var differences: [String] = []
        for table in Set(manifest.tables.keys).union(counts.keys).sorted() {
            switch (manifest.tables[table], counts[table]) {
            case (let expected?, let found?) where expected != found:
                differences.append("\(table): el manifiesto dice \(expected) filas, la base tiene \(found)")
            case (_?, nil):
                differences.append("\(table): está en el manifiesto y no en la base")
            case (nil, let found?):
                differences.append("\(table): está en la base (\(found) filas) y no en el manifiesto")
            default:
                break
            }
        }
        guard differences.isEmpty else { throw BackupError.countsDiffer(differences) }
    }
}

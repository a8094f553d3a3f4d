import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import Synchronization
import TestSupport

/// A fresh database with every migration applied. `body` runs as the service runs: on the
/// application role (`SET ROLE capacita_app`: not superuser, not owner, not BYPASSRLS, so
/// row-level security and the role's grants apply) acting as the Secretaría Técnica. The store's
/// tests use this unless they need the superuser (`withMigratedDatabaseAsSuperuser`).
@discardableResult
func withMigratedDatabase<T>(_ body: (Connection) throws -> T) throws -> T {
    try withMigratedDatabaseAsSuperuser { connection in try asApplicationRole(connection, body) }
}

/// A fresh database with every migration applied, `body` on the migrating superuser's connection
/// acting as the Secretaría Técnica. Only for what the application role may not do (tokens, the
/// migrations themselves); each caller says why.
@discardableResult
func withMigratedDatabaseAsSuperuser<T>(_ body: (Connection) throws -> T) throws -> T {
    try TestDatabase.withFresh { url in
        let connection = try Connection(url)
        try MigrationRunner(connection: connection, migrations: try repositoryMigrations()).migrate()
        // As the CLI does: the Secretaría Técnica, on the migrating superuser's connection.
        connection.act(as: .admin("pruebas"))
        return try body(connection)
    }
}

/// Switches the connection to the application role for `body`, still acting as whom it acted for.
/// The stage tables a session made before keep serving it: they are granted to PUBLIC
/// (EnrollmentStage.swift).
private func asApplicationRole<T>(_ connection: Connection, _ body: (Connection) throws -> T) throws -> T {
    try connection.execute("SET ROLE capacita_app")
    return try body(connection)
}

/// The URL of the same database for the application role itself (a pool of the service's own
/// connections): user=capacita_app, in either form a libpq URL takes.
func applicationRoleURL(_ url: String) throws -> String {
    guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
        return url.split(separator: " ").filter { !$0.hasPrefix("user=") }.joined(separator: " ") + " user=capacita_app"
    }
    guard var components = URLComponents(string: url) else { throw ApplicationRoleURLError() }
    components.user = "capacita_app"
    guard let app = components.string else { throw ApplicationRoleURLError() }
    return app
}

struct ApplicationRoleURLError: Error {}

func repositoryMigrations() throws -> [Migration] {
    try Migration.load(from: TestDatabase.projectRoot.appendingPathComponent("db/migrations"))
}

func repositoryFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: TestDatabase.projectRoot.appendingPathComponent(path)))
}

func repositoryCatalogFiles() throws -> [(path: String, yaml: String)] {
    let folder = TestDatabase.projectRoot.appendingPathComponent("Courses")
    var files: [(path: String, yaml: String)] = []
    for case let path as String in FileManager.default.enumerator(atPath: folder.path)! where path.hasSuffix(".yaml") {
        files.append((path, try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)))
    }
    return files
}

/// A migrated database with the repository's catalog and agency registry loaded by the
/// superuser; `body` runs on the application role acting as the Secretaría Técnica
/// (`withMigratedDatabase`).
@discardableResult
func withLoadedDatabase<T>(_ body: (Connection) throws -> T) throws -> T {
    try withLoadedDatabaseAsSuperuser { connection in try asApplicationRole(connection, body) }
}

/// The same loaded database with `body` on the superuser's connection: only for what the
/// application role may not do; each caller says why.
@discardableResult
func withLoadedDatabaseAsSuperuser<T>(_ body: (Connection) throws -> T) throws -> T {
    try withMigratedDatabaseAsSuperuser { connection in
        try loadCatalogAndRegistry(connection)
        return try body(connection)
    }
}

/// The repository's catalog and agency registry, as `capacita catalog load` and `agency import`.
func loadCatalogAndRegistry(_ connection: Connection) throws {
    try CatalogStore(connection: connection).load(try Catalog.build(files: try repositoryCatalogFiles()).get())
    try AgencyStore(connection: connection).upsert(
        try AgencyFile.parse(try repositoryFile("db/seed/agencies.csv")).get())
}

/// Writes bytes to a new temporary file and returns its path.
func temporaryFile(_ bytes: [UInt8], name: String = "file.csv") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

func temporaryFile(_ text: String, name: String = "file.csv") throws -> String {
    try temporaryFile(Array(text.utf8), name: name)
}

func repositoryTiers() throws -> TierTable {
    try TierTable.parse(try repositoryFile("db/seed/tiers.csv")).get()
}

/// Imports groups given as CSV text, insisting that they load.
func importGroups(_ csv: String, into connection: Connection) throws {
    let context = GroupFile.Context(
        registry: try AgencyStore(connection: connection).registry(),
        catalog: Catalog(courses: try CatalogStore(connection: connection).courses()))
    let groups = try GroupFile.parse(Array(csv.utf8), context: context).get()
    let outcome = try GroupStore(connection: connection).upsert(
        groups, fileName: "groups.csv", sha256: String(repeating: "0", count: 64),
        ranBy: "test")
    guard outcome.accepted else { throw ImportIssues(outcome.rejected) }
}

func enroll(
    _ path: String, _ connection: Connection, agency: String? = nil, group: String? = nil, dryRun: Bool = false,
    skipPrerequisites: Bool = false
) throws -> ImportOutcome {
    try EnrollmentImporter(connection: connection).run(
        try InputFile(path: path),
        options: .init(
            agency: agency, group: group, dryRun: dryRun, skipPrerequisites: skipPrerequisites,
            tiers: try repositoryTiers(), ranBy: "test"))
}

func count(_ table: String, _ connection: Connection) throws -> Int {
    try connection.query("SELECT count(*) FROM \(table)").scalar(Int.self) ?? 0
}

enum TestSupportBridge {
    /// Two connections to one loaded database, for concurrency tests: set up by the superuser,
    /// then both on the application role acting as the Secretaría Técnica (on the superuser's
    /// with `asSuperuser`, for a test that says why).
    static func withTwoConnections(
        asSuperuser: Bool = false, _ body: (Connection, Connection) throws -> Void
    ) throws {
        try TestDatabase.withFresh { url in
            let first = try Connection(url)
            try MigrationRunner(connection: first, migrations: try repositoryMigrations()).migrate()
            try loadCatalogAndRegistry(first)
            let second = try Connection(url)
            for connection in [first, second] {
                if !asSuperuser { try connection.execute("SET ROLE capacita_app") }
                connection.act(as: .admin("pruebas"))
            }
            try body(first, second)
        }
    }
}

/// Outcomes gathered from threads.
final class Results: Sendable {
    private let items = Mutex<[Result<ImportOutcome, any Error>]>([])
    func add(_ item: Result<ImportOutcome, any Error>) { items.withLock { $0.append(item) } }
    var count: Int { items.withLock { $0.count } }
    var all: [Result<ImportOutcome, any Error>] { items.withLock { $0 } }
}

import Postgres

/// Applies migrations in order, each once, inside its own transaction, and records them with
/// their checksum in `schema_migration`.
public struct MigrationRunner: Sendable {
    public let connection: Connection
    public let migrations: [Migration]

    public init(connection: Connection, migrations: [Migration]) {
        self.connection = connection
        self.migrations = migrations
    }

    public struct Status: Sendable, Equatable {
        public var applied: [AppliedMigration]
        public var pending: [Migration]
    }

    public struct AppliedMigration: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var checksum: String
        public var appliedAt: String
    }

    private func ensureTable() throws {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migration (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
    }

    private func applied() throws -> [AppliedMigration] {
        try connection.query(
            "SELECT version, name, checksum, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') AS applied_at FROM schema_migration ORDER BY version"
        )
        .map { row in
            AppliedMigration(
                version: try row.decode("version"), name: try row.decode("name"),
                checksum: try row.decode("checksum"), appliedAt: try row.decode("applied_at"))
        }
    }

    /// Applied and pending migrations; throws when an applied file changed or disappeared.
    /// Reads only: a role that may not create tables (an enlace's) can still ask.
    public func status() throws -> Status {
        let exists =
            try connection.query("SELECT to_regclass('schema_migration') IS NOT NULL").scalar(Bool.self) ?? false
        let done = exists ? try applied() : []
        try verify(done)
        let versions = Set(done.map(\.version))
        return Status(applied: done, pending: migrations.filter { !versions.contains($0.version) })
    }

    /// Applies what is pending, each migration in its own transaction, so one that fails leaves
    /// the earlier ones applied and itself not at all. Returns the migrations applied now.
    @discardableResult
    public func migrate() throws -> [Migration] {
        try ensureTable()
        try verify(applied())
        var appliedNow: [Migration] = []
        for migration in migrations {
            let ran = try connection.withTransaction { connection -> Bool in
                // One migrator at a time per database; whoever waited sees what the other applied.
                try connection.query("SELECT pg_advisory_xact_lock(hashtext('capacita.schema_migration'))")
                let done = try connection.query(
                    "SELECT 1 FROM schema_migration WHERE version = $1", [migration.version])
                guard done.rows.isEmpty else { return false }
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, migration.checksum])
                return true
            }
            if ran { appliedNow.append(migration) }
        }
        return appliedNow
    }

    private func verify(_ done: [AppliedMigration]) throws(MigrationError) {
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for record in done {
            guard let file = byVersion[record.version] else {
                throw .missingFile(version: record.version, name: record.name)
            }
            if file.checksum != record.checksum { throw .changedAfterApplied(file.fileName) }
        }
    }
}

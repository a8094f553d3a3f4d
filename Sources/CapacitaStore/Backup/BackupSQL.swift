import Postgres

/// The statements a backup and a restore send: what a database holds (schema version, rows per
/// table, the roles its objects name, its own privileges), read the same way on both sides so the
/// two can be compared.
enum BackupSQL {
    /// Schemas of the database's own objects: not PostgreSQL's catalogs, TOAST or temporary ones.
    private static let userSchemas = """
        SELECT oid, nspname, nspowner, nspacl FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema')
          AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'
        """

    /// Opens a transaction that sees one snapshot and reads every row whatever the policies (a
    /// policy that would hide a row makes the statement fail instead, as it does in pg_dump).
    static func beginSnapshot(_ connection: Connection) throws {
        try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try connection.execute("SET LOCAL row_security = off")
    }

    static func serverMajor(_ connection: Connection) throws -> Int {
        try connection.query("SELECT current_setting('server_version_num')::int / 10000").scalar(Int.self) ?? 0
    }

    static func serverVersion(_ connection: Connection) throws -> String {
        try connection.query("SELECT current_setting('server_version')").scalar(String.self) ?? ""
    }

    /// The last migration applied, as `db migrate` records it; nil without `schema_migration`.
    static func schemaVersion(_ connection: Connection) throws -> (version: Int, name: String)? {
        guard try connection.query("SELECT to_regclass('schema_migration') IS NOT NULL").scalar(Bool.self) == true
        else { return nil }
        let rows = try connection.query(
            "SELECT version, format('%s_%s', lpad(version::text, 4, '0'), name) AS name FROM schema_migration ORDER BY version DESC LIMIT 1"
        )
        guard let row = rows.rows.first else { return nil }
        return (try row.decode("version"), try row.decode("name"))
    }

    /// Rows in every table of the database's own schemas, by `schema.table`.
    static func tableCounts(_ connection: Connection) throws -> [String: Int] {
        let tables = try connection.query(
            """
            SELECT n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS quoted
            FROM pg_class c JOIN (\(userSchemas)) n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
            ORDER BY 1
            """
        ).map { (name: try $0.decode("name", as: String.self), quoted: try $0.decode("quoted", as: String.self)) }
        var counts: [String: Int] = [:]
        for table in tables {
            // The name was quoted by the server's format('%I'), not by hand.
            counts[table.name] = try connection.query("SELECT count(*) FROM \(table.quoted)").scalar(Int.self) ?? 0
        }
        return counts
    }

    /// Every role that owns, grants or is granted something in the database's own schemas, or
    /// that a policy names: a restore needs each of them to exist in the target cluster.
    static func roles(_ connection: Connection) throws -> [String] {
        try connection.query(
            """
            WITH ns AS (\(userSchemas)),
            ids AS (
                SELECT nspowner AS id FROM ns
                UNION SELECT a.grantee FROM ns, aclexplode(ns.nspacl) a
                UNION SELECT a.grantor FROM ns, aclexplode(ns.nspacl) a
                UNION SELECT relowner FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns)
                UNION SELECT a.grantee FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace IN (SELECT oid FROM ns)
                UNION SELECT a.grantor FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace IN (SELECT oid FROM ns)
                UNION SELECT a.grantee FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid, aclexplode(t.attacl) a
                      WHERE c.relnamespace IN (SELECT oid FROM ns)
                UNION SELECT proowner FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns)
                UNION SELECT a.grantee FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace IN (SELECT oid FROM ns)
                UNION SELECT a.grantor FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace IN (SELECT oid FROM ns)
                UNION SELECT typowner FROM pg_type WHERE typnamespace IN (SELECT oid FROM ns)
                UNION SELECT unnest(polroles) FROM pg_policy
            )
            SELECT rolname FROM pg_roles WHERE oid IN (SELECT id FROM ids) AND rolname NOT LIKE 'pg\\_%' ORDER BY 1
            """
        ).map { try $0.decode("rolname") }
    }

    /// The database's own ACL, which a dump of one database does not carry: nil when it is
    /// PostgreSQL's default (no ACL recorded); the owner's implicit rights left out.
    static func databaseGrants(_ connection: Connection) throws -> [BackupManifest.DatabaseGrant]? {
        guard
            try connection.query("SELECT datacl IS NOT NULL FROM pg_database WHERE datname = current_database()")
                .scalar(Bool.self) == true
        else { return nil }
        return try connection.query(
            """
            SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                   string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) AS privileges
            FROM pg_database d, aclexplode(d.datacl) a
            WHERE d.datname = current_database() AND a.grantee <> d.datdba
            GROUP BY 1 ORDER BY 1
            """
        ).map { row in
            BackupManifest.DatabaseGrant(
                grantee: try row.decode("grantee"),
                privileges: try row.decode("privileges", as: String.self).split(separator: ",").map(String.init))
        }
    }

    /// What would make a restore collide: relations or functions in public, or any schema of
    /// capacita's (its migrations table) anywhere.
    static func objectsInTheWay(_ connection: Connection) throws -> Int {
        try connection.query(
            """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f'))
                 + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'public')
                 + (SELECT count(*) FROM pg_class c JOIN (\(userSchemas)) n ON n.oid = c.relnamespace
                    WHERE c.relname = 'schema_migration' AND c.relkind IN ('r', 'p'))
            """
        ).scalar(Int.self) ?? 0
    }

    /// The roles of `names` that the cluster does not have.
    static func missingRoles(_ connection: Connection, _ names: [String]) throws -> [String] {
        try names.filter { name in
            try connection.query("SELECT 1 FROM pg_roles WHERE rolname = $1::text", [name]).rows.isEmpty
        }
    }

    /// Whether capacita_definer may set session_replication_role (migration 0009 grants it, once
    /// per cluster; the bulk enrollment insert needs it).
    static func definerMaySetReplicationRole(_ connection: Connection) throws -> Bool {
        try connection.query(
            "SELECT has_parameter_privilege('capacita_definer', 'session_replication_role', 'SET')"
        ).scalar(Bool.self) ?? false
    }

    /// Gives the database the privileges the manifest recorded: PUBLIC's defaults revoked, then
    /// each grant; names quoted by the server.
    static func applyDatabaseGrants(_ connection: Connection, _ grants: [BackupManifest.DatabaseGrant]) throws {
        try connection.withTransaction { connection in
            try connection.execute(
                try connection.query("SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database())")
                    .scalar(String.self) ?? "")
            for grant in grants where !grant.privileges.isEmpty {
                let statement = try connection.query(
                    """
                    SELECT format('GRANT %s ON DATABASE %I TO %s', $1::text, current_database(),
                                  CASE WHEN $2::text = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident($2::text) END)
                    """, [grant.privileges.joined(separator: ", "), grant.grantee]
                ).scalar(String.self)
                if let statement { try connection.execute(statement) }
            }
        }
    }
}

import Capacita
import Postgres

/// Records import batches: file, fingerprint, agency, counts, who ran it and when.
struct ImportBatchStore {
    let connection: Connection

    struct Batch {
        var kind: String
        var fileName: String
        var sha256: String
        var agencyCode: String?
        var ranBy: String
    }

    /// An enlace's batches carry its agency, an instructor's their user name as ran_by: the
    /// policies scope batches by them (db/migrations/0009), so each caller finds its own.
    func open(_ batch: Batch) throws -> Int64 {
        var batch = batch
        switch connection.identity?.role {
        case .enlace: batch.agencyCode = connection.identity?.agency
        case .instructor: batch.ranBy = connection.identity?.user ?? batch.ranBy
        case .admin, nil: break
        }
        let id = try connection.query(
            """
            INSERT INTO import_batch (kind, file_name, sha256, agency_code, rows, imported, updated, unchanged, ran_by)
            VALUES ($1, $2, $3, $4, 0, 0, 0, 0, $5) RETURNING id
            """, [batch.kind, batch.fileName, batch.sha256, batch.agencyCode, batch.ranBy]
        ).scalar(Int64.self)
        return id!
    }

    func close(_ id: Int64, rows: Int, imported: Int, updated: Int, unchanged: Int) throws {
        try connection.query(
            "UPDATE import_batch SET rows = $2, imported = $3, updated = $4, unchanged = $5 WHERE id = $1",
            [id, rows, imported, updated, unchanged])
    }
}

/// The import batches the caller may see (row-level security scopes them: an enlace's agency, an
/// instructor's own), newest first.
public struct ImportBatches: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public func list(limit: Int = 1000) throws -> [ImportBatchEntry] {
        try connection.query(
            """
            SELECT id, kind, file_name, agency_code, rows, imported, updated, unchanged, ran_by,
                   to_char(ran_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ran_at
            FROM import_batch ORDER BY id DESC LIMIT $1
            """, [limit]
        ).map { row in
            ImportBatchEntry(
                id: try row.decode("id"), kind: try row.decode("kind"), fileName: try row.decode("file_name"),
                agency: try row.decode("agency_code"), rows: try row.decode("rows"),
                imported: try row.decode("imported"),
                updated: try row.decode("updated"), unchanged: try row.decode("unchanged"),
                ranBy: try row.decode("ran_by"), ranAt: try row.decode("ran_at"))
        }
    }
}

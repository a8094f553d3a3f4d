import Capacita
import Postgres

/// Stores headcounts per agency and year.
public struct HeadcountStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Upserts by (agency, year) in one transaction: COPY into a stage, one merge.
    /// `dryRun`: every row written and counted inside the transaction, then rolled back, so a
    /// preview counts what the import would do against the rows as they stand.
    public func upsert(
        _ rows: [(line: Int, headcount: Headcount)], fileName: String, sha256: String, ranBy: String,
        dryRun: Bool = false
    ) throws -> ImportOutcome {
        var outcome: ImportOutcome?
        do {
            try write(rows, fileName: fileName, sha256: sha256, ranBy: ranBy, dryRun: dryRun) { outcome = $0 }
        } catch is RollbackImport {}
        return outcome!
    }

    private func write(
        _ rows: [(line: Int, headcount: Headcount)], fileName: String, sha256: String, ranBy: String, dryRun: Bool,
        _ done: (ImportOutcome) -> Void
    ) throws {
        try connection.withTransaction { connection in
            try connection.execute(
                """
                CREATE TEMP TABLE headcount_stage (agency_code text COLLATE "C" NOT NULL, year integer NOT NULL,
                    alto integer NOT NULL, medio integer NOT NULL, operativo integer NOT NULL) ON COMMIT DROP
                """)
            try connection.copyIn("COPY headcount_stage FROM STDIN") { writer in
                for (_, h) in rows {
                    try writer.writeRow([
                        h.agencyCode, String(h.year), String(h.alto), String(h.medio), String(h.operativo),
                    ])
                }
            }
            let batches = ImportBatchStore(connection: connection)
            let batch = try batches.open(
                .init(kind: "headcount", fileName: fileName, sha256: sha256, agencyCode: nil, ranBy: ranBy))
            let changed = try connection.query(
                """
                INSERT INTO headcount AS h (agency_code, year, alto, medio, operativo, batch_id)
                SELECT agency_code, year, alto, medio, operativo, $1 FROM headcount_stage
                ON CONFLICT (agency_code, year) DO UPDATE SET alto = EXCLUDED.alto, medio = EXCLUDED.medio,
                    operativo = EXCLUDED.operativo, batch_id = EXCLUDED.batch_id, updated_at = now()
                WHERE (h.alto, h.medio, h.operativo) IS DISTINCT FROM (EXCLUDED.alto, EXCLUDED.medio, EXCLUDED.operativo)
                RETURNING (xmax = 0) AS inserted
                """, [batch])
            let imported = try changed.rows.filter { try $0.decode("inserted", as: Bool.self) }.count
            let updated = changed.rows.count - imported
            try batches.close(
                batch, rows: rows.count, imported: imported, updated: updated,
                unchanged: rows.count - changed.rows.count)
            let outcome = ImportOutcome(
                rows: rows.count, imported: imported, updated: updated, unchanged: rows.count - changed.rows.count,
                rejected: [], unlisted: 0, ignoredColumns: [], dryRun: dryRun, batchID: dryRun ? nil : batch)
            done(outcome)
            if dryRun { throw RollbackImport() }
            try AuditStore(connection: connection).record(
                "headcount.import", target: fileName, batch: batch,
                detail: ["rows": rows.count, "imported": imported, "updated": updated])
        }
    }

    public func list(year: Int) throws -> [Headcount] {
        try connection.query(
            "SELECT agency_code, year, alto, medio, operativo FROM headcount WHERE year = $1 ORDER BY agency_code",
            [year]
        )
        .map { row in
            Headcount(
                agencyCode: try row.decode("agency_code"), year: try row.decode("year"), alto: try row.decode("alto"),
                medio: try row.decode("medio"), operativo: try row.decode("operativo"))
        }
    }
}

import Capacita
import CapacitaFiles
import Postgres

/// A group's sessions: stored from a sessions file, or a day per day of the group when it has none.
public struct GroupSessionStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// The groups a sessions file is checked against (row-level security: those the caller reads).
    public func groups() throws -> [String: SessionFile.Group] {
        var groups: [String: SessionFile.Group] = [:]
        for row in try connection.query(
            "SELECT code, agency_code, starts_on::text AS starts_on, ends_on::text AS ends_on FROM training_group"
        ).rows {
            guard let startsOn = CalendarDate.parse(try row.decode("starts_on", as: String.self)) else { continue }
            groups[try row.decode("code")] = SessionFile.Group(
                agencyCode: try row.decode("agency_code"), startsOn: startsOn,
                endsOn: try row.decode("ends_on", as: String?.self).flatMap(CalendarDate.parse))
        }
        return groups
    }

    /// A group's sessions in order; the per-day defaults when none are stored; nil when the group
    /// does not exist or the caller does not read it.
    public func list(group code: String) throws -> [GroupSession]? {
        let code = TrainingGroup.normalizeCode(code)
        guard let listing = try GroupStore(connection: connection).group(code: code) else { return nil }
        let stored = try connection.query(
            """
            SELECT session_date::text AS session_date, to_char(starts_at, 'HH24:MI') AS starts_at,
                   to_char(ends_at, 'HH24:MI') AS ends_at, place, place_kind
            FROM group_session WHERE group_code = $1 ORDER BY session_date, starts_at
            """, [code]
        ).rows.compactMap { row -> GroupSession? in
            guard let date = CalendarDate.parse(try row.decode("session_date", as: String.self)) else { return nil }
            let place = try row.decode("place", as: String?.self)
            let kind = try row.decode("place_kind", as: String?.self)
            return GroupSession(
                groupCode: code, date: date, startsAt: ClockTime.parse(try row.decode("starts_at", as: String.self)),
                endsAt: ClockTime.parse(try row.decode("ends_at", as: String.self)),
                place: place.flatMap { text in kind.flatMap { SessionPlace(kind: $0, text: text) } },
                scheduled: true)
        }
        return stored.isEmpty ? GroupSession.defaults(for: listing.group) : stored
    }

    /// Writes the sessions of a checked file, all or nothing: each group in the file ends with
    /// exactly the file's sessions (new ones inserted, changed ones updated, those the file no
    /// longer lists deleted); a file sent again changes nothing.
    public func replace(
        _ sessions: [NumberedSession], fileName: String, sha256: String, ranBy: String, dryRun: Bool = false
    ) throws -> ImportOutcome {
        var outcome: ImportOutcome?
        do {
            try connection.withTransaction { connection in
                try connection.execute(
                    """
                    CREATE TEMP TABLE session_stage (
                        group_code text COLLATE "C" NOT NULL, session_date date NOT NULL, starts_at time(0) NOT NULL,
                        ends_at time(0) NOT NULL, place text, place_kind text
                    ) ON COMMIT DROP
                    """)
                try connection.copyIn(
                    "COPY session_stage (group_code, session_date, starts_at, ends_at, place, place_kind) FROM STDIN"
                ) { writer in
                    for numbered in sessions {
                        let s = numbered.session
                        try writer.writeRow([
                            s.groupCode, s.date.description, s.startsAt?.description, s.endsAt?.description,
                            s.place?.text, s.place?.kind,
                        ])
                    }
                }
                let removed =
                    try connection.query(
                        """
                        WITH gone AS (
                            DELETE FROM group_session s
                            WHERE s.group_code IN (SELECT DISTINCT group_code FROM session_stage)
                              AND NOT EXISTS (SELECT 1 FROM session_stage n WHERE n.group_code = s.group_code
                                              AND n.session_date = s.session_date AND n.starts_at = s.starts_at)
                            RETURNING 1)
                        SELECT count(*)::int FROM gone
                        """
                    ).scalar(Int.self) ?? 0
                let changed = try connection.query(
                    """
                    INSERT INTO group_session AS s (group_code, session_date, starts_at, ends_at, place, place_kind)
                    SELECT group_code, session_date, starts_at, ends_at, place, place_kind FROM session_stage
                    ORDER BY group_code, session_date, starts_at
                    ON CONFLICT (group_code, session_date, starts_at) DO UPDATE SET
                        ends_at = EXCLUDED.ends_at, place = EXCLUDED.place, place_kind = EXCLUDED.place_kind,
                        updated_at = now()
                    WHERE (s.ends_at, s.place, s.place_kind) IS DISTINCT FROM
                          (EXCLUDED.ends_at, EXCLUDED.place, EXCLUDED.place_kind)
                    RETURNING (xmax = 0) AS inserted
                    """)
                var batch: Int64?
                if !dryRun {
                    batch = try ImportBatchStore(connection: connection).open(
                        .init(kind: "sessions", fileName: fileName, sha256: sha256, agencyCode: nil, ranBy: ranBy))
                }
                let imported = try changed.rows.filter { try $0.decode("inserted", as: Bool.self) }.count
                let updated = changed.rows.count - imported
                var result = ImportOutcome(
                    rows: sessions.count, imported: imported, updated: updated,
                    unchanged: sessions.count - imported - updated, rejected: [], unlisted: 0, ignoredColumns: [],
                    dryRun: dryRun, batchID: batch)
                result.extra["removed"] = removed
                outcome = result
                if let batch {
                    try ImportBatchStore(connection: connection).close(
                        batch, rows: result.rows, imported: imported, updated: updated, unchanged: result.unchanged)
                }
                if dryRun { throw RollbackImport() }
                try AuditStore(connection: connection).record(
                    "sessions.import", target: fileName, batch: batch,
                    detail: ["rows": result.rows, "imported": imported, "updated": updated, "removed": removed])
            }
        } catch is RollbackImport {}
        guard let outcome else { throw RollbackImport() }
        return outcome
    }
}

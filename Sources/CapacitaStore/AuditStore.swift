import Capacita
import Foundation
import Postgres

/// The append-only record of every write (db/migrations/0009's audit_log): who (the identity the
/// transaction names, filled in by the table's defaults), what, on which target and batch. The
/// application role may insert and read it, never change or delete a row.
public struct AuditStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Records one write, in the caller's transaction when there is one (it commits or rolls back
    /// with the write). `target` is masked of anything shaped like a CURP; `detail` holds counts.
    public func record(
        _ action: String, target: String? = nil, batch: Int64? = nil, detail: [String: Int] = [:]
    ) throws {
        let json =
            detail.isEmpty
            ? nil
            : String(
                decoding: try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]), as: UTF8.self)
        try connection.query(
            """
            INSERT INTO audit_log (user_name, role, action, target, batch_id, request_id, user_label, detail)
            VALUES (COALESCE(capacita_user(), session_user), COALESCE(capacita_role(), 'system'), $1, $2, $3,
                    nullif(current_setting('capacita.request', true), ''), capacita_user(), $4::jsonb)
            """, [action, target.map(Curp.redact), batch, json])
    }

    /// A refused import writes nothing but its refusal: recorded on its own, after the rollback.
    public func recordRefusal(_ kind: String, file: String, outcome: ImportOutcome) throws {
        guard !outcome.accepted, !outcome.dryRun else { return }
        try record(
            "\(kind).import_refused", target: file,
            detail: ["rows": outcome.rows, "problems": outcome.rejected.count + outcome.unlisted])
    }

    /// Newest first, within what the caller may read (row-level security scopes an enlace to its
    /// agency and an instructor to its own rows).
    public func list(since: CalendarDate? = nil, agency: String? = nil, limit: Int = 1000) throws -> [AuditEntry] {
        try connection.query(
            """
            SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, user_name, role, agency_code,
                   action, target, batch_id, request_id, detail::text AS detail
            FROM audit_log
            WHERE ($1::date IS NULL OR at >= $1::date) AND ($2::text IS NULL OR agency_code = $2)
            ORDER BY id DESC LIMIT $3
            """, [since?.description, agency, limit]
        ).map { row in
            AuditEntry(
                id: try row.decode("id"), at: try row.decode("at"), user: try row.decode("user_name"),
                role: try row.decode("role"), agency: try row.decode("agency_code"), action: try row.decode("action"),
                target: try row.decode("target"), batch: try row.decode("batch_id"),
                requestID: try row.decode("request_id"), detail: try row.decode("detail"))
        }
    }
}

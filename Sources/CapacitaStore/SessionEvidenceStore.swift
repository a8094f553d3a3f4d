import Capacita
import Crypto
import Foundation
import Postgres

/// The signed lists of a group's sessions, scanned (db/migrations/0029): who reaches them, which
/// session a day names, attaching, listing, reading one back, removing. Attaching and removing go
/// through the migration's definer functions, which check the caller and the session again and
/// write the audit row in the same transaction; reading is under row-level security.
public struct SessionEvidenceStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// What a session named by a day (and a start) is for the caller.
    public enum Target: Sendable, Equatable {
        /// No such group, or the caller may not reach its scans: answered as one.
        case noGroup
        /// The group has no session that day (or none at that start).
        case noSession
        /// The day has several sessions and no start was given: these are the starts.
        case startRequired([ClockTime])
        case session(GroupSession, EvidenceAccess)
    }

    /// What was kept: a new scan (`created`), or the one the same bytes made before.
    public struct Attached: Sendable, Equatable {
        public var id: Int64
        public var sessionCode: String
        public var type: EvidenceType
        public var size: Int
        public var sha256: String
        public var fileName: String
        public var created: Bool
        public var attachedAt: String
    }

    /// What a removal took away (its bytes are gone).
    public struct Detached: Sendable, Equatable {
        public var id: Int64
        public var groupCode: String
        public var sessionCode: String
        public var fileName: String
        public var sha256: String
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// The group does not exist or the caller may not attach to it.
        case noGroup
        /// The session is not one of the group's (the calendar changed meanwhile).
        case noSession
    }

    /// The caller's access to `code`'s scans (`EvidenceAccess`): nil for a group that does not
    /// exist, or one whose scans the caller may not reach, or a connection acting for no one.
    public func access(group code: String) throws -> EvidenceAccess? {
        let code = TrainingGroup.normalizeCode(code)
        guard let identity = connection.identity,
            let listing = try GroupStore(connection: connection).group(code: code)
        else { return nil }
        var assigned = false
        if identity.role == .instructor {
            assigned =
                try connection.query(
                    "SELECT EXISTS (SELECT 1 FROM group_instructor WHERE group_code = $1 AND user_name = $2)",
                    [code, identity.user]
                ).scalar(Bool.self) ?? false
        }
        return EvidenceAccess.of(
            role: identity.role.rawValue, callerAgency: identity.agency, organizer: listing.group.agencyCode,
            assigned: assigned)
    }

    /// The session of `code` on `date` (at `start`, needed when the day has several).
    public func target(group code: String, date: CalendarDate, start: ClockTime?) throws -> Target {
        let code = TrainingGroup.normalizeCode(code)
        guard let access = try access(group: code),
            let sessions = try GroupSessionStore(connection: connection).list(group: code)
        else { return .noGroup }
        let onDay = sessions.filter { $0.date == date }
        if let start {
            guard let session = onDay.first(where: { $0.startsAt == start }) else { return .noSession }
            return .session(session, access)
        }
        switch onDay.count {
        case 0: return .noSession
        case 1: return .session(onDay[0], access)
        default: return .startRequired(onDay.compactMap(\.startsAt))
        }
    }

    /// Keeps `bytes` (already checked: `EvidenceCheck`) as a scan of `session`, named `fileName`
    /// (already sanitized). The same bytes on the same session again keep nothing new.
    public func attach(_ bytes: [UInt8], to session: GroupSession, fileName: String) throws -> Attached {
        let row: Row?
        do {
            row = try connection.query(
                """
                SELECT id, media_type, size_bytes, sha256, file_name, created,
                       to_char(attached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS attached_at
                FROM session_evidence_attach($1, $2::date, $3::time, $4, $5::bytea)
                """,
                [session.groupCode, session.date.description, session.startsAt?.description, fileName, Bytea(bytes)]
            ).rows.first
        } catch  where error.sqlState == "P0002" {
            throw Refusal.noSession
        } catch  where error.sqlState == "42501" {
            throw Refusal.noGroup
        }
        guard let row, let type = EvidenceType(mediaType: try row.decode("media_type")) else {
            throw Refusal.noSession
        }
        return Attached(
            id: try row.decode("id"), sessionCode: session.code, type: type, size: try row.decode("size_bytes"),
            sha256: try row.decode("sha256"), fileName: try row.decode("file_name"), created: try row.decode("created"),
            attachedAt: try row.decode("attached_at"))
    }

    /// The scans of a group, in session order; nil when the caller may not see them (another
    /// agency, an instructor) or the group does not exist.
    public func list(group code: String) throws -> [SessionEvidence]? {
        let code = TrainingGroup.normalizeCode(code)
        guard try access(group: code)?.seesFiles == true else { return nil }
        return try connection.query(
            "SELECT \(Self.columns) FROM session_evidence WHERE group_code = $1 "
                + "ORDER BY session_date, starts_at NULLS FIRST, attached_at, id", [code]
        ).rows.compactMap(Self.evidence)
    }

    /// One scan and its bytes; nil when it does not exist or the caller may not see it.
    public func content(id: Int64) throws -> (evidence: SessionEvidence, bytes: [UInt8])? {
        guard
            let row = try connection.query(
                "SELECT \(Self.columns), encode(content, 'hex') AS content FROM session_evidence WHERE id = $1", [id]
            ).rows.first,
            let evidence = try Self.evidence(row),
            try access(group: evidence.groupCode)?.seesFiles == true
        else { return nil }
        return (evidence, try row.decode("content", as: Bytea.self).bytes)
    }

    /// Removes a scan (the Secretaría Técnica, the organizing enlace); nil when it does not exist
    /// or is not the caller's to remove.
    public func detach(id: Int64) throws -> Detached? {
        guard
            let group = try connection.query("SELECT group_code FROM session_evidence WHERE id = $1", [id]).scalar(
                String.self),
            try access(group: group)?.mayRemove == true,
            let row = try connection.query(
                """
                SELECT id, group_code, session_date::text AS session_date, to_char(starts_at, 'HH24:MI') AS starts_at,
                       file_name, sha256
                FROM session_evidence_detach($1)
                """, [id]
            ).rows.first,
            let date = CalendarDate.parse(try row.decode("session_date", as: String.self))
        else { return nil }
        let groupCode: String = try row.decode("group_code")
        let start = try row.decode("starts_at", as: String?.self).flatMap(ClockTime.parse)
        return Detached(
            id: try row.decode("id"), groupCode: groupCode,
            sessionCode: GroupSession(
                groupCode: groupCode, date: date, startsAt: start, endsAt: nil, place: nil, scheduled: false
            ).code,
            fileName: try row.decode("file_name"), sha256: try row.decode("sha256"))
    }

    /// How many scans each session of `code` has and when the last came: what an instructor of
    /// the group learns (and whoever sees the scans); empty for anyone else.
    public func counts(group code: String) throws -> [EvidenceCount] {
        try connection.query(
            """
            SELECT session_date::text AS session_date, to_char(starts_at, 'HH24:MI') AS starts_at, scans,
                   to_char(last_attached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_attached_at
            FROM session_evidence_counts($1)
            """, [TrainingGroup.normalizeCode(code)]
        ).rows.compactMap { row in
            guard let date = CalendarDate.parse(try row.decode("session_date", as: String.self)) else { return nil }
            return EvidenceCount(
                date: date, startsAt: try row.decode("starts_at", as: String?.self).flatMap(ClockTime.parse),
                scans: try row.decode("scans"), lastAttachedAt: try row.decode("last_attached_at"))
        }
    }

    /// The SHA-256 of `bytes` as the table keeps it (64 lowercase hex digits).
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    private static let columns = """
        id, group_code, session_date::text AS session_date, to_char(starts_at, 'HH24:MI') AS starts_at, media_type,
        file_name, size_bytes, sha256, attached_by,
        to_char(attached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS attached_at
        """

    private static func evidence(_ row: Row) throws -> SessionEvidence? {
        guard let date = CalendarDate.parse(try row.decode("session_date", as: String.self)),
            let type = EvidenceType(mediaType: try row.decode("media_type"))
        else { return nil }
        return SessionEvidence(
            id: try row.decode("id"), groupCode: try row.decode("group_code"), date: date,
            startsAt: try row.decode("starts_at", as: String?.self).flatMap(ClockTime.parse), type: type,
            fileName: try row.decode("file_name"), size: try row.decode("size_bytes"), sha256: try row.decode("sha256"),
            attachedBy: try row.decode("attached_by"), attachedAt: try row.decode("attached_at"))
    }
}

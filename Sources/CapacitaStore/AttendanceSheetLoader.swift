import Capacita
import Postgres

/// The listas de asistencia of a group's sessions, read for the connection's caller: the
/// Secretaría Técnica and the terminal every group; an enlace the groups its agency organizes; an
/// instructor the groups assigned to them. Row-level security decides which people and which
/// instructors' accounts the caller reads; a list carries no CURP.
public struct AttendanceSheetLoader: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public enum Outcome: Sendable, Equatable {
        /// One list per session, in order.
        case sheets([AttendanceSheet])
        /// The group does not exist or is out of the caller's reach: the same answer for both.
        case noGroup
        /// The group has no session on the date asked for.
        case noSession
    }

    /// The lists of `group`'s sessions on `date` (all of them when `date` is nil), each with
    /// `blankRows` blank rows after its participants. People with status baja are left out.
    public func sheets(group code: String, date: CalendarDate?, blankRows: Int) throws -> Outcome {
        let code = TrainingGroup.normalizeCode(code)
        guard let listing = try reachable(code) else { return .noGroup }
        guard let sessions = try GroupSessionStore(connection: connection).list(group: code) else { return .noGroup }
        let chosen = date.map { day in sessions.filter { $0.date == day } } ?? sessions
        guard !chosen.isEmpty else { return .noSession }
        let rows = try EnrollmentStore(connection: connection).roster(group: code)
            .filter { $0.result.status != .baja }
            .map { AttendanceSheet.Row(name: $0.name.full, agencyCode: $0.agencyCode, tier: $0.tier) }
        let instructors = try self.instructors(code)
        let blank = min(max(blankRows, 0), AttendanceSheet.blankRowLimit)
        return .sheets(
            chosen.map {
                AttendanceSheet(
                    session: $0, courseCode: listing.group.courseCode, courseTitle: listing.courseTitle,
                    instructors: instructors, rows: rows, blankRows: blank)
            })
    }

    /// The group when the caller may print its lists. An enlace with people in another agency's
    /// group reaches their own people there (`GroupReach`), but the list is the organizer's paper.
    private func reachable(_ code: String) throws -> GroupListing? {
        guard let identity = connection.identity else {
            return try GroupStore(connection: connection).group(code: code)
        }
        guard let listing = try GroupReach(connection: connection).listing(code: code) else { return nil }
        if identity.role == .enlace, listing.group.agencyCode != identity.agency { return nil }
        return listing
    }

    /// The assigned instructors by the name their account shows, or by the user name they are
    /// assigned with when there is no account or the caller does not read it.
    private func instructors(_ code: String) throws -> [String] {
        try connection.query(
            """
            SELECT COALESCE(a.name, gi.user_name) AS name
            FROM group_instructor gi LEFT JOIN account a ON lower(a.email) = lower(gi.user_name)
            WHERE gi.group_code = $1 ORDER BY 1
            """, [code]
        ).rows.map { try $0.decode("name", as: String.self) }
    }
}

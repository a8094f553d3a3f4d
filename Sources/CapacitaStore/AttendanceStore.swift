import Capacita
import CapacitaFiles
import Postgres

/// A group's attendance register, read for the connection's caller. It is kept, and read, by the
/// Secretaría Técnica, the enlace of the agency that organizes the group and the group's
/// instructors (the terminal, acting for no one, reads every group's); anyone else is answered as
/// for a group that does not exist. Row-level security decides which participants and marks the
/// caller reads: an enlace, its own agency's people only.
public struct AttendanceStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// The group when the caller keeps its register; nil when it does not exist or the caller
    /// does not keep it. An enlace with people in another agency's group reaches them there
    /// (`GroupReach`), but the register, like the printed list, is the organizer's.
    public func kept(group code: String) throws -> GroupListing? {
        let code = TrainingGroup.normalizeCode(code)
        guard let identity = connection.identity else {
            return try GroupStore(connection: connection).group(code: code)
        }
        guard let listing = try GroupReach(connection: connection).listing(code: code) else { return nil }
        if identity.role == .enlace, listing.group.agencyCode != identity.agency { return nil }
        return listing
    }

    /// The register of `group`: its sessions (the stored ones, or one a day), its participants
    /// with their marks, status and stored attendance, and the course's rule for justified
    /// absences. Nil as `kept(group:)`.
    public func register(group code: String) throws -> AttendanceRegister? {
        let code = TrainingGroup.normalizeCode(code)
        guard let listing = try kept(group: code) else { return nil }
        let sessions = try GroupSessionStore(connection: connection).list(group: code) ?? []
        let roster = try EnrollmentStore(connection: connection).roster(group: code)
        let rule =
            try listing.group.courseCode.flatMap { course in
                try connection.query("SELECT justified_absences FROM course WHERE code = $1", [course])
                    .scalar(String.self).flatMap(JustifiedAbsences.init(rawValue:))
            } ?? .default
        let marks = try connection.query(
            """
            SELECT curp, session_date::text AS session_date, to_char(starts_at, 'HH24:MI') AS starts_at, mark
            FROM attendance_mark WHERE group_code = $1
            """, [code]
        ).rows.compactMap { row -> AttendanceRegister.StoredMark? in
            guard let date = CalendarDate.parse(try row.decode("session_date", as: String.self)),
                let mark = AttendanceMark(rawValue: try row.decode("mark"))
            else { return nil }
            return AttendanceRegister.StoredMark(
                curp: try row.decode("curp"), date: date,
                startsAt: try row.decode("starts_at", as: String?.self).flatMap(ClockTime.parse), mark: mark)
        }
        return AttendanceRegister.build(
            listing: listing, rule: rule, sessions: sessions, roster: roster, marks: marks,
            disclosure: ReportLoader.disclosure(connection.identity))
    }

    /// What a sessions file would do to the register: each group's marked sessions must stay among
    /// the group's sessions (db/migrations/0027 refuses it otherwise). A marked session the file
    /// leaves out is refused on the group's first line; so is a first sessions file for a group
    /// whose one-a-day sessions already have marks (those sessions have no start to match).
    func sessionsFileIssues(_ sessions: [NumberedSession]) throws -> [ImportIssue] {
        var firstLine: [String: Int] = [:]
        var listed: Set<String> = []
        for numbered in sessions {
            let session = numbered.session
            if firstLine[session.groupCode] == nil { firstLine[session.groupCode] = numbered.line }
            listed.insert("\(session.groupCode) \(session.date) \(session.startsAt?.description ?? "")")
        }
        guard !firstLine.isEmpty else { return [] }
        let marked = try connection.query(
            """
            SELECT group_code, session_date::text AS session_date, to_char(starts_at, 'HH24:MI') AS starts_at
            FROM attendance_marked_sessions($1::text[]) ORDER BY 1, 2, 3
            """, [firstLine.keys.sorted()])
        var issues: [ImportIssue] = []
        var perDay: Set<String> = []
        for row in marked.rows {
            let group: String = try row.decode("group_code")
            let date: String = try row.decode("session_date")
            let line = firstLine[group] ?? 0
            guard let start = try row.decode("starts_at", as: String?.self) else {
                if perDay.insert(group).inserted {
                    issues.append(
                        ImportIssue(
                            line: line, column: "grupo", value: group,
                            message:
                                "el grupo ya tiene registro de asistencia en sus sesiones de un día (sin horario): sus sesiones ya no se reemplazan con un archivo"
                        ))
                }
                continue
            }
            guard !listed.contains("\(group) \(date) \(start)") else { continue }
            issues.append(
                ImportIssue(
                    line: line, column: "grupo", value: group,
                    message:
                        "la sesión del \(date) a las \(start) tiene registro de asistencia y el archivo ya no la lista; inclúyala"
                ))
        }
        return issues
    }
}

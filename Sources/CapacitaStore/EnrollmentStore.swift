import Capacita
import Postgres

/// Single-enrollment changes and the rows reports read.
public struct EnrollmentStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// A baja's reason is a sentence or two, printed on reports.
    public static let longestReason = 500

    public enum DropError: Error, Sendable, Equatable, CustomStringConvertible {
        case notEnrolled(group: String, curp: String)
        case alreadyDropped(group: String, curp: String)
        case emptyReason
        case longReason
        /// Control or invisible characters, refused as the imports refuse them in a cell.
        case badReason(String)

        public var description: String {
            switch self {
            case .notEnrolled(let group, let curp): return "\(curp) no está inscrita en el grupo \(group)"
            case .alreadyDropped(let group, let curp): return "\(curp) ya está dada de baja del grupo \(group)"
            case .emptyReason: return "indique el motivo de la baja con --reason"
            case .longReason: return "el motivo de la baja pasa de \(EnrollmentStore.longestReason) caracteres"
            case .badReason(let problem): return "el motivo de la baja \(problem)"
            }
        }
    }

    /// Marks an enrollment baja with its reason and revokes its constancia, if any. Returns how
    /// many constancias were revoked.
    @discardableResult
    public func drop(group: String, curp: Curp, reason: String) throws -> Int {
        let reason = reason.trimmingSpaces()
        guard !reason.isEmpty else { throw DropError.emptyReason }
        guard reason.count <= Self.longestReason else { throw DropError.longReason }
        // The same rule as every cell of an import: a NUL would cut the stored text, an escape
        // sequence would reach a terminal.
        if let problem = CellText.textProblem(reason, limit: Self.longestReason) { throw DropError.badReason(problem) }
        let code = TrainingGroup.normalizeCode(group)
        return try connection.withTransaction { connection in
            let current = try connection.query(
                "SELECT status FROM enrollment WHERE group_code = $1 AND curp = $2 FOR UPDATE",
                [code, curp.value]
            ).scalar(String.self)
            guard let current else { throw DropError.notEnrolled(group: code, curp: curp.masked) }
            guard current != EnrollmentStatus.baja.rawValue else {
                throw DropError.alreadyDropped(group: code, curp: curp.masked)
            }
            try connection.query(
                """
                UPDATE enrollment SET status = 'baja', drop_reason = $3, dropped_at = now(), updated_at = now()
                WHERE group_code = $1 AND curp = $2
                """, [code, curp.value, reason])
            let revoked = try ConstanciaStore(connection: connection).reconcile(group: code, curp: curp.value).revoked
            try AuditStore(connection: connection).record(
                "enrollment.drop", target: "\(code) \(curp.masked)", detail: ["constancias_revoked": revoked])
            return revoked
        }
    }

    private static let rosterSelect =
        """
        SELECT e.group_code, e.curp, p.given_names, p.first_surname, p.second_surname, e.tier, e.agency_code, e.status,
               e.attendance::float8 AS attendance, e.pre_score::float8 AS pre, e.post_score::float8 AS post,
               e.final_score::float8 AS final, e.reaction_methodology, e.reaction_instructors, e.reaction_contents,
               e.reaction_infrastructure
        FROM enrollment e
        """ + PersonSeen.join() + "\n"

    public func roster(group: String) throws -> [RosterEntry] {
        try connection.query(
            Self.rosterSelect + "WHERE e.group_code = $1 ORDER BY p.first_surname, p.second_surname, p.given_names",
            [TrainingGroup.normalizeCode(group)]
        ).map(Self.entry)
    }

    /// Every participant of a course's groups that ended (fin, or inicio without fin) in a year.
    public func roster(course: String, year: Int) throws -> [RosterEntry] {
        try roster(course: course, period: .year(year))
    }

    /// Every participant of a course's groups that ended (fin, or inicio without fin) within the
    /// period's days: a group's results are known when it ends, as coverage counts them.
    public func roster(course: String, period: ReportPeriod) throws -> [RosterEntry] {
        try connection.query(
            Self.rosterSelect + """
                JOIN training_group g ON g.code = e.group_code
                WHERE g.course_code = $1 AND COALESCE(g.ends_on, g.starts_on) BETWEEN $2::date AND $3::date
                ORDER BY e.group_code, p.first_surname, p.given_names
                """, [course.uppercased(), period.from.description, period.to.description]
        ).map(Self.entry)
    }

    private static func entry(_ row: Row) throws -> RosterEntry {
        var reactions: [ResultMeasure: Int] = [:]
        for (measure, column) in [
            (ResultMeasure.reaccionMetodologia, "reaction_methodology"),
            (.reaccionInstructores, "reaction_instructors"), (.reaccionContenidos, "reaction_contents"),
            (.reaccionInfraestructura, "reaction_infrastructure"),
        ] {
            reactions[measure] = try row.decode(column, as: Int?.self)
        }
        let agency: String = try row.decode("agency_code")
        let status: String = try row.decode("status")
        let tier: String = try row.decode("tier")
        return RosterEntry(
            groupCode: try row.decode("group_code"), curp: Curp(stored: try row.decode("curp")),
            name: PersonName(
                givenNames: try row.decode("given_names"), firstSurname: try row.decode("first_surname"),
                secondSurname: try row.decode("second_surname")),
            tier: Tier(rawValue: tier) ?? .operativo, agencyCode: agency,
            result: ParticipantResult(
                agencyCode: agency, status: EnrollmentStatus(rawValue: status) ?? .inscrito,
                attendance: try row.decode("attendance"), pre: try row.decode("pre"),
                post: try row.decode("post"), finalScore: try row.decode("final"), reactions: reactions))
    }
}

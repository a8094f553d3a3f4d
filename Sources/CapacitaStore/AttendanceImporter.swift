import Capacita
import CapacitaFiles
import Postgres

/// Imports attendance marks (`curp, grupo, fecha, [inicio,] asistencia`) the way every file is
/// imported: streamed, checked, staged with COPY, checked together against the database and merged
/// set-based in one transaction, all or nothing. The file, `PUT /v1/groups/{code}/attendance` and
/// the register page's grid all come through here, so they meet the same checks.
///
/// Writing the register recomputes, in the same transaction, the attendance percentage of every
/// participant whose agency's marks changed in a group (`attendance_from_register`), then their
/// status under the course's passing rule and their constancias, as a results file does.
public struct AttendanceImporter: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public struct Options: Sendable {
        /// The file is this group's register only: an empty grupo cell is it, another is refused.
        public var group: String?
        public var dryRun: Bool
        public var ranBy: String

        public init(group: String? = nil, dryRun: Bool = false, ranBy: String) {
            self.group = group
            self.dryRun = dryRun
            self.ranBy = ranBy
        }
    }

    public func run(_ file: InputFile, options: Options) throws -> ImportOutcome {
        var job = AttendanceImport(
            validator: AttendanceValidator(
                group: options.group, groups: try GroupStore(connection: connection).codes()))
        return try StagedImportRunner(
            // As the results import: an enlace's batch carries its agency, an instructor's their name.
            connection: connection, file: file,
            agencyCode: connection.identity?.role == .enlace ? connection.identity?.agency : nil,
            ranBy: connection.identity?.role == .instructor
                ? connection.identity?.user ?? options.ranBy : options.ranBy,
            dryRun: options.dryRun, trace: nil
        ).run(&job, progress: nil)
    }
}

/// Attendance rows through the staged import.
struct AttendanceImport: StagedImport {
    let validator: AttendanceValidator

    let kind = "attendance"
    var columns: [ColumnSpec] { AttendanceValidator.columns }

    var copyStatement: String {
        "COPY attendance_stage (line, curp, group_code, session_date, given_start, mark) FROM STDIN"
    }

    func createStage(_ connection: Connection) throws {
        // `starts_at`: the session the row names once found (NULL for a day of a group without a
        // sessions file); `found`: whether it was; `changed`: whether the row changes the register.
        try connection.execute(
            """
            CREATE TEMP TABLE attendance_stage (
                line integer NOT NULL, curp text COLLATE "C" NOT NULL, group_code text COLLATE "C" NOT NULL,
                session_date date NOT NULL, given_start time(0), mark text NOT NULL,
                starts_at time(0), found boolean NOT NULL DEFAULT false, changed boolean NOT NULL DEFAULT false
            ) ON COMMIT DROP
            """)
    }

    var rowCheck: AttendanceValidator { validator }

    func stageFields(_ row: AttendanceRow) -> [String?] {
        [
            String(row.line), row.curp.value, row.groupCode, row.date.description, row.startsAt?.description,
            row.mark.rawValue,
        ]
    }

    func crossRowIssues(_ connection: Connection, willMerge: Bool, clock: inout PhaseClock) throws -> [ImportIssue] {
        try connection.execute("ANALYZE attendance_stage")
        var issues = try notKept(connection)
        issues += try sessionIssues(connection)
        issues += try repeated(connection)
        issues += try unenrolled(connection)
        return issues.sorted { ($0.line, Self.columnOrder($0.column)) < ($1.line, Self.columnOrder($1.column)) }
    }

    private static func columnOrder(_ column: String) -> Int {
        AttendanceValidator.columns.firstIndex { $0.name == column } ?? AttendanceValidator.columns.count
    }

    /// Rows of groups whose register the caller does not keep, and of events (no course, so no
    /// passing rule to apply): refused, and taken out of the stage, so nothing later reads what
    /// the group holds for them.
    private func notKept(_ connection: Connection) throws -> [ImportIssue] {
        let refused = try connection.query(
            """
            WITH judged AS (
                SELECT s.line, s.group_code, g.course_code IS NULL AS event,
                       (capacita_role() IS NULL OR capacita_role() = 'admin'
                        OR (capacita_role() = 'enlace' AND g.agency_code = capacita_agency())
                        OR (capacita_role() = 'instructor'
                            AND EXISTS (SELECT 1 FROM group_instructor gi
                                        WHERE gi.group_code = g.code AND gi.user_name = capacita_user()))) AS kept
                FROM attendance_stage s JOIN training_group g ON g.code = s.group_code
            ), gone AS (
                DELETE FROM attendance_stage s USING judged j
                WHERE j.line = s.line AND (NOT j.kept OR j.event)
                RETURNING s.line
            )
            SELECT j.line, j.group_code, j.event, j.kept FROM judged j JOIN gone USING (line) ORDER BY j.line
            """)
        return try refused.map { row in
            let line: Int = try row.decode("line")
            let group: String = try row.decode("group_code")
            if !(try row.decode("kept", as: Bool.self)) {
                return AccessRules.Refusal.registerKeptByOthers.issue(line: line, column: "grupo", value: group)
            }
            return ImportIssue(
                line: line, column: "grupo", value: group,
                message: "el grupo es un evento sin curso del catálogo: no lleva registro de asistencia")
        }
    }

    /// Finds the session each row names: the group's stored session of that day (at the start
    /// given, or the only one that day), or, for a group without a sessions file, its day. Every
    /// row that names none is refused, saying why.
    private func sessionIssues(_ connection: Connection) throws -> [ImportIssue] {
        try connection.execute(
            """
            UPDATE attendance_stage s SET starts_at = s.given_start, found = true
            WHERE s.given_start IS NOT NULL
              AND EXISTS (SELECT 1 FROM group_session gs WHERE gs.group_code = s.group_code
                          AND gs.session_date = s.session_date AND gs.starts_at = s.given_start)
            """)
        try connection.execute(
            """
            UPDATE attendance_stage s SET starts_at = one.starts_at, found = true
            FROM (SELECT group_code, session_date, min(starts_at) AS starts_at FROM group_session
                  WHERE group_code IN (SELECT DISTINCT group_code FROM attendance_stage)
                  GROUP BY 1, 2 HAVING count(*) = 1) one
            WHERE s.given_start IS NULL AND one.group_code = s.group_code AND one.session_date = s.session_date
            """)
        try connection.execute(
            """
            UPDATE attendance_stage s SET found = true
            FROM training_group g
            WHERE g.code = s.group_code AND s.given_start IS NULL
              AND NOT EXISTS (SELECT 1 FROM group_session gs WHERE gs.group_code = s.group_code)
              AND s.session_date BETWEEN g.starts_on AND LEAST(COALESCE(g.ends_on, g.starts_on), g.starts_on + 365)
            """)
        let missing = try connection.query(
            """
            SELECT s.line, s.session_date::text AS session_date, to_char(s.given_start, 'HH24:MI') AS given,
                   g.starts_on::text AS starts_on, g.ends_on::text AS ends_on,
                   s.session_date BETWEEN g.starts_on AND LEAST(COALESCE(g.ends_on, g.starts_on), g.starts_on + 365)
                       AS in_days,
                   EXISTS (SELECT 1 FROM group_session gs WHERE gs.group_code = s.group_code) AS scheduled,
                   (SELECT string_agg(to_char(gs.starts_at, 'HH24:MI'), ', ' ORDER BY gs.starts_at)
                    FROM group_session gs WHERE gs.group_code = s.group_code AND gs.session_date = s.session_date)
                       AS that_day,
                   (SELECT count(*)::int FROM group_session gs
                    WHERE gs.group_code = s.group_code AND gs.session_date = s.session_date) AS sessions_that_day
            FROM attendance_stage s JOIN training_group g ON g.code = s.group_code
            WHERE NOT s.found ORDER BY s.line
            """)
        return try missing.map { row in
            let line: Int = try row.decode("line")
            let date: String = try row.decode("session_date")
            let given: String? = try row.decode("given")
            let startsOn = CalendarDate.parse(try row.decode("starts_on", as: String.self))
            let endsOn = try row.decode("ends_on", as: String?.self).flatMap(CalendarDate.parse)
            let thatDay: Int = try row.decode("sessions_that_day")
            let starts = try row.decode("that_day", as: String?.self) ?? ""
            guard try row.decode("scheduled", as: Bool.self) else {
                guard try row.decode("in_days", as: Bool.self) else {
                    let dates = startsOn.map { CalendarDate.spanishRange($0, endsOn) } ?? ""
                    return ImportIssue(
                        line: line, column: "fecha", value: date,
                        message: "la fecha no es de una sesión del grupo: tiene una por día, \(dates)")
                }
                return ImportIssue(
                    line: line, column: "inicio", value: given ?? "",
                    message:
                        "el grupo no tiene archivo de sesiones: su sesión de cada día no tiene hora; deje vacía la columna inicio"
                )
            }
            if thatDay == 0 {
                return ImportIssue(
                    line: line, column: "fecha", value: date, message: "el grupo no tiene sesión en esa fecha")
            }
            if let given {
                return ImportIssue(
                    line: line, column: "inicio", value: given,
                    message: "el grupo no tiene sesión a esa hora ese día (sus sesiones empiezan a las \(starts))")
            }
            return ImportIssue(
                line: line, column: "inicio", value: "",
                message:
                    "el grupo tiene \(thatDay) sesiones ese día (a las \(starts)): indique en la columna inicio la hora de la sesión"
            )
        }
    }

    /// The same person and session twice in the file.
    private func repeated(_ connection: Connection) throws -> [ImportIssue] {
        try connection.query(
            """
            SELECT line, curp, first FROM (
                SELECT line, curp, found,
                       min(line) OVER (PARTITION BY group_code, curp, session_date, starts_at) AS first
                FROM attendance_stage WHERE found
            ) r WHERE line <> first ORDER BY line
            """
        ).map { row in
            ImportIssue(
                line: try row.decode("line"), column: "curp", value: Curp.mask(try row.decode("curp")),
                message:
                    "la misma persona ya tiene marca de esa sesión en la línea \(try row.decode("first", as: Int.self))"
            )
        }
    }

    /// People not in the group as the caller sees it, and bajas whose mark would change. Read under
    /// row-level security: a person of another agency is answered as one who is not enrolled.
    private func unenrolled(_ connection: Connection) throws -> [ImportIssue] {
        try connection.query(
            """
            SELECT s.line, s.curp, s.group_code, e.status
            FROM attendance_stage s
            LEFT JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
            LEFT JOIN attendance_mark m ON m.group_code = s.group_code AND m.curp = s.curp
                 AND m.session_date = s.session_date AND m.starts_at IS NOT DISTINCT FROM s.starts_at
            WHERE e.curp IS NULL OR (e.status = 'baja' AND m.mark IS DISTINCT FROM s.mark)
            ORDER BY s.line
            """
        ).map { row in
            let group: String = try row.decode("group_code")
            let masked = Curp.mask(try row.decode("curp"))
            let line: Int = try row.decode("line")
            if try row.decode("status", as: String?.self) == "baja" {
                return ImportIssue(
                    line: line, column: "curp", value: masked,
                    message: "la persona está dada de baja del grupo \(group); su asistencia no cambia")
            }
            return ImportIssue(
                line: line, column: "curp", value: masked, message: "la persona no está inscrita en el grupo \(group)")
        }
    }

    func classify(_ connection: Connection) throws -> (imported: Int, updated: Int) {
        let row = try connection.query(
            """
            SELECT count(*) FILTER (WHERE m.mark IS NULL)::int AS imported,
                   count(*) FILTER (WHERE m.mark IS NOT NULL AND m.mark <> s.mark)::int AS updated
            FROM attendance_stage s
            LEFT JOIN attendance_mark m ON m.group_code = s.group_code AND m.curp = s.curp
                 AND m.session_date = s.session_date AND m.starts_at IS NOT DISTINCT FROM s.starts_at
            """
        ).rows.first
        return (try row?.decode("imported") ?? 0, try row?.decode("updated") ?? 0)
    }

    func merge(_ connection: Connection, batch: Int64, clock: inout PhaseClock) throws -> [String: Int] {
        // Only the agencies whose marks change have their percentages recomputed: a file sent
        // again changes nothing, and a later catalog change applies when the register changes.
        try connection.execute(
            """
            UPDATE attendance_stage s SET changed = true
            WHERE NOT EXISTS (SELECT 1 FROM attendance_mark m
                              WHERE m.group_code = s.group_code AND m.curp = s.curp AND m.session_date = s.session_date
                                AND m.starts_at IS NOT DISTINCT FROM s.starts_at AND m.mark = s.mark)
            """)
        try connection.query(
            """
            INSERT INTO attendance_mark AS m (group_code, curp, session_date, starts_at, mark, batch_id)
            SELECT group_code, curp, session_date, starts_at, mark, $1 FROM attendance_stage
            ORDER BY group_code, curp, session_date, starts_at
            ON CONFLICT ON CONSTRAINT attendance_mark_once DO UPDATE SET
                mark = EXCLUDED.mark, batch_id = EXCLUDED.batch_id, marked_by = EXCLUDED.marked_by, marked_at = now()
            WHERE m.mark IS DISTINCT FROM EXCLUDED.mark
            """, [batch])
        clock.lap("merge marks")
        let changed = try AttendanceRecompute.apply(
            connection, batch: batch,
            scope: "SELECT DISTINCT e.group_code, e.agency_code FROM attendance_stage s "
                + "JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp WHERE s.changed")
        clock.lap("percentages")
        let constancias = try ConstanciaStore(connection: connection).reconcile(resultsBatch: batch)
        clock.lap("constancias")
        return [
            "attendance_changed": changed, "constancias_issued": constancias.issued,
            "constancias_revoked": constancias.revoked,
        ]
    }
}

/// The register's percentages written to the enrollments they decide, and the statuses they lead to.
enum AttendanceRecompute {
    /// For the (group, agency) pairs that `scope` selects: every participant's percentage from the
    /// register where it differs from the stored one, marked with `batch` as results are; then the
    /// status of those rows under the course's passing rule now (as a results file decides it).
    /// Returns how many percentages changed.
    static func apply(_ connection: Connection, batch: Int64, scope: String) throws -> Int {
        let changed = try connection.query(
            """
            WITH scope AS (\(scope))
            UPDATE enrollment e SET attendance = r.attendance, results_batch_id = $1, updated_at = now()
            FROM attendance_from_register(ARRAY(SELECT DISTINCT group_code::text FROM scope)) r
            JOIN scope ON scope.group_code = r.group_code AND scope.agency_code = r.agency_code
            WHERE e.group_code = r.group_code AND e.curp = r.curp AND e.attendance IS DISTINCT FROM r.attendance
            """, [batch]
        ).affectedRows
        try connection.query(
            """
            UPDATE enrollment e SET
                status = enrollment_status(e.attendance, e.final_score, c.min_score, c.min_attendance),
                rule_min_score = c.min_score, rule_min_attendance = c.min_attendance
            FROM training_group g JOIN course c ON c.code = g.course_code
            WHERE e.results_batch_id = $1 AND g.code = e.group_code AND e.status <> 'baja'
            """, [batch])
        return changed
    }
}

extension AttendanceValidator: RowCheck {
    package func check(_ row: CSVRow, issues: inout [ImportIssue]) -> AttendanceRow? {
        validate(row, issues: &issues)
    }
}

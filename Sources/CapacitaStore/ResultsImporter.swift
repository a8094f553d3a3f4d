import Capacita
import CapacitaFiles
import Postgres

/// Imports a results file (attendance, pre, post, final score, reaction) the same way as an
/// enrollment file: streamed, checked, staged, merged set-based in one transaction, all or nothing.
/// Statuses of the rows it changes follow the course's passing rule; constancias are issued to
/// new acreditados and revoked from those who no longer are.
public struct ResultsImporter: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public struct Options: Sendable {
        public var group: String?
        public var dryRun: Bool
        public var ranBy: String
        public var trace: (@Sendable (String, Double) -> Void)?

        public init(
            group: String? = nil, dryRun: Bool = false, ranBy: String,
            trace: (@Sendable (String, Double) -> Void)? = nil
        ) {
            self.group = group
            self.dryRun = dryRun
            self.ranBy = ranBy
            self.trace = trace
        }
    }

    public func run(_ file: InputFile, options: Options, progress: ((Int64) -> Void)? = nil) throws -> ImportOutcome {
        var job = ResultsImport(
            validator: ResultsValidator(group: options.group, groups: try GroupStore(connection: connection).codes()))
        return try StagedImportRunner(
            // An enlace's batches carry its agency (the policies scope batches by it); an
            // instructor's, its user name as ran_by.
            connection: connection, file: file,
            agencyCode: connection.identity?.role == .enlace ? connection.identity?.agency : nil,
            ranBy: connection.identity?.role == .instructor
                ? connection.identity?.user ?? options.ranBy : options.ranBy,
            dryRun: options.dryRun, trace: options.trace
        ).run(&job, progress: progress)
    }
}

/// Results rows through the staged import. Each measure is staged as a value (NULL: keep what
/// is stored) plus the list of measures the row clears.
struct ResultsImport: StagedImport {
    let validator: ResultsValidator

    let kind = "results"
    var columns: [ColumnSpec] { ResultsValidator.columns }

    /// Stage and enrollment column of each measure, in file order.
    static let measureColumns: [(ResultMeasure, String)] = [
        (.asistencia, "attendance"), (.pre, "pre_score"), (.post, "post_score"), (.calificacion, "final_score"),
        (.reaccionMetodologia, "reaction_methodology"), (.reaccionInstructores, "reaction_instructors"),
        (.reaccionContenidos, "reaction_contents"), (.reaccionInfraestructura, "reaction_infrastructure"),
    ]

    var copyStatement: String {
        "COPY results_stage (line, curp, group_code, \(Self.measureColumns.map(\.1).joined(separator: ", ")), clear) FROM STDIN"
    }

    func createStage(_ connection: Connection) throws {
        try connection.execute(
            """
            CREATE TEMP TABLE results_stage (
                line integer NOT NULL, curp text COLLATE "C" NOT NULL, group_code text COLLATE "C" NOT NULL,
                attendance numeric, pre_score numeric, post_score numeric, final_score numeric,
                reaction_methodology smallint, reaction_instructors smallint, reaction_contents smallint,
                reaction_infrastructure smallint, clear text[] NOT NULL,
                from_register boolean NOT NULL DEFAULT false
            ) ON COMMIT DROP
            """)
    }

    var rowCheck: ResultsValidator { validator }

    func stageFields(_ result: ResultRow) -> [String?] {
        var fields: [String?] = [String(result.line), result.curp.value, result.groupCode]
        var cleared: [String] = []
        for (measure, column) in Self.measureColumns {
            switch result.change(measure) {
            case .keep: fields.append(nil)
            case .set(let value): fields.append(measure.isReaction ? String(Int(value)) : String(value))
            case .clear:
                fields.append(nil)
                cleared.append(column)
            }
        }
        fields.append("{" + cleared.joined(separator: ",") + "}")
        return fields
    }

    func crossRowIssues(_ connection: Connection, willMerge: Bool, clock: inout PhaseClock) throws -> [ImportIssue] {
        try connection.execute("ANALYZE results_stage")
        let repeated = try connection.query(
            """
            SELECT line, curp, group_code, first FROM (
                SELECT line, curp, group_code, min(line) OVER (PARTITION BY group_code, curp) AS first FROM results_stage
                WHERE (group_code, curp) IN (SELECT group_code, curp FROM results_stage GROUP BY 1, 2 HAVING count(*) > 1)
            ) r WHERE line <> first ORDER BY line
            """
        ).map { row in
            ImportIssue(
                line: try row.decode("line"), column: "curp", value: Curp.mask(try row.decode("curp")),
                message:
                    "la misma persona ya aparece en el grupo \(try row.decode("group_code", as: String.self)) en la línea \(try row.decode("first", as: Int.self))"
            )
        }
        let unenrolled = try connection.query(
            """
            SELECT s.line, s.curp, s.group_code, e.status, g.course_code
            FROM results_stage s
            JOIN training_group g ON g.code = s.group_code
            LEFT JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
            WHERE e.curp IS NULL OR g.course_code IS NULL
               OR (e.status = 'baja' AND \(Self.changedCondition))  -- an unchanged row of a baja is no news
            ORDER BY s.line
            """
        ).map { row -> ImportIssue in
            let line: Int = try row.decode("line")
            let group: String = try row.decode("group_code")
            let masked = Curp.mask(try row.decode("curp"))
            if try row.decode("course_code", as: String?.self) == nil {
                return ImportIssue(
                    line: line, column: "grupo", value: group,
                    message: "el grupo es un evento sin curso del catálogo: no lleva resultados")
            }
            if try row.decode("status", as: String?.self) == "baja" {
                return ImportIssue(
                    line: line, column: "curp", value: masked,
                    message: "la persona está dada de baja del grupo \(group); sus resultados no cambian")
            }
            return ImportIssue(
                line: line, column: "curp", value: masked, message: "la persona no está inscrita en el grupo \(group)")
        }
        try attendanceFromRegister(connection)
        return repeated + unenrolled
    }

    /// Where a participant's agency keeps the group's attendance register, the register decides
    /// their attendance (README, «Attendance: the register wins»): the row's percentage becomes the
    /// register's, whatever the file says. `from_register` notes the rows whose own asistencia was
    /// set aside, for the report.
    private func attendanceFromRegister(_ connection: Connection) throws {
        try connection.execute(
            """
            UPDATE results_stage s SET
                from_register = (s.attendance IS NOT NULL OR 'attendance' = ANY(s.clear)),
                attendance = r.attendance,
                clear = array_remove(s.clear, 'attendance')
                    || CASE WHEN r.attendance IS NULL THEN ARRAY['attendance'] ELSE ARRAY[]::text[] END
            FROM attendance_from_register(ARRAY(SELECT DISTINCT group_code::text FROM results_stage)) r
            WHERE r.group_code = s.group_code AND r.curp = s.curp
            """)
    }

    /// The value each measure will have after the merge: cleared, the file's, or the stored one.
    private static func merged(_ column: String) -> String {
        "CASE WHEN '\(column)' = ANY(s.clear) THEN NULL ELSE COALESCE(s.\(column), e.\(column)) END"
    }

    private static var changedCondition: String {
        "(" + measureColumns.map { "e.\($0.1) IS DISTINCT FROM \(merged($0.1))" }.joined(separator: " OR ") + ")"
    }

    private static var hadResults: String {
        "(" + measureColumns.map { "e.\($0.1) IS NOT NULL" }.joined(separator: " OR ") + ")"
    }

    func classify(_ connection: Connection) throws -> (imported: Int, updated: Int) {
        let row = try connection.query(
            """
            SELECT count(*) FILTER (WHERE \(Self.changedCondition) AND NOT \(Self.hadResults)) AS imported,
                   count(*) FILTER (WHERE \(Self.changedCondition) AND \(Self.hadResults)) AS updated
            FROM results_stage s JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
            """
        ).rows.first
        return (try row?.decode("imported") ?? 0, try row?.decode("updated") ?? 0)
    }

    func merge(_ connection: Connection, batch: Int64, clock: inout PhaseClock) throws -> [String: Int] {
        // The status of each changed row is decided now, with the course's rule now; rows this file
        // does not change keep the status (and rule) they were decided with.
        try connection.query(
            """
            UPDATE enrollment e SET
                \(Self.measureColumns.map { "\($0.1) = \(Self.merged($0.1))" }.joined(separator: ",\n    "))
                , results_batch_id = $1, updated_at = now()
            FROM results_stage s
            WHERE e.group_code = s.group_code AND e.curp = s.curp AND \(Self.changedCondition)
            """, [batch])
        try connection.query(
            """
            UPDATE enrollment e SET
                status = enrollment_status(e.attendance, e.final_score, c.min_score, c.min_attendance),
                rule_min_score = c.min_score, rule_min_attendance = c.min_attendance
            FROM training_group g JOIN course c ON c.code = g.course_code
            WHERE e.results_batch_id = $1 AND g.code = e.group_code AND e.status <> 'baja'
            """, [batch])
        clock.lap("merge results")
        let constancias = try ConstanciaStore(connection: connection).reconcile(resultsBatch: batch)
        clock.lap("constancias")
        let fromRegister =
            try connection.query("SELECT count(*)::int FROM results_stage WHERE from_register").scalar(Int.self) ?? 0
        var extra = ["constancias_issued": constancias.issued, "constancias_revoked": constancias.revoked]
        if fromRegister > 0 { extra["attendance_from_register"] = fromRegister }
        return extra
    }
}

extension ResultsValidator: RowCheck {
    package func check(_ row: CSVRow, issues: inout [ImportIssue]) -> ResultRow? {
        validate(row, issues: &issues)
    }
}

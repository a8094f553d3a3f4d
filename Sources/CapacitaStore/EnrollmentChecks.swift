import Capacita
import Postgres

/// The checks of an enrollment import that need the whole file or the database, run set-based on
/// the staged rows: groups and agencies still there, cupo, prerequisites, the same person twice
/// or with other data.
extension EnrollmentSQL {
    /// Problems found across rows and against the database, each on the line that causes it.
    /// `groups` counts the staged rows of each group and `agencies` lists theirs, gathered while
    /// the rows streamed: a pass over a million staged rows fewer.
    /// With `leaveGroupDuplicatesToMerge`, the same person twice in one group is left to the
    /// enrollment primary key in `merge` when nothing else is wrong: one aggregate over every
    /// staged row fewer for a clean file. Any other problem brings the check back here, so a
    /// refused file still gets every problem in one report.
    func crossRowIssues(
        groups: [String: Int], agencies: Set<String>, skipPrerequisites: Bool,
        leaveGroupDuplicatesToMerge: Bool, clock: inout PhaseClock
    ) throws -> [ImportIssue] {
        try connection.execute("ANALYZE enrollment_stage")
        try connection.execute(
            """
            CREATE TEMP TABLE stage_group (group_code text COLLATE "C" PRIMARY KEY, rows integer NOT NULL) ON COMMIT DROP;
            CREATE TEMP TABLE stage_agency (agency_code text COLLATE "C" PRIMARY KEY) ON COMMIT DROP
            """)
        let codes = Array(groups.keys)
        try connection.query(
            "INSERT INTO stage_group SELECT * FROM unnest($1::text[], $2::int[])",
            [codes, codes.map { String(groups[$0]!) }])
        try connection.query("INSERT INTO stage_agency SELECT unnest($1::text[])", [Array(agencies)])
        // Temporary tables get no statistics of their own; without them the planner guesses.
        try connection.execute("ANALYZE stage_group, stage_agency")
        // Lock the groups this file fills, so two imports into one group cannot both pass the cupo
        // check, and its agencies, as a foreign key would. Every staged group and agency was known
        // when the run started; one that is gone now is reported instead of locked.
        try connection.query(
            "SELECT 1 FROM training_group WHERE code IN (SELECT group_code FROM stage_group) ORDER BY code FOR UPDATE")
        try connection.query(
            "SELECT 1 FROM agency WHERE code IN (SELECT agency_code FROM stage_agency) ORDER BY code FOR KEY SHARE")
        var issues = try connection.query(
            """
            SELECT 'grupo' AS kind, group_code AS value FROM stage_group
            WHERE NOT EXISTS (SELECT 1 FROM training_group g WHERE g.code = group_code)
            UNION ALL
            SELECT 'dependencia', agency_code FROM stage_agency WHERE NOT EXISTS (SELECT 1 FROM agency a WHERE a.code = agency_code)
            """
        ).map { row in
            ImportIssue(
                line: 0, column: try row.decode("kind"), value: try row.decode("value"),
                message: "dejó de existir mientras se importaba el archivo")
        }
        clock.lap("lock groups and agencies")
        try findStored()
        clock.lap("find stored enrollments")
        var capacityAndPrerequisites = try fullGroups()
        clock.lap("check cupo")
        if !skipPrerequisites {
            capacityAndPrerequisites += try missingPrerequisites()
            clock.lap("check prerequisites")
        }
        let leave = leaveGroupDuplicatesToMerge && issues.isEmpty && capacityAndPrerequisites.isEmpty
        issues += try repeatedPeople(groupDuplicates: !leave)
        clock.lap("check repeated people")
        return issues + capacityAndPrerequisites
    }

    /// One CURP with other personal data in one file, and (with `groupDuplicates`, or when a CURP
    /// differs anyway) the same person twice in one group. Hash aggregates find the CURPs in
    /// trouble; only their rows are sorted and compared in detail, so a clean file costs one or two
    /// hash passes however often each person appears. Each CURP's aggregate is kept in
    /// stage_person, names apart: it is the person the merge writes (with the e-mail the file
    /// gives on any of the CURP's rows).
    private func repeatedPeople(groupDuplicates: Bool) throws -> [ImportIssue] {
        try connection.execute(
            """
            CREATE TEMP TABLE stage_person ON COMMIT DROP AS
            SELECT a.curp, a.line, \(Self.personColumns("a")), a.email, a.differs
            FROM (SELECT curp, min(line) AS line, min(person) AS person, max(email) AS email,
                         min(shared) <> max(shared) OR min(email) <> max(email) AS differs
                  FROM enrollment_stage GROUP BY curp) a
            """)
        try connection.execute("ANALYZE stage_person")
        let differing = try connection.query("SELECT count(*) FROM stage_person WHERE differs").scalar(Int.self) ?? 0
        guard groupDuplicates || differing > 0 else { return [] }
        return try repeatedRows(
            suspects: """
                SELECT curp FROM enrollment_stage GROUP BY group_code, curp HAVING count(*) > 1
                UNION
                SELECT curp FROM stage_person WHERE differs
                """)
    }

    /// The same person twice in one group of the file: what the merge asks for when the primary
    /// key of enrollment stopped its insert.
    func groupDuplicateIssues() throws -> [ImportIssue] {
        try repeatedRows(suspects: "SELECT curp FROM enrollment_stage GROUP BY group_code, curp HAVING count(*) > 1")
    }

    /// Every row of the suspect CURPs that repeats a group or departs from the CURP's first row.
    private func repeatedRows(suspects: String) throws -> [ImportIssue] {
        // Found first, on their own: the planner cannot guess how few they are, and a join it
        // believes large sorts the whole stage.
        try connection.execute("DROP TABLE IF EXISTS stage_suspect")
        try connection.execute("CREATE TEMP TABLE stage_suspect ON COMMIT DROP AS \(suspects)")
        guard try connection.query("SELECT count(*) FROM stage_suspect").scalar(Int.self) ?? 0 > 0 else { return [] }
        try connection.execute("ANALYZE stage_suspect")
        return try connection.query(
            """
            WITH staged AS (
                SELECT s.line, s.curp, s.group_code, s.email, s.agency_code, s.tier, \(Self.personColumns("s"))
                FROM enrollment_stage s WHERE curp IN (SELECT curp FROM stage_suspect)
            ),
            rows AS (
                SELECT s.*,
                       min(line) OVER (PARTITION BY curp, group_code) AS first_in_group,
                       first_value(line) OVER w AS first_line,
                       first_value(given_names) OVER w AS f_given, first_value(first_surname) OVER w AS f_first,
                       first_value(second_surname) OVER w AS f_second, first_value(sex) OVER w AS f_sex,
                       (array_agg(email) FILTER (WHERE email IS NOT NULL) OVER w)[1] AS f_email, first_value(agency_code) OVER w AS f_agency,
                       first_value(tier) OVER w AS f_tier
                FROM staged s
                WINDOW w AS (PARTITION BY curp ORDER BY line)
            )
            SELECT line, curp, group_code, first_in_group, first_line,
                   CASE WHEN line <> first_in_group THEN 'curp'
                        WHEN given_names <> f_given THEN 'nombre'
                        WHEN first_surname <> f_first THEN 'primer_apellido'
                        WHEN second_surname IS DISTINCT FROM f_second THEN 'segundo_apellido'
                        WHEN sex <> f_sex THEN 'sexo'
                        WHEN email IS NOT NULL AND f_email IS NOT NULL AND email <> f_email THEN 'correo'
                        WHEN agency_code <> f_agency THEN 'dependencia'
                        WHEN tier <> f_tier THEN 'nivel'
                   END AS problem
            FROM rows
            WHERE line <> first_in_group
               OR given_names <> f_given OR first_surname <> f_first OR second_surname IS DISTINCT FROM f_second
               OR sex <> f_sex OR (email IS NOT NULL AND f_email IS NOT NULL AND email <> f_email)
               OR agency_code <> f_agency OR tier <> f_tier
            ORDER BY line
            """
        ).map { row in
            let curp = Curp.mask(try row.decode("curp", as: String.self))
            let column: String = try row.decode("problem")
            if column == "curp" {
                return ImportIssue(
                    line: try row.decode("line"), column: "curp", value: curp,
                    message:
                        "la misma persona ya aparece en el grupo \(try row.decode("group_code", as: String.self)) en la línea \(try row.decode("first_in_group", as: Int.self))"
                )
            }
            return ImportIssue(
                line: try row.decode("line"), column: column, value: curp,
                message:
                    "la misma CURP aparece con otros datos en la línea \(try row.decode("first_line", as: Int.self))")
        }
    }

    /// The staged rows whose (group, person) is already stored, with whether the file changes that
    /// enrollment. Found once, before the checks: cupo and prerequisites concern new rows only, and
    /// the merge then never joins the staged rows against the table it is inserting into, a plan
    /// PostgreSQL may make quadratic when that table looked empty at planning time and fills up
    /// while the statement runs.
    private func findStored() throws {
        try connection.execute(
            """
            CREATE TEMP TABLE stage_existing ON COMMIT DROP AS
            SELECT s.line, s.group_code, s.curp,
                   (e.agency_code <> s.agency_code OR e.tier <> s.tier
                    OR (s.position_title IS NOT NULL AND e.position_title IS DISTINCT FROM s.position_title)) AS enrollment_changed
            FROM enrollment_stage s
            JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
            """)
        try connection.execute("ANALYZE stage_existing")
    }

    /// Rows that would take a group past its cupo: in file order, the ones after the last free place.
    private func fullGroups() throws -> [ImportIssue] {
        // A group can only overflow if its new rows in the file would not all fit: find those
        // groups first (a count per group), and look at rows only in them. A file sent again adds
        // no row, and costs no count.
        let crowded = try connection.query(
            """
            WITH fresh AS (
                SELECT sg.group_code, sg.rows - COALESCE(x.n, 0) AS new_rows
                FROM stage_group sg
                LEFT JOIN (SELECT group_code, count(*) AS n FROM stage_existing GROUP BY group_code) x USING (group_code)
            )
            SELECT g.code FROM fresh f JOIN training_group g ON g.code = f.group_code
            WHERE g.capacity IS NOT NULL AND f.new_rows > 0
              AND f.new_rows + (SELECT count(*) FROM enrollment e WHERE e.group_code = g.code AND e.status <> 'baja') > g.capacity
            """
        ).map { try $0.decode("code", as: String.self) }
        guard !crowded.isEmpty else { return [] }
        return try connection.query(
            """
            WITH incoming AS (
                SELECT s.line, s.group_code, s.curp
                FROM enrollment_stage s
                WHERE s.group_code = ANY ($1::text[]) AND NOT EXISTS (SELECT 1 FROM stage_existing x WHERE x.line = s.line)
            ),
            counts AS (SELECT group_code, count(*) AS n FROM incoming GROUP BY group_code),
            taken AS (
                SELECT e.group_code, count(*) AS n FROM enrollment e
                WHERE e.status <> 'baja' AND e.group_code IN (SELECT group_code FROM counts)
                GROUP BY e.group_code
            ),
            over AS (
                SELECT g.code, g.capacity, COALESCE(t.n, 0) AS taken
                FROM counts c JOIN training_group g ON g.code = c.group_code
                LEFT JOIN taken t ON t.group_code = c.group_code
                WHERE g.capacity IS NOT NULL AND COALESCE(t.n, 0) + c.n > g.capacity
            ),
            ranked AS (
                SELECT i.line, i.group_code, o.capacity, o.taken,
                       row_number() OVER (PARTITION BY i.group_code ORDER BY i.line) AS place
                FROM incoming i JOIN over o ON o.code = i.group_code
            )
            SELECT line, group_code, capacity, taken FROM ranked WHERE taken + place > capacity ORDER BY line
            """, [crowded]
        ).map { row in
            let group: String = try row.decode("group_code")
            return ImportIssue(
                line: try row.decode("line"), column: "grupo", value: group,
                message:
                    "el grupo está lleno: cupo \(try row.decode("capacity", as: Int.self)), ya inscritas \(try row.decode("taken", as: Int.self)) antes de este archivo"
            )
        }
    }

    /// New enrollments whose person has not acreditado every prerequisite of the group's course.
    private func missingPrerequisites() throws -> [ImportIssue] {
        // The file's groups whose course has prerequisites first: often none (a Taller, a Básico),
        // and then no staged row needs a look.
        let gated = try connection.query(
            """
            SELECT sg.group_code FROM stage_group sg JOIN training_group g ON g.code = sg.group_code
            WHERE EXISTS (SELECT 1 FROM course_prerequisite p WHERE p.course_code = g.course_code)
            """
        ).map { try $0.decode("group_code", as: String.self) }
        guard !gated.isEmpty else { return [] }
        return try connection.query(
            """
            SELECT s.line, s.group_code, g.course_code, string_agg(p.requires_code, ', ' ORDER BY p.requires_code) AS missing
            FROM enrollment_stage s
            JOIN training_group g ON g.code = s.group_code
            JOIN course_prerequisite p ON p.course_code = g.course_code
            WHERE s.group_code = ANY ($1::text[])
              AND NOT EXISTS (SELECT 1 FROM stage_existing x WHERE x.line = s.line)
              AND NOT EXISTS (SELECT 1 FROM enrollment e JOIN training_group done ON done.code = e.group_code
                              WHERE e.curp = s.curp AND e.status = 'acreditado' AND done.course_code = p.requires_code)
            GROUP BY s.line, s.group_code, g.course_code
            ORDER BY s.line
            """, [gated]
        ).map { row in
            ImportIssue(
                line: try row.decode("line"), column: "grupo", value: try row.decode("group_code"),
                message:
                    "el curso \(try row.decode("course_code", as: String.self)) requiere haber acreditado \(try row.decode("missing", as: String.self)); use --skip-prerequisites para inscribir de todos modos"
            )
        }
    }
}

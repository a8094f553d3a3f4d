import Capacita
import Postgres

/// The SQL of an enrollment import: the staging table, the checks that need the whole file or the
/// database, and the set-based merge. Every statement works on all staged rows at once.
struct EnrollmentSQL {
    let connection: Connection

    static let copyStage = """
        COPY enrollment_stage (line, curp, given_names, first_surname, second_surname, sex, email,
                               agency_code, tier, position_title, group_code) FROM STDIN
        """

    static func stageFields(_ row: EnrollmentRow) -> [String?] {
        [String(row.line), row.curp.value, row.givenNames, row.firstSurname, row.secondSurname, row.sex.rawValue, row.email,
         row.agencyCode, row.tier.rawValue, row.position, row.groupCode]
    }

    func createStage() throws {
        // Temporary: not WAL-logged, private to this session, gone at commit or rollback. Keys use
        // the "C" collation like the tables they are merged into (byte comparison, no locale).
        try connection.execute("""
            CREATE TEMP TABLE enrollment_stage (
                line integer NOT NULL, curp text COLLATE "C" NOT NULL, given_names text NOT NULL,
                first_surname text NOT NULL, second_surname text, sex text NOT NULL, email text,
                agency_code text COLLATE "C" NOT NULL, tier text NOT NULL, position_title text,
                group_code text COLLATE "C" NOT NULL
            ) ON COMMIT DROP
            """)
    }

    /// Problems found across rows and against the database, each on the line that causes it.
    func crossRowIssues(skipPrerequisites: Bool) throws -> [ImportIssue] {
        try connection.execute("ANALYZE enrollment_stage")
        // Lock the groups this file fills, so two imports into one group cannot both pass the cupo check.
        try connection.query("""
            SELECT 1 FROM training_group WHERE code IN (SELECT DISTINCT group_code FROM enrollment_stage)
            ORDER BY code FOR UPDATE
            """)
        var issues = try repeatedPeople()
        issues += try fullGroups()
        if !skipPrerequisites { issues += try missingPrerequisites() }
        return issues
    }

    /// The same person twice in one group, or one CURP with other personal data, in one file.
    /// Hash aggregates find the CURPs in trouble; only their rows are sorted and compared, so a
    /// clean file costs a few hash passes however often each person appears.
    private func repeatedPeople() throws -> [ImportIssue] {
        try connection.query("""
            WITH suspects AS (
                SELECT curp FROM enrollment_stage GROUP BY group_code, curp HAVING count(*) > 1
                UNION
                SELECT curp FROM (SELECT DISTINCT curp, given_names, first_surname, second_surname, sex, agency_code, tier
                                  FROM enrollment_stage) d
                GROUP BY curp HAVING count(*) > 1
                UNION
                SELECT curp FROM (SELECT DISTINCT curp, email FROM enrollment_stage WHERE email IS NOT NULL) m
                GROUP BY curp HAVING count(*) > 1
            ),
            rows AS (
                SELECT s.*,
                       min(line) OVER (PARTITION BY curp, group_code) AS first_in_group,
                       first_value(line) OVER w AS first_line,
                       first_value(given_names) OVER w AS f_given, first_value(first_surname) OVER w AS f_first,
                       first_value(second_surname) OVER w AS f_second, first_value(sex) OVER w AS f_sex,
                       (array_agg(email) FILTER (WHERE email IS NOT NULL) OVER w)[1] AS f_email, first_value(agency_code) OVER w AS f_agency,
                       first_value(tier) OVER w AS f_tier
                FROM enrollment_stage s WHERE curp IN (SELECT curp FROM suspects)
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
            """).map { row in
            let curp = Curp.mask(try row.decode("curp", as: String.self))
            let column: String = try row.decode("problem")
            if column == "curp" {
                return ImportIssue(line: try row.decode("line"), column: "curp", value: curp,
                                   message: "la misma persona ya aparece en el grupo \(try row.decode("group_code", as: String.self)) en la línea \(try row.decode("first_in_group", as: Int.self))")
            }
            return ImportIssue(line: try row.decode("line"), column: column, value: curp,
                               message: "la misma CURP aparece con otros datos en la línea \(try row.decode("first_line", as: Int.self))")
        }
    }

    /// Rows that would take a group past its cupo: in file order, the ones after the last free place.
    private func fullGroups() throws -> [ImportIssue] {
        try connection.query("""
            WITH incoming AS (
                SELECT s.line, s.group_code, s.curp
                FROM enrollment_stage s
                LEFT JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
                WHERE e.curp IS NULL
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
            """).map { row in
            let group: String = try row.decode("group_code")
            return ImportIssue(line: try row.decode("line"), column: "grupo", value: group,
                               message: "el grupo está lleno: cupo \(try row.decode("capacity", as: Int.self)), ya inscritas \(try row.decode("taken", as: Int.self)) antes de este archivo")
        }
    }

    /// New enrollments whose person has not acreditado every prerequisite of the group's course.
    private func missingPrerequisites() throws -> [ImportIssue] {
        try connection.query("""
            SELECT s.line, s.group_code, g.course_code, string_agg(p.requires_code, ', ' ORDER BY p.requires_code) AS missing
            FROM enrollment_stage s
            JOIN training_group g ON g.code = s.group_code
            JOIN course_prerequisite p ON p.course_code = g.course_code
            WHERE NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.group_code = s.group_code AND e.curp = s.curp)
              AND NOT EXISTS (SELECT 1 FROM enrollment e JOIN training_group done ON done.code = e.group_code
                              WHERE e.curp = s.curp AND e.status = 'acreditado' AND done.course_code = p.requires_code)
            GROUP BY s.line, s.group_code, g.course_code
            ORDER BY s.line
            """).map { row in
            ImportIssue(line: try row.decode("line"), column: "grupo", value: try row.decode("group_code"),
                        message: "el curso \(try row.decode("course_code", as: String.self)) requiere haber acreditado \(try row.decode("missing", as: String.self)); use --skip-prerequisites para inscribir de todos modos")
        }
    }

    /// How many staged rows are new enrollments and how many change a stored one (enrollment or person).
    func classify() throws -> (imported: Int, updated: Int) {
        let row = try connection.query("""
            SELECT count(*) FILTER (WHERE e.curp IS NULL) AS imported,
                   count(*) FILTER (WHERE e.curp IS NOT NULL AND (
                       e.agency_code <> s.agency_code OR e.tier <> s.tier
                       OR (s.position_title IS NOT NULL AND e.position_title IS DISTINCT FROM s.position_title)
                       OR p.given_names <> s.given_names OR p.first_surname <> s.first_surname
                       OR p.second_surname IS DISTINCT FROM s.second_surname OR p.sex <> s.sex
                       OR (s.email IS NOT NULL AND p.email IS DISTINCT FROM s.email))) AS updated
            FROM enrollment_stage s
            LEFT JOIN enrollment e ON e.group_code = s.group_code AND e.curp = s.curp
            LEFT JOIN person p ON p.curp = s.curp
            """).rows.first
        return (try row?.decode("imported") ?? 0, try row?.decode("updated") ?? 0)
    }

    /// Upserts people, then enrollments. An empty e-mail or puesto never erases a stored one;
    /// names are taken as written in the newest file. A baja stays a baja: a file that lists the
    /// person again (often the same file re-sent) does not undo an explicit drop. Rows are merged in key order so two imports
    /// running at once lock shared people in the same order.
    func merge(batch: Int64, clock: inout PhaseClock) throws {
        try connection.query("""
            INSERT INTO person AS p (curp, given_names, first_surname, second_surname, sex, email)
            SELECT DISTINCT ON (curp) curp, given_names, first_surname, second_surname, sex, email
            FROM enrollment_stage ORDER BY curp, line
            ON CONFLICT (curp) DO UPDATE SET
                given_names = EXCLUDED.given_names, first_surname = EXCLUDED.first_surname,
                second_surname = EXCLUDED.second_surname, sex = EXCLUDED.sex,
                email = COALESCE(EXCLUDED.email, p.email), updated_at = now()
            WHERE (p.given_names, p.first_surname, p.second_surname, p.sex, p.email)
                  IS DISTINCT FROM (EXCLUDED.given_names, EXCLUDED.first_surname, EXCLUDED.second_surname, EXCLUDED.sex,
                                    COALESCE(EXCLUDED.email, p.email))
            """)
        clock.lap("merge people")
        // New rows by anti-join and changed rows by one UPDATE: cheaper than ON CONFLICT's
        // speculative insertion per row. Safe because crossRowIssues locked every group of the file.
        try connection.query("""
            INSERT INTO enrollment (group_code, curp, agency_code, tier, position_title, batch_id)
            SELECT s.group_code, s.curp, s.agency_code, s.tier, s.position_title, $1
            FROM enrollment_stage s
            WHERE NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.group_code = s.group_code AND e.curp = s.curp)
            ORDER BY s.group_code, s.curp
            """, [batch])
        try connection.query("""
            UPDATE enrollment e SET
                agency_code = s.agency_code, tier = s.tier,
                position_title = COALESCE(s.position_title, e.position_title),
                batch_id = $1, updated_at = now()
            FROM enrollment_stage s
            WHERE e.group_code = s.group_code AND e.curp = s.curp AND e.batch_id <> $1
              AND (e.agency_code, e.tier, e.position_title)
                  IS DISTINCT FROM (s.agency_code, s.tier, COALESCE(s.position_title, e.position_title))
            """, [batch])
        clock.lap("merge enrollments")
    }
}

import Capacita
import Postgres

/// The SQL of an enrollment import: the staging table, the checks that need the whole file or the
/// database, and the set-based merge. Every statement works on all staged rows at once.
struct EnrollmentSQL {
    let connection: Connection

    static let copyStage = """
        COPY enrollment_stage (line, curp, person, email, agency_code, tier, position_title, group_code, shared) FROM STDIN
        """

    /// A person's names and sex as one staged value, so that "every row of a CURP carries the same
    /// data" is one comparison per row (min = max per CURP) instead of a join. The unit separator
    /// cannot occur in a name: the validator refuses control characters.
    static func personKey(_ row: EnrollmentRow) -> String {
        var key = row.givenNames
        key.reserveCapacity(row.givenNames.utf8.count + row.firstSurname.utf8.count + (row.secondSurname?.utf8.count ?? 0) + 5)
        key += "\u{1F}"
        key += row.firstSurname
        key += "\u{1F}"
        key += row.secondSurname ?? ""
        key += "\u{1F}"
        key += row.sex.rawValue
        return key
    }

    /// The columns of a staged person key, as SQL over `alias.person`.
    static func personColumns(_ alias: String) -> String {
        """
        split_part(\(alias).person, E'\\x1F', 1) AS given_names, split_part(\(alias).person, E'\\x1F', 2) AS first_surname,
        NULLIF(split_part(\(alias).person, E'\\x1F', 3), '') AS second_surname, split_part(\(alias).person, E'\\x1F', 4) AS sex
        """
    }

    static func stageFields(_ row: EnrollmentRow) -> [String?] {
        let person = personKey(row)
        return [String(row.line), row.curp.value, person, row.email, row.agencyCode, row.tier.rawValue, row.position, row.groupCode,
                String(sharedHash(row, person: person))]
    }

    /// A hash of what every row of a CURP must repeat (names, sex, agency, tier), so the check
    /// compares two integers per CURP instead of text: half the cost of the aggregate at a million
    /// rows (bench/RESULTS.md). Seeded anew in every process, so no file can be made to collide;
    /// it is only ever compared within one import. The e-mail is not in it: a person's rows may
    /// leave it empty but one.
    static func sharedHash(_ row: EnrollmentRow, person: String) -> Int {
        var hasher = Hasher()
        // The bytes as written: hashing a String normalizes its Unicode first (slow, and two
        // spellings of an accent are different data here anyway).
        var person = person
        person.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0x1F as UInt8)
        hasher.combine(row.agencyCode)
        hasher.combine(row.tier)
        // 48 bits: at most 15 digits, which Swift keeps inside the String itself (no allocation
        // per row); a collision between two versions of one person's data stays out of reach.
        return hasher.finalize() & 0xFFFF_FFFF_FFFF
    }

    func createStage() throws {
        // Temporary: not WAL-logged, private to this session, gone at commit or rollback. Keys use
        // the "C" collation like the tables they are merged into (byte comparison, no locale).
        try connection.execute("""
            CREATE TEMP TABLE enrollment_stage (
                line integer NOT NULL, curp text COLLATE "C" NOT NULL, person text NOT NULL, email text,
                agency_code text COLLATE "C" NOT NULL, tier text NOT NULL, position_title text,
                group_code text COLLATE "C" NOT NULL, shared bigint NOT NULL
            ) ON COMMIT DROP
            """)
    }

    /// Problems found across rows and against the database, each on the line that causes it.
    /// `groups` counts the staged rows of each group and `agencies` lists theirs, gathered while
    /// the rows streamed: a pass over a million staged rows fewer.
    /// With `leaveGroupDuplicatesToMerge`, the same person twice in one group is left to the
    /// enrollment primary key in `merge` when nothing else is wrong: one aggregate over every
    /// staged row fewer for a clean file. Any other problem brings the check back here, so a
    /// refused file still gets every problem in one report.
    func crossRowIssues(groups: [String: Int], agencies: Set<String>, skipPrerequisites: Bool,
                        leaveGroupDuplicatesToMerge: Bool, clock: inout PhaseClock) throws -> [ImportIssue] {
        try connection.execute("ANALYZE enrollment_stage")
        try connection.execute("""
            CREATE TEMP TABLE stage_group (group_code text COLLATE "C" PRIMARY KEY, rows integer NOT NULL) ON COMMIT DROP;
            CREATE TEMP TABLE stage_agency (agency_code text COLLATE "C" PRIMARY KEY) ON COMMIT DROP
            """)
        let codes = Array(groups.keys)
        try connection.query("INSERT INTO stage_group SELECT * FROM unnest($1::text[], $2::int[])",
                             [codes, codes.map { String(groups[$0]!) }])
        try connection.query("INSERT INTO stage_agency SELECT unnest($1::text[])", [Array(agencies)])
        // Temporary tables get no statistics of their own; without them the planner guesses.
        try connection.execute("ANALYZE stage_group, stage_agency")
        // Lock the groups this file fills, so two imports into one group cannot both pass the cupo
        // check, and its agencies, as a foreign key would. Every staged group and agency was known
        // when the run started; one that is gone now is reported instead of locked.
        try connection.query("SELECT 1 FROM training_group WHERE code IN (SELECT group_code FROM stage_group) ORDER BY code FOR UPDATE")
        try connection.query("SELECT 1 FROM agency WHERE code IN (SELECT agency_code FROM stage_agency) ORDER BY code FOR KEY SHARE")
        var issues = try connection.query("""
            SELECT 'grupo' AS kind, group_code AS value FROM stage_group
            WHERE NOT EXISTS (SELECT 1 FROM training_group g WHERE g.code = group_code)
            UNION ALL
            SELECT 'dependencia', agency_code FROM stage_agency WHERE NOT EXISTS (SELECT 1 FROM agency a WHERE a.code = agency_code)
            """).map { row in
            ImportIssue(line: 0, column: try row.decode("kind"), value: try row.decode("value"),
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
        try connection.execute("""
            CREATE TEMP TABLE stage_person ON COMMIT DROP AS
            SELECT a.curp, a.line, \(Self.personColumns("a")), a.email, a.differs
            FROM (SELECT curp, min(line) AS line, min(person) AS person, max(email) AS email,
                         min(shared) <> max(shared) OR min(email) <> max(email) AS differs
                  FROM enrollment_stage GROUP BY curp) a
            """)
        try connection.execute("ANALYZE stage_person")
        let differing = try connection.query("SELECT count(*) FROM stage_person WHERE differs").scalar(Int.self) ?? 0
        guard groupDuplicates || differing > 0 else { return [] }
        return try repeatedRows(suspects: """
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
        return try connection.query("""
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

    /// The staged rows whose (group, person) is already stored, with whether the file changes that
    /// enrollment. Found once, before the checks: cupo and prerequisites concern new rows only, and
    /// the merge then never joins the staged rows against the table it is inserting into, a plan
    /// PostgreSQL may make quadratic when that table looked empty at planning time and fills up
    /// while the statement runs.
    private func findStored() throws {
        try connection.execute("""
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
        let crowded = try connection.query("""
            WITH fresh AS (
                SELECT sg.group_code, sg.rows - COALESCE(x.n, 0) AS new_rows
                FROM stage_group sg
                LEFT JOIN (SELECT group_code, count(*) AS n FROM stage_existing GROUP BY group_code) x USING (group_code)
            )
            SELECT g.code FROM fresh f JOIN training_group g ON g.code = f.group_code
            WHERE g.capacity IS NOT NULL AND f.new_rows > 0
              AND f.new_rows + (SELECT count(*) FROM enrollment e WHERE e.group_code = g.code AND e.status <> 'baja') > g.capacity
            """).map { try $0.decode("code", as: String.self) }
        guard !crowded.isEmpty else { return [] }
        return try connection.query("""
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
            """, [crowded]).map { row in
            let group: String = try row.decode("group_code")
            return ImportIssue(line: try row.decode("line"), column: "grupo", value: group,
                               message: "el grupo está lleno: cupo \(try row.decode("capacity", as: Int.self)), ya inscritas \(try row.decode("taken", as: Int.self)) antes de este archivo")
        }
    }

    /// New enrollments whose person has not acreditado every prerequisite of the group's course.
    private func missingPrerequisites() throws -> [ImportIssue] {
        // The file's groups whose course has prerequisites first: often none (a Taller, a Básico),
        // and then no staged row needs a look.
        let gated = try connection.query("""
            SELECT sg.group_code FROM stage_group sg JOIN training_group g ON g.code = sg.group_code
            WHERE EXISTS (SELECT 1 FROM course_prerequisite p WHERE p.course_code = g.course_code)
            """).map { try $0.decode("group_code", as: String.self) }
        guard !gated.isEmpty else { return [] }
        return try connection.query("""
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
            """, [gated]).map { row in
            ImportIssue(line: try row.decode("line"), column: "grupo", value: try row.decode("group_code"),
                        message: "el curso \(try row.decode("course_code", as: String.self)) requiere haber acreditado \(try row.decode("missing", as: String.self)); use --skip-prerequisites para inscribir de todos modos")
        }
    }

    /// How many of the `stagedRows` are new enrollments, and how many stored ones the file changes:
    /// the enrollment itself (agency, tier, puesto) or its person's data. People are compared once
    /// each, not once per row: a file sent again compared a million rows with their people before.
    func classify(stagedRows: Int) throws -> (imported: Int, updated: Int) {
        try connection.execute("""
            CREATE TEMP TABLE stage_person_changed ON COMMIT DROP AS
            SELECT s.curp
            FROM stage_person s
            JOIN person p ON p.curp = s.curp
            WHERE (p.given_names, p.first_surname, p.second_surname, p.sex) IS DISTINCT FROM
                  (s.given_names, s.first_surname, s.second_surname, s.sex)
               OR (s.email IS NOT NULL AND p.email IS DISTINCT FROM s.email)
            """)
        try connection.execute("ANALYZE stage_person_changed")
        let row = try connection.query("""
            SELECT count(*) AS stored,
                   count(*) FILTER (WHERE x.enrollment_changed OR x.curp IN (SELECT curp FROM stage_person_changed)) AS updated
            FROM stage_existing x
            """).rows.first
        let stored: Int = try row?.decode("stored") ?? 0
        return (stagedRows - stored, try row?.decode("updated") ?? 0)
    }

    /// Upserts people, then enrollments. An empty e-mail or puesto never erases a stored one;
    /// names are taken as written in the newest file. A baja stays a baja: a file that lists the
    /// person again (often the same file re-sent) does not undo an explicit drop. People are
    /// locked in CURP order so two imports running at once lock shared people in the same order.
    /// The same person twice in one group was left to this merge (crossRowIssues): it throws
    /// `MergeRefusal` with those rows when it finds one.
    func merge(batch: Int64, stagedRows: Int, clock: inout PhaseClock) throws {
        // A pair the file repeats is new twice (the primary key stops the INSERT below) or stored
        // twice over: both rows then matched the stored enrollment (findStored).
        let existing = try connection.query("SELECT count(*) FROM stage_existing").scalar(Int.self) ?? 0
        if existing > 0,
           try !connection.query("SELECT 1 FROM stage_existing GROUP BY group_code, curp HAVING count(*) > 1 LIMIT 1").rows.isEmpty {
            throw MergeRefusal(issues: try groupDuplicateIssues())
        }
        // One row per CURP in stage_person (all of a CURP's rows carry the same data: checked).
        let people = try connection.query("SELECT count(*) FROM stage_person").scalar(Int.self) ?? 0
        // When the file adds enrollments, people already stored are locked as a foreign key would
        // lock them, so none can be deleted before this import commits. A file sent again adds
        // none and locks no one (300,000 row locks were 1.2 s of such a re-import).
        let lock = stagedRows > existing ? "ORDER BY curp FOR KEY SHARE" : ""
        let stored = try connection.query("""
            CREATE TEMP TABLE stage_stored ON COMMIT DROP AS
            SELECT curp FROM person WHERE curp IN (SELECT curp FROM stage_person) \(lock)
            """).affectedRows
        try connection.execute("ANALYZE stage_stored")
        clock.lap("lock people")
        try connection.query("""
            UPDATE person p SET
                given_names = s.given_names, first_surname = s.first_surname, second_surname = s.second_surname,
                sex = s.sex, email = COALESCE(s.email, p.email), updated_at = now()
            FROM stage_person s
            WHERE p.curp = s.curp
              AND (p.given_names, p.first_surname, p.second_surname, p.sex, p.email)
                  IS DISTINCT FROM (s.given_names, s.first_surname, s.second_surname, s.sex, COALESCE(s.email, p.email))
            """)
        let added = try connection.query("""
            INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email)
            SELECT curp, given_names, first_surname, second_surname, sex, email
            FROM stage_person s WHERE NOT EXISTS (SELECT 1 FROM stage_stored x WHERE x.curp = s.curp)
            ORDER BY curp
            """).affectedRows
        clock.lap("merge people")
        guard stored + added == people else { throw EnrollmentMergeError.danglingReferences(people - stored - added) }
        // A file sent again adds nothing: no insert to run.
        if stagedRows > existing { try insertNew(batch: batch, existing: existing) }
        clock.lap("insert enrollments")
        guard existing > 0 else { return }
        try connection.query("""
            UPDATE enrollment e SET
                agency_code = s.agency_code, tier = s.tier,
                position_title = COALESCE(s.position_title, e.position_title),
                batch_id = $1, updated_at = now()
            FROM stage_existing x JOIN enrollment_stage s ON s.line = x.line
            WHERE x.enrollment_changed AND e.group_code = s.group_code AND e.curp = s.curp
            """, [batch])
        clock.lap("update enrollments")
    }
}

extension EnrollmentSQL {
    /// Inserts the staged rows that are not stored yet (`existing` staged rows are).
    private func insertNew(batch: Int64, existing: Int) throws {
        // PostgreSQL checks foreign keys one row at a time: for a million rows that was 28 of the
        // import's 54 seconds (bench/RESULTS.md). Where the role may, the insert runs with those
        // row checks off, because this import has already checked the same three references for
        // every staged row, set-based and under the locks the row checks would take: groups
        // (FOR UPDATE) and agencies (FOR KEY SHARE) in crossRowIssues, people in merge, which
        // counted them all stored before calling. Every other writer, and this import where the
        // role may not, keeps the row checks.
        let setBased = try mayTurnOffRowChecks()
        if setBased { try connection.execute("SET LOCAL session_replication_role = replica") }
        // New rows are the staged ones not in stage_existing; changed rows get one UPDATE below.
        // Cheaper than ON CONFLICT's speculative insertion per row, and safe because
        // crossRowIssues locked every group of the file.
        // In file order, not sorted: files list a group's people together, so the key's inserts
        // already fall on a few pages at a time, and sorting a million rows cost more than it
        // saved (bench/RESULTS.md). A savepoint keeps the transaction usable when the key refuses
        // a pair, to find every repeated row for the report.
        try connection.execute("SAVEPOINT new_enrollments")
        do {
            try connection.query("""
                INSERT INTO enrollment (group_code, curp, agency_code, tier, position_title, batch_id)
                SELECT s.group_code, s.curp, s.agency_code, s.tier, s.position_title, $1
                FROM enrollment_stage s
                \(existing == 0 ? "" : "WHERE NOT EXISTS (SELECT 1 FROM stage_existing x WHERE x.line = s.line)")
                """, [batch])
        } catch {
            guard error.isUniqueViolation(of: "enrollment_pkey") else { throw error }
            try connection.execute("ROLLBACK TO SAVEPOINT new_enrollments")
            let repeated = try groupDuplicateIssues()
            // Not the file's doing: another writer enrolled the pair meanwhile. The server's own
            // message would print the CURP in full.
            guard !repeated.isEmpty else { throw EnrollmentMergeError.enrolledMeanwhile }
            throw MergeRefusal(issues: repeated)
        }
        try connection.execute("RELEASE SAVEPOINT new_enrollments")
        if setBased { try connection.execute("SET LOCAL session_replication_role = origin") }
    }

    /// Whether the role may set session_replication_role: a superuser, or on PostgreSQL 15+ a role
    /// granted SET on it (has_parameter_privilege does not exist before 15).
    func mayTurnOffRowChecks() throws -> Bool {
        let version = try connection.query("SELECT current_setting('server_version_num')::int").scalar(Int.self) ?? 0
        let question = version >= 150000
            ? "SELECT has_parameter_privilege('session_replication_role', 'SET')"
            : "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        return try connection.query(question).scalar(Bool.self) ?? false
    }
}

/// The merge found the database not as the checks left it: people it should have stored and did
/// not (a bug, caught before any enrollment could point at a missing person), or a pair someone
/// else enrolled meanwhile.
public enum EnrollmentMergeError: Error, CustomStringConvertible {
    case danglingReferences(Int)
    /// Someone else enrolled one of the file's people in one of its groups while it was imported.
    case enrolledMeanwhile

    public var description: String {
        switch self {
        case .danglingReferences(let count):
            "\(count) personas del archivo no quedaron registradas; no se importó nada"
        case .enrolledMeanwhile:
            "otra operación inscribió a una persona del archivo en uno de sus grupos mientras se importaba; no se importó nada, vuelva a importarlo"
        }
    }
}

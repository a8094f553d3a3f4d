import Capacita
import CapacitaFiles
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
        try analyze("enrollment_stage")
        let codes = Array(groups.keys)
        try connection.query(
            "INSERT INTO stage_group SELECT * FROM unnest($1::text[], $2::int[])",
            [codes, codes.map { String(groups[$0]!) }])
        try connection.query("INSERT INTO stage_agency SELECT unnest($1::text[])", [Array(agencies)])
        // Temporary tables get no statistics of their own; without them the planner guesses.
        try analyze("stage_group", "stage_agency")
        // Lock the groups this file fills, so two imports into one group cannot both pass the cupo
        // check, and its agencies, as a foreign key would. Every staged group and agency was known
        // when the run started; one that is gone now is reported instead of locked. A definer
        // function locks them and counts each group's places over every agency's enrollments,
        // which an enlace's own queries cannot see.
        var places = try connection.query(
            """
            SELECT group_code, agency_code, capacity, taken::int AS taken
            FROM enrollment_lock_groups($1::text[], $2::text[])
            """,
            [codes.sorted(), agencies.sorted()]
        ).map { row in
            GroupPlaces(
                code: try row.decode("group_code"), organizer: try row.decode("agency_code"),
                capacity: try row.decode("capacity"), taken: try row.decode("taken"))
        }
        // The grupo cells were not checked row by row: each row of a code that names no group is
        // reported on its line. The codes are few: the pass over the staged rows is made only when
        // one is unknown. (An agency was checked by the rows; one gone since is reported once.)
        // `places` holds every staged group that exists (the definer locked and counted them).
        let existing = Set(places.map(\.code))
        let unknown = codes.filter { !existing.contains($0) }
        var issues =
            try unknown.isEmpty
            ? []
            : connection.query(
                "SELECT line, group_code FROM enrollment_stage WHERE group_code = ANY($1::text[]) ORDER BY line",
                [unknown]
            ).map { row in
                ImportIssue(
                    line: try row.decode("line"), column: "grupo", value: try row.decode("group_code"),
                    message: "el grupo no existe; créelo con capacita group import o group create")
            }
        issues += try connection.query(
            "SELECT agency_code FROM stage_agency WHERE NOT EXISTS (SELECT 1 FROM agency a WHERE a.code = agency_code)"
        ).map { row in
            ImportIssue(
                line: 0, column: "dependencia", value: try row.decode("agency_code"),
                message: "dejó de existir mientras se importaba el archivo")
        }
        issues += try groupsOfOtherAgencies(&places)
        clock.lap("lock groups and agencies")
        issues += try findStored()
        clock.lap("find stored enrollments")
        var capacityAndPrerequisites = try fullGroups(places)
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
            INSERT INTO stage_person (curp, line, given_names, first_surname, second_surname, sex, email, differs)
            SELECT a.curp, a.line, \(Self.personColumns("a")), a.email, a.differs
            FROM (SELECT curp, min(line) AS line, min(person) AS person, max(email) AS email,
                         min(shared) <> max(shared) OR min(email) <> max(email) AS differs
                  FROM enrollment_stage GROUP BY curp) a
            """)
        try analyze("stage_person")
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

    /// An enlace fills only the groups its own agency organizes (db/ACCESS.md, "What an enlace
    /// learns of a person"). Rows naming another agency's group are refused alike whoever the
    /// person is, and are taken out of the stage: every later check (stored pairs, cupo,
    /// prerequisites) would otherwise answer from that agency's people.
    private func groupsOfOtherAgencies(_ places: inout [GroupPlaces]) throws -> [ImportIssue] {
        guard let identity = connection.identity, identity.role == .enlace, let mine = identity.agency else {
            return []
        }
        let foreign = places.filter { $0.organizer != mine }.map(\.code)
        guard !foreign.isEmpty else { return [] }
        places.removeAll { foreign.contains($0.code) }
        let issues = try connection.query(
            "SELECT line, group_code FROM enrollment_stage WHERE group_code = ANY($1::text[]) ORDER BY line",
            [foreign]
        ).map { row in
            AccessRules.Refusal.groupOrganizedElsewhere(mine).issue(
                line: try row.decode("line"), column: "grupo", value: try row.decode("group_code"))
        }
        try connection.query("DELETE FROM enrollment_stage WHERE group_code = ANY($1::text[])", [foreign])
        try connection.query("DELETE FROM stage_group WHERE group_code = ANY($1::text[])", [foreign])
        return issues
    }

    /// The staged rows whose (group, person) is already stored, with whether the file changes that
    /// enrollment. Found once, before the checks: cupo and prerequisites concern new rows only, and
    /// the merge then never joins the staged rows against the table it is inserting into, a plan
    /// PostgreSQL may make quadratic when that table looked empty at planning time and fills up
    /// while the statement runs.
    private func findStored() throws -> [ImportIssue] {
        // From a definer function: pairs stored by any agency, with whether this caller may change
        // them (AccessRules). An enlace's own join would miss other agencies' pairs.
        try connection.execute(
            """
            INSERT INTO stage_existing (line, group_code, curp, enrollment_changed, writable)
            SELECT line, group_code, curp, enrollment_changed, writable FROM enrollment_stage_existing()
            """)
        try analyze("stage_existing")
        return try connection.query(
            "SELECT line, group_code FROM stage_existing WHERE enrollment_changed AND NOT writable ORDER BY line"
        ).map { row in
            AccessRules.Refusal.enrollmentOfAnotherAgency.issue(
                line: try row.decode("line"), column: "grupo", value: try row.decode("group_code"))
        }
    }

    /// Rows that would take a group past its cupo: in file order, the ones after the last free place.
    /// `places` counts each group's enrollments over every agency (enrollment_lock_groups).
    private func fullGroups(_ places: [GroupPlaces]) throws -> [ImportIssue] {
        // A group can only overflow if its new rows in the file would not all fit: find those
        // groups first, and look at rows only in them. A file sent again adds no row.
        let stored = Dictionary(
            uniqueKeysWithValues: try connection.query(
                "SELECT group_code, count(*)::int AS n FROM stage_existing GROUP BY group_code"
            ).map { (try $0.decode("group_code", as: String.self), try $0.decode("n", as: Int.self)) })
        let staged = Dictionary(
            uniqueKeysWithValues: try connection.query("SELECT group_code, rows FROM stage_group").map {
                (try $0.decode("group_code", as: String.self), try $0.decode("rows", as: Int.self))
            })
        let crowded = places.filter { group in
            guard let capacity = group.capacity else { return false }
            let fresh = (staged[group.code] ?? 0) - (stored[group.code] ?? 0)
            return fresh > 0 && fresh + group.taken > capacity
        }
        guard !crowded.isEmpty else { return [] }
        return try connection.query(
            """
            WITH crowded AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS c(group_code, capacity, taken)),
            incoming AS (
                SELECT s.line, s.group_code, c.capacity, c.taken,
                       row_number() OVER (PARTITION BY s.group_code ORDER BY s.line) AS place
                FROM enrollment_stage s JOIN crowded c ON c.group_code = s.group_code
                WHERE NOT EXISTS (SELECT 1 FROM stage_existing x WHERE x.line = s.line)
            )
            SELECT line, group_code, capacity, taken FROM incoming WHERE taken + place > capacity ORDER BY line
            """, [crowded.map(\.code), crowded.map { String($0.capacity ?? 0) }, crowded.map { String($0.taken) }]
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
    /// Checked by a definer function: an enlace's rows over its own agency's acreditados only (what
    /// the person passed elsewhere cannot change the answer), the Secretaría Técnica's over every
    /// agency's. The message names the course's prerequisites as the catalog lists them.
    private func missingPrerequisites() throws -> [ImportIssue] {
        // The file's groups whose course has prerequisites first: often none (a Taller, a Básico),
        // and then no staged row needs a look.
        let gated = try connection.query(
            """
            SELECT sg.group_code, g.course_code,
                   (SELECT string_agg(p.requires_code, ', ' ORDER BY p.requires_code) FROM course_prerequisite p
                    WHERE p.course_code = g.course_code) AS requires
            FROM stage_group sg JOIN training_group g ON g.code = sg.group_code
            WHERE EXISTS (SELECT 1 FROM course_prerequisite p WHERE p.course_code = g.course_code)
            """
        ).map {
            (
                group: try $0.decode("group_code", as: String.self),
                course: try $0.decode("course_code", as: String.self),
                requires: try $0.decode("requires", as: String.self)
            )
        }
        guard !gated.isEmpty else { return [] }
        let byGroup = Dictionary(gated.map { ($0.group, $0) }, uniquingKeysWith: { first, _ in first })
        return try connection.query(
            "SELECT line, group_code FROM enrollment_stage_missing_prerequisites($1::text[]) ORDER BY line",
            [gated.map(\.group)]
        ).map { row in
            let group: String = try row.decode("group_code")
            let gate = byGroup[group]
            return ImportIssue(
                line: try row.decode("line"), column: "grupo", value: group,
                message:
                    "el curso \(gate?.course ?? "") requiere haber acreditado \(gate?.requires ?? ""); use --skip-prerequisites para inscribir de todos modos"
            )
        }
    }
}

/// A group of the file, locked, with its cupo and the places taken in it by every agency.
struct GroupPlaces {
    var code: String
    /// The agency that organizes the group (`training_group.agency_code`).
    var organizer: String
    var capacity: Int?
    var taken: Int
}

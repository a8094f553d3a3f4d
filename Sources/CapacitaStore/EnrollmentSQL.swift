import Capacita
import Postgres

/// The SQL of an enrollment import: the staging table (EnrollmentStage.swift), the checks that
/// need the whole file or the database (EnrollmentChecks.swift), and here the classification and
/// the set-based merge. Every statement works on all staged rows at once.
struct EnrollmentSQL {
    let connection: Connection
    /// Which staged tables get statistics before they are joined (EnrollmentStage.swift).
    var statistics = StageStatistics()

    /// How many of the `stagedRows` are new enrollments, and how many stored ones the file changes:
    /// the enrollment itself (agency, tier, puesto) or its person's data as the caller reads it
    /// (an enlace: its own agency's record, so the split tells nothing of another agency's). People are compared once
    /// each, not once per row: a file sent again compared a million rows with their people before.
    func classify(stagedRows: Int) throws -> (imported: Int, updated: Int) {
        try connection.execute(
            """
            INSERT INTO stage_person_changed (curp)
            SELECT s.curp
            FROM stage_person s
            JOIN (SELECT curp, given_names, first_surname, second_surname, sex, email FROM person
                  WHERE capacita_role() IS DISTINCT FROM 'enlace'
                  UNION ALL
                  SELECT curp, given_names, first_surname, second_surname, sex, email FROM person_agency
                  WHERE capacita_role() = 'enlace' AND agency_code = capacita_agency()) p ON p.curp = s.curp
            WHERE (p.given_names, p.first_surname, p.second_surname, p.sex) IS DISTINCT FROM
                  (s.given_names, s.first_surname, s.second_surname, s.sex)
               OR (s.email IS NOT NULL AND p.email IS DISTINCT FROM s.email)
            """)
        try analyze("stage_person_changed")
        let row = try connection.query(
            """
            SELECT count(*) AS stored,
                   count(*) FILTER (WHERE x.enrollment_changed OR x.curp IN (SELECT curp FROM stage_person_changed)) AS updated
            FROM stage_existing x
            """
        ).rows.first
        let stored: Int = try row?.decode("stored") ?? 0
        return (stagedRows - stored, try row?.decode("updated") ?? 0)
    }

    /// Upserts people, then enrollments. An empty e-mail or puesto never erases a stored one;
    /// names are taken as written in the newest file. A baja stays a baja: a file that lists the
    /// person again (often the same file re-sent) does not undo an explicit drop. People are
    /// locked in CURP order so two imports running at once lock shared people in the same order.
    /// The same person twice in one group was left to this merge (crossRowIssues): it throws
    /// `MergeRefusal` with those rows when it finds one.
    /// Each staged person's record for the agencies of their rows is written too
    /// (`person_agency_merge`): it is what an enlace reads of them. Returns what the report adds.
    func merge(batch: Int64, stagedRows: Int, clock: inout PhaseClock) throws -> [String: Int] {
        // A pair the file repeats is new twice (the primary key stops the INSERT below) or stored
        // twice over: both rows then matched the stored enrollment (findStored).
        let existing = try connection.query("SELECT count(*) FROM stage_existing").scalar(Int.self) ?? 0
        if existing > 0,
            try !connection.query("SELECT 1 FROM stage_existing GROUP BY group_code, curp HAVING count(*) > 1 LIMIT 1")
                .rows.isEmpty
        {
            throw MergeRefusal(issues: try groupDuplicateIssues())
        }
        // The Secretaría Técnica on a role that may turn off row checks (the CLI's superuser) merges
        // here; everyone else, the service's application role above all, through the definer
        // function that checks the caller's rights and the references before writing.
        let identity = connection.identity
        guard identity == nil || identity?.role == .admin, try mayTurnOffRowChecks() else {
            return try applyThroughDefiner(batch: batch, clock: &clock)
        }
        // One row per CURP in stage_person (all of a CURP's rows carry the same data: checked).
        let people = try connection.query("SELECT count(*) FROM stage_person").scalar(Int.self) ?? 0
        // When the file adds enrollments, people already stored are locked as a foreign key would
        // lock them, so none can be deleted before this import commits. A file sent again adds
        // none and locks no one (300,000 row locks were 1.2 s of such a re-import).
        let lock = stagedRows > existing ? "ORDER BY curp FOR KEY SHARE" : ""
        var stored = try connection.query(
            """
            INSERT INTO stage_stored (curp)
            SELECT curp FROM person WHERE curp IN (SELECT curp FROM stage_person) \(lock)
            """
        ).affectedRows
        try analyze("stage_stored")
        clock.lap("lock people")
        try connection.query(
            """
            UPDATE person p SET
                given_names = s.given_names, first_surname = s.first_surname, second_surname = s.second_surname,
                sex = s.sex, email = COALESCE(s.email, p.email), updated_at = now()
            FROM stage_person s
            WHERE p.curp = s.curp
              AND (p.given_names, p.first_surname, p.second_surname, p.sex, p.email)
                  IS DISTINCT FROM (s.given_names, s.first_surname, s.second_surname, s.sex, COALESCE(s.email, p.email))
            """)
        // Another import may be adding the same new people right now (two agencies' files, one
        // person): the insert waits for it on the key and skips whom it added, instead of failing
        // on person_pkey. Those are then stored: locked like the rest and given this file's data,
        // as the newest file's names win.
        let added = try connection.query(
            """
            INSERT INTO person (curp, given_names, first_surname, second_surname, sex, email)
            SELECT curp, given_names, first_surname, second_surname, sex, email
            FROM stage_person s WHERE NOT EXISTS (SELECT 1 FROM stage_stored x WHERE x.curp = s.curp)
            ORDER BY curp
            ON CONFLICT (curp) DO NOTHING
            """
        ).affectedRows
        if stored + added < people {
            let meanwhile = try connection.query(
                """
                WITH late AS (
                    SELECT p.curp FROM person p
                    WHERE p.curp IN (SELECT curp FROM stage_person) AND p.curp NOT IN (SELECT curp FROM stage_stored)
                      AND p.xmin <> pg_current_xact_id()::xid
                    ORDER BY p.curp FOR KEY SHARE
                )
                UPDATE person p SET
                    given_names = s.given_names, first_surname = s.first_surname, second_surname = s.second_surname,
                    sex = s.sex, email = COALESCE(s.email, p.email), updated_at = now()
                FROM stage_person s
                WHERE p.curp = s.curp AND p.curp IN (SELECT curp FROM late)
                """
            ).affectedRows
            stored += meanwhile
        }
        guard stored + added == people else { throw EnrollmentMergeError.danglingReferences(people - stored - added) }
        try connection.query("SELECT person_agency_merge($1)", [batch])
        clock.lap("merge people")
        // A file sent again adds nothing: no insert to run.
        if stagedRows > existing { try insertNew(batch: batch, existing: existing) }
        clock.lap("insert enrollments")
        guard existing > 0 else { return [:] }
        try connection.query(
            """
            UPDATE enrollment e SET
                agency_code = s.agency_code, tier = s.tier,
                position_title = COALESCE(s.position_title, e.position_title),
                batch_id = $1, updated_at = now()
            FROM stage_existing x JOIN enrollment_stage s ON s.line = x.line
            WHERE x.enrollment_changed AND e.group_code = s.group_code AND e.curp = s.curp
            """, [batch])
        clock.lap("update enrollments")
        return [:]
    }

    /// The merge as `enrollment_import_apply` makes it (its current body is in db/schema.sql):
    /// people, new and changed enrollments in one definer call that re-checks every reference and
    /// the caller's right to each row before inserting without per-row checks.
    private func applyThroughDefiner(batch: Int64, clock: inout PhaseClock) throws -> [String: Int] {
        try connection.execute("SAVEPOINT apply_enrollments")
        do {
            try connection.query("SELECT 1 FROM enrollment_import_apply($1)", [batch])
        } catch {
            guard error.isUniqueViolation(of: "enrollment_pkey") else { throw error }
            try connection.execute("ROLLBACK TO SAVEPOINT apply_enrollments")
            let repeated = try groupDuplicateIssues()
            guard !repeated.isEmpty else { throw EnrollmentMergeError.enrolledMeanwhile }
            throw MergeRefusal(issues: repeated)
        }
        try connection.execute("RELEASE SAVEPOINT apply_enrollments")
        clock.lap("apply (definer)")
        return [:]
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
            try connection.query(
                """
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
        let question =
            version >= 150000
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

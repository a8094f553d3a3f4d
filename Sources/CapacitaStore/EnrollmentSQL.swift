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

    /// Upserts people, then enrollments, through `enrollment_import_apply` for every caller: the
    /// Secretaría Técnica on the command line (a superuser acting as admin) and the service's
    /// application role write through the same SQL, which re-checks every reference and the
    /// caller's right to each row before inserting without per-row foreign-key checks (its current
    /// body is in db/schema.sql; db/ACCESS.md, "The bulk path"). An empty e-mail or puesto never
    /// erases a stored one; names are taken as written in the newest file. A baja stays a baja: a
    /// file that lists the person again (often the same file re-sent) does not undo an explicit
    /// drop. People are locked in CURP order so two imports running at once lock shared people in
    /// the same order. Each staged person's record for the agencies of their rows is written too
    /// (`person_agency_merge`): it is what an enlace reads of them.
    /// The same person twice in one group was left to this merge (crossRowIssues): it throws
    /// `MergeRefusal` with those rows when it finds one. Returns what the report adds.
    func merge(batch: Int64, clock: inout PhaseClock) throws -> [String: Int] {
        // A pair the file repeats is new twice (the primary key stops the function's INSERT) or
        // stored twice over: both rows then matched the stored enrollment (findStored).
        let existing = try connection.query("SELECT count(*) FROM stage_existing").scalar(Int.self) ?? 0
        if existing > 0,
            try !connection.query("SELECT 1 FROM stage_existing GROUP BY group_code, curp HAVING count(*) > 1 LIMIT 1")
                .rows.isEmpty
        {
            throw MergeRefusal(issues: try groupDuplicateIssues())
        }
        // A savepoint keeps the transaction usable when the key refuses a pair, to find every
        // repeated row for the report.
        try connection.execute("SAVEPOINT apply_enrollments")
        do {
            try connection.query("SELECT 1 FROM enrollment_import_apply($1)", [batch])
        } catch {
            guard error.isUniqueViolation(of: "enrollment_pkey") else { throw error }
            try connection.execute("ROLLBACK TO SAVEPOINT apply_enrollments")
            let repeated = try groupDuplicateIssues()
            // Not the file's doing: another writer enrolled the pair meanwhile. The server's own
            // message would print the CURP in full.
            guard !repeated.isEmpty else { throw EnrollmentMergeError.enrolledMeanwhile }
            throw MergeRefusal(issues: repeated)
        }
        try connection.execute("RELEASE SAVEPOINT apply_enrollments")
        clock.lap("apply (definer)")
        return [:]
    }
}

/// The merge found the database not as the checks left it: a pair someone else enrolled
/// meanwhile.
public enum EnrollmentMergeError: Error, CustomStringConvertible {
    /// Someone else enrolled one of the file's people in one of its groups while it was imported.
    case enrolledMeanwhile

    public var description: String {
        switch self {
        case .enrolledMeanwhile:
            "otra operación inscribió a una persona del archivo en uno de sus grupos mientras se importaba; no se importó nada, vuelva a importarlo"
        }
    }
}

import Capacita
import Postgres

/// The temporary table an enrollment import COPYs its checked rows into, and what each row
/// becomes there.
extension EnrollmentSQL {
    static let copyStage = """
        COPY enrollment_stage (line, curp, person, email, agency_code, tier, position_title, group_code, shared) FROM STDIN
        """

    /// A person's names and sex as one staged value: the per-CURP aggregate takes one of them (all
    /// equal: `sharedHash` checks that) with one text aggregate instead of four. The unit separator
    /// cannot occur in a name: the validator refuses control characters.
    static func personKey(_ row: EnrollmentRow) -> String {
        var key = row.givenNames
        key.reserveCapacity(
            row.givenNames.utf8.count + row.firstSurname.utf8.count + (row.secondSurname?.utf8.count ?? 0) + 5)
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
        return [
            String(row.line), row.curp.value, person, row.email, row.agencyCode, row.tier.rawValue, row.position,
            row.groupCode,
            String(sharedHash(row, person: person)),
        ]
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

    /// The tables an enrollment import stages into, kept for the whole database session: created
    /// once per connection, emptied by every commit and rollback (ON COMMIT DELETE ROWS). Creating
    /// six temporary tables, granting and dropping them in every import was catalog churn that
    /// serialized parallel uploads: 60 ms of an 8-connection upload's latency against 9 ms for
    /// filling and emptying the same tables (bench/RESULTS.md, run I). Keys use the "C" collation
    /// like the tables they are merged into (byte comparison, no locale).
    static let stageTables = [
        "enrollment_stage", "stage_group", "stage_agency", "stage_existing", "stage_person", "stage_person_changed",
    ]

    private static let createStageTables = """
        CREATE TEMP TABLE IF NOT EXISTS enrollment_stage (
            line integer NOT NULL, curp text COLLATE "C" NOT NULL, person text NOT NULL, email text,
            agency_code text COLLATE "C" NOT NULL, tier text NOT NULL, position_title text,
            group_code text COLLATE "C" NOT NULL, shared bigint NOT NULL
        ) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_group (
            group_code text COLLATE "C" PRIMARY KEY, rows integer NOT NULL
        ) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_agency (agency_code text COLLATE "C" PRIMARY KEY) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_existing (
            line integer NOT NULL, group_code text COLLATE "C" NOT NULL, curp text COLLATE "C" NOT NULL,
            enrollment_changed boolean, writable boolean
        ) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_person (
            curp text COLLATE "C" NOT NULL, line integer NOT NULL, given_names text, first_surname text,
            second_surname text, sex text, email text, differs boolean
        ) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_person_changed (curp text COLLATE "C" NOT NULL) ON COMMIT DELETE ROWS;
        GRANT SELECT, INSERT, DELETE ON \(stageTables.joined(separator: ", ")) TO PUBLIC
        """
    // The definer functions of the checks and the merge (current bodies in db/schema.sql) read the stage as its
    // owner, capacita_definer; and a role the session switches to (SET ROLE capacita_app, as the
    // access tests do) fills tables its first role made. No other session can open a session's
    // temporary tables whatever their grants, so PUBLIC here means the roles of this session.

    /// Makes the session's stage tables ready, before the import's transaction (a table created
    /// inside it would go with a dry run's rollback). Returns, for each stage table that has
    /// statistics, how many rows it held when they were taken: the statistics outlive the rows.
    func prepareStage() throws -> [String: Int] {
        let found = try connection.query(
            """
            SELECT relname::text AS name, reltuples::bigint AS analyzed
            FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relname = ANY($1::text[])
            """, [Self.stageTables]
        ).map { (try $0.decode("name", as: String.self), try $0.decode("analyzed", as: Int.self)) }
        guard found.count == Self.stageTables.count else {
            try connection.execute(Self.createStageTables)
            return [:]
        }
        // Inside a caller's transaction the commit that empties the stage has not come yet.
        if !connection.isIdle {
            try connection.execute(Self.stageTables.map { "DELETE FROM pg_temp.\($0)" }.joined(separator: "; "))
        }
        // reltuples is -1 until the first ANALYZE.
        return Dictionary(found.filter { $0.1 >= 0 }, uniquingKeysWith: { first, _ in first })
    }

    /// Gives the planner statistics of the staged `tables` that need new ones (`StageStatistics`).
    func analyze(_ tables: String...) throws {
        let stale = tables.filter { statistics.needsAnalyze($0) }
        if !stale.isEmpty { try connection.execute("ANALYZE " + stale.joined(separator: ", ")) }
    }
}

/// When the session's stage tables get statistics. Without any, the planner takes a temporary
/// table for thousands of rows and scans training_group and enrollment whole where a 200-row
/// file needs a few index lookups (bench/RESULTS.md, run I). Statistics once taken stay with the
/// table for the session while its rows go at every commit, so a file of about the same size is
/// planned well from them: they are taken again only for a large file
/// (`EnrollmentImporter.Options.analyzeStagesFrom`) or after one, whose statistics (and the
/// definer functions' plans cached from them) would otherwise stand for the next small file.
struct StageStatistics {
    /// Rows each stage table held when its statistics were taken; absent: never.
    var analyzedRows: [String: Int] = [:]
    var stagedRows = 0
    var largeFrom = EnrollmentImporter.Options.defaultAnalyzeStagesFrom

    func needsAnalyze(_ table: String) -> Bool {
        guard let rows = analyzedRows[table] else { return true }
        return stagedRows >= largeFrom || rows >= largeFrom
    }
}

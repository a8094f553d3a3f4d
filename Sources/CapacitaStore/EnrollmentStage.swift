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

    func createStage() throws {
        // Temporary: not WAL-logged, private to this session, gone at commit or rollback. Keys use
        // the "C" collation like the tables they are merged into (byte comparison, no locale).
        try connection.execute(
            """
            CREATE TEMP TABLE enrollment_stage (
                line integer NOT NULL, curp text COLLATE "C" NOT NULL, person text NOT NULL, email text,
                agency_code text COLLATE "C" NOT NULL, tier text NOT NULL, position_title text,
                group_code text COLLATE "C" NOT NULL, shared bigint NOT NULL
            ) ON COMMIT DROP;
            GRANT SELECT ON enrollment_stage TO capacita_definer
            """)
        // The definer functions of the checks and the merge (db/migrations/0009) read the stage
        // as its owner: this grant, on this session's own temporary table, is all they get.
    }
}

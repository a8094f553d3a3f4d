import Capacita
import CapacitaFiles
import CapacitaStore
import Postgres
import Testing

/// The stage tables of enrollment imports live as long as the database session: made by the first
/// import on a connection, emptied by every commit and rollback, and analyzed only when the
/// statistics they carry would mislead the planner.
@Suite struct EnrollmentStageSessionTests {
    typealias File = EnrollmentImportTests
    static let tables = [
        "enrollment_stage", "stage_group", "stage_agency", "stage_existing", "stage_person", "stage_person_changed",
    ]

    /// Each stage table's identity in this session: the same OIDs mean the tables were not made again.
    static func stageTables(_ connection: Connection) throws -> [String: Int] {
        Dictionary(
            uniqueKeysWithValues: try connection.query(
                """
                SELECT relname::text AS name, oid::int8 AS id FROM pg_class
                WHERE relnamespace = pg_my_temp_schema() AND relname = ANY($1::text[])
                """, [tables]
            ).map { (try $0.decode("name", as: String.self), try $0.decode("id", as: Int.self)) })
    }

    static func stagedRows(_ connection: Connection) throws -> Int {
        try tables.reduce(0) { sum, table in sum + (try count("pg_temp.\(table)", connection)) }
    }

    @Test func madeOncePerSessionAndLeftEmptyByEveryOutcome() throws {
        try withLoadedDatabase { connection in
            try importGroups(File.groups, into: connection)
            let good = try temporaryFile(
                File.header + [File.gloria + ",BAS-1", File.carlos + ",BAS-1"].joined(separator: "\n"))
            let dry = try enroll(good, connection, dryRun: true)
            #expect(dry.accepted && dry.imported == 2 && dry.dryRun)
            let made = try Self.stageTables(connection)
            #expect(made.count == Self.tables.count)
            #expect(try Self.stagedRows(connection) == 0 && count("enrollment", connection) == 0)

            let bad = try temporaryFile(
                File.header + [File.gloria + ",BAS-1", "XXXX,Ana,Ruiz,,M,,SICT,K,,BAS-1"].joined(separator: "\n"))
            let refused = try enroll(bad, connection)
            #expect(!refused.accepted && refused.rejected.contains { $0.line == 3 && $0.column == "curp" })
            #expect(try Self.stagedRows(connection) == 0 && count("enrollment", connection) == 0)

            let first = try enroll(good, connection)
            #expect(first.accepted && first.imported == 2)
            let again = try enroll(good, connection)
            #expect(again.accepted && again.imported == 0 && again.unchanged == 2)
            #expect(try count("enrollment", connection) == 2 && Self.stagedRows(connection) == 0)
            #expect(try Self.stageTables(connection) == made)
        }
    }

    /// Inside a caller's transaction no commit empties the stage between two imports: the second
    /// must not see the first's rows.
    @Test func twoImportsInOneTransactionStageOnlyTheirOwnRows() throws {
        try withLoadedDatabase { connection in
            try importGroups(File.groups, into: connection)
            _ = try enroll(try temporaryFile(File.header + File.juan + ",BAS-2\n"), connection)
            // Inside a caller's transaction each import opens its batch in a savepoint: the
            // function takes a batch its own transaction's subtransaction wrote (0018).
            let (first, second) = try connection.withTransaction { connection in
                (
                    try enroll(try temporaryFile(File.header + File.gloria + ",BAS-1\n"), connection),
                    try enroll(try temporaryFile(File.header + File.carlos + ",BAS-1\n"), connection)
                )
            }
            #expect(first.accepted && first.rows == 1 && first.imported == 1)
            #expect(second.accepted && second.rows == 1 && second.imported == 1 && second.unchanged == 0)
            #expect(try count("enrollment", connection) == 3)
        }
    }

    /// Statistics are taken on a session's first import, for a large file, and for the file after
    /// a large one; a small file after a small one is planned from the statistics already there.
    @Test func statisticsAreTakenAgainOnlyWhenTheyWouldMislead() throws {
        try withLoadedDatabase { connection in
            try importGroups(File.groups, into: connection)
            func enrollAndRead(_ people: [String]) throws -> Double {
                let outcome = try EnrollmentImporter(connection: connection).run(
                    try InputFile(
                        path: try temporaryFile(File.header + people.map { $0 + ",BAS-2" }.joined(separator: "\n"))),
                    options: .init(tiers: try repositoryTiers(), ranBy: "test", analyzeStagesFrom: 3))
                #expect(outcome.accepted)
                return try connection.query(
                    "SELECT reltuples::float8 FROM pg_class WHERE oid = 'pg_temp.enrollment_stage'::regclass"
                ).scalar(Double.self) ?? -2
            }
            #expect(try enrollAndRead([File.gloria]) == 1)  // never analyzed
            #expect(try enrollAndRead([File.gloria, File.carlos]) == 1)  // small after small: kept
            #expect(try enrollAndRead([File.gloria, File.carlos, File.maria]) == 3)  // large
            #expect(try enrollAndRead([File.juan]) == 1)  // small after large
            #expect(try count("enrollment", connection) == 4)
        }
    }
}

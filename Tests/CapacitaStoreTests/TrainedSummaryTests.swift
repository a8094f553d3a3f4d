import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import Testing

/// The trained_year summary behind coverage and Parámetro 4.2 never drifts from the base tables:
/// after each import, result, drop, group and catalog change and hand-written SQL, it holds exactly
/// what the base tables say, and the reports count the same people through it as the plain query.
///
/// Superuser throughout: the tests read the summary's own tables (trained_year, trained_dirty) to
/// compare them with the base tables, and write by hand as an operator does (DELETE on enrollment
/// and constancia); the application role may do neither: it reads the summary only through
/// trained_counts. The imports in them still go through the one definer path, acting as admin.
@Suite struct TrainedSummaryTests {
    static let gloria = "HEGG560427MVZRRL04"
    static let carlos = "GOMC820101HDFMRR04"

    /// Summary rows that differ from a recomputation from the base tables, counted both ways.
    private func drift(_ connection: Connection) throws -> Int {
        try connection.query(
            """
            SELECT count(*) FROM (
                (SELECT * FROM trained_year EXCEPT ALL SELECT * FROM trained_year_source(NULL))
                UNION ALL
                (SELECT * FROM trained_year_source(NULL) EXCEPT ALL SELECT * FROM trained_year)
            ) differences
            """
        ).scalar(Int.self) ?? -1
    }

    /// Per year and window, the counts the reports read from the summary and from the base tables.
    private func expectReportsAgree(_ connection: Connection, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let store = CoverageStore(connection: connection)
        for year in 2022...2026 {
            for window in CoverageOptions.Window.allCases {
                let options = CoverageOptions(window: window)
                let from = try store.windowStart(year: year, options: options)
                let plain = try connection.query(
                    CoverageStore.trainedSQL, ["\(from)-01-01", "\(year)-12-31", Level.allCases.map(\.rawValue)]
                )
                .map {
                    "\(try $0.decode("agency_code", as: String.self))/\(try $0.decode("tier", as: String.self))=\(try $0.decode("people", as: Int.self))"
                }
                let summary = try store.trained(year: year, options: options)
                    .map { "\($0.agencyCode)/\($0.tier.rawValue)=\($0.people)" }
                #expect(Set(summary) == Set(plain), "\(year) \(window)", sourceLocation: sourceLocation)
            }
        }
    }

    private func expectExact(_ connection: Connection, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try drift(connection) == 0, sourceLocation: sourceLocation)
        try expectReportsAgree(connection, sourceLocation: sourceLocation)
    }

    private func years(of curp: String, _ connection: Connection) throws -> [Int] {
        try connection.query("SELECT year FROM trained_year WHERE curp = $1 ORDER BY year", [curp]).map {
            try $0.decode("year")
        }
    }

    /// The coverage fixture's groups and people, enrolled (two files: one file may not give one
    /// person two agencies), none acreditado yet.
    private func enrollCoverageFixture(_ connection: Connection) throws {
        try importGroups(CoverageStoreTests.groups, into: connection)
        let rows = CoverageStoreTests.rows
        for file in [Array(rows.prefix(1)), Array(rows.dropFirst())] {
            let outcome = try enroll(
                try temporaryFile(CoverageStoreTests.header + file.joined(separator: "\n")), connection,
                skipPrerequisites: true)
            try #require(outcome.accepted, "\(outcome.rejected)")
        }
    }

    /// The coverage fixture's people (all but Gloria's 2023 row), enrolled and not yet acreditados.
    private func withEnrolledPeople(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabaseAsSuperuser { connection in
            try importGroups(CoverageStoreTests.groups, into: connection)
            let file = try temporaryFile(
                CoverageStoreTests.header + CoverageStoreTests.rows.dropFirst().joined(separator: "\n"))
            try #require(try enroll(file, connection, skipPrerequisites: true).accepted)
            try body(connection)
        }
    }

    @Test func summaryFollowsEveryKindOfWrite() throws {
        try withLoadedDatabaseAsSuperuser { connection in
            try enrollCoverageFixture(connection)
            #expect(try count("trained_year", connection) == 0)
            try expectExact(connection)

            // Results: Gloria and Carlos pass the Curso Básico of 2024.
            let results =
                "curp,grupo,asistencia,calificacion\n\(Self.gloria),BAS-24,100,95\n\(Self.carlos),BAS-24,100,90\n"
            let graded = try ResultsImporter(connection: connection).run(
                try InputFile(path: try temporaryFile(results)),
                options: .init(ranBy: "test"))
            try #require(graded.accepted, "\(graded.rejected)")
            #expect(try years(of: Self.gloria, connection) == [2024])
            try expectExact(connection)

            // Hand-written SQL: everyone acreditado.
            try connection.query("UPDATE enrollment SET status = 'acreditado' WHERE status <> 'acreditado'")
            #expect(try years(of: Self.gloria, connection) == [2023, 2024])
            try expectExact(connection)

            // A drop takes the 2024 enrollment out; the 2023 one still counts.
            _ = try EnrollmentStore(connection: connection).drop(
                group: "BAS-24", curp: try Curp.parse(Self.gloria).get(), reason: "baja")
            #expect(try years(of: Self.gloria, connection) == [2023])
            try expectExact(connection)

            // A group re-imported with another end date moves its people to another year.
            try importGroups(
                CoverageStoreTests.groups.replacingOccurrences(
                    of: "2023-05-02,2023-05-06", with: "2023-12-28,2024-01-05"),
                into: connection)
            #expect(try years(of: Self.gloria, connection) == [2024])
            try expectExact(connection)

            // The catalog: a course that starts counting.
            try connection.query("UPDATE course SET counts_for_indicator = true WHERE program = 'pnc-2018'")
            #expect(try years(of: "RAMJ011120HNLMRNA9", connection) == [2024])
            try expectExact(connection)

            // An agency's code changes; the enrollments follow by cascade, and so does the summary.
            try connection.query("UPDATE agency SET code = 'SICT-2' WHERE code = 'SICT'")
            #expect(
                try connection.query("SELECT count(*) FROM trained_year WHERE agency_code = 'SICT-2'").scalar(Int.self)
                    ?? 0 > 0)
            try expectExact(connection)

            // Deleted by hand.
            try connection.query("DELETE FROM constancia WHERE curp = $1", [Self.carlos])
            try connection.query("DELETE FROM enrollment WHERE curp = $1", [Self.carlos])
            #expect(try years(of: Self.carlos, connection).isEmpty)
            try expectExact(connection)
        }
    }

    @Test func reportsInsideAWritingTransactionSeeItsOwnWrites() throws {
        try withEnrolledPeople { connection in
            try connection.withTransaction { connection in
                try connection.query("UPDATE enrollment SET status = 'acreditado'")
                // Not committed yet: the report folds in this transaction's own change.
                try expectReportsAgree(connection)
                #expect(try drift(connection) == 0)
            }
            try expectExact(connection)
        }
    }

    @Test func fullRebuildGivesTheSameRowsAsThePerPersonRefresh() throws {
        try withEnrolledPeople { connection in
            try connection.withTransaction { connection in
                try connection.query("UPDATE enrollment SET status = 'acreditado'")
                // Force the path taken past the threshold: everyone recomputed.
                #expect(try connection.query("SELECT trained_refresh(1)").scalar(Int.self) ?? 0 > 0)
                #expect(try count("trained_dirty", connection) == 0)
            }
            #expect(try count("trained_year", connection) > 0)
            try expectExact(connection)
        }
    }

    @Test func twoTransactionsChangingOnePersonLeaveItExact() throws {
        try TestSupportBridge.withTwoConnections(asSuperuser: true) { first, second in
            try enrollCoverageFixture(first)
            // Gloria's 2023 enrollment changes in an open transaction while another session
            // changes her 2024 one and commits first: the later commit must see the earlier.
            try first.execute("BEGIN")
            try first.query(
                "UPDATE enrollment SET status = 'acreditado' WHERE curp = $1 AND group_code = 'BAS-23'", [Self.gloria])
            try second.query(
                "UPDATE enrollment SET status = 'acreditado' WHERE curp = $1 AND group_code = 'BAS-24'", [Self.gloria])
            #expect(try years(of: Self.gloria, second) == [2024])
            try first.execute("COMMIT")
            #expect(try years(of: Self.gloria, first) == [2023, 2024])
            try expectExact(first)
        }
    }

    @Test func rollbackLeavesTheSummaryAsItWas() throws {
        try withEnrolledPeople { connection in
            try connection.query("UPDATE enrollment SET status = 'acreditado'")
            let before = try count("trained_year", connection)
            struct Abandon: Error {}
            #expect(throws: Abandon.self) {
                try connection.withTransaction { connection in
                    try connection.query("DELETE FROM constancia")
                    try connection.query("DELETE FROM enrollment")
                    _ = try CoverageStore(connection: connection).trained(year: 2024, options: CoverageOptions())
                    throw Abandon()
                }
            }
            #expect(try count("trained_year", connection) == before)
            try expectExact(connection)
        }
    }
}

import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import Testing

@Suite struct ResultsImportTests {
    static let header =
        "curp,grupo,asistencia,pre,post,calificacion,reaccion_metodologia,reaccion_instructores,reaccion_contenidos,reaccion_infraestructura\n"
    static let gloria = "HEGG560427MVZRRL04"
    static let carlos = "GOMC820101HDFMRR04"

    /// Gloria and Carlos enrolled in BAS-1 (rule 80/80).
    private func withEnrolledGroup(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabase { connection in
            try importGroups(EnrollmentImportTests.groups, into: connection)
            let enrolled = try enroll(
                try temporaryFile(
                    EnrollmentImportTests.header
                        + [
                            EnrollmentImportTests.gloria,
                            EnrollmentImportTests.carlos,
                        ]
                        .map { $0 + ",BAS-1" }.joined(separator: "\n")), connection)
            try #require(enrolled.accepted)
            try body(connection)
        }
    }

    private func results(_ rows: [String], _ connection: Connection, dryRun: Bool = false) throws -> ImportOutcome {
        try ResultsImporter(connection: connection).run(
            try InputFile(path: try temporaryFile(Self.header + rows.joined(separator: "\n"))),
            options: .init(dryRun: dryRun, ranBy: "test"))
    }

    private func enrollment(_ curp: String, _ connection: Connection) throws -> Row {
        try #require(
            try connection.query(
                """
                SELECT status, attendance::float8 AS attendance, pre_score::float8 AS pre, post_score::float8 AS post,
                       final_score::float8 AS final, rule_min_score::float8 AS rule_min_score
                FROM enrollment WHERE group_code = 'BAS-1' AND curp = $1
                """, [curp]
            ).rows.first)
    }

    @Test func laterFileCompletesEarlierResultsAndEmptyCellsNeverErase() throws {
        try withEnrolledGroup { connection in
            let first = try results(["\(Self.gloria),BAS-1,90,40,,,,,,"], connection)
            #expect(first.accepted && first.imported == 1 && first.unchanged == 0)
            #expect(try enrollment(Self.gloria, connection).decode("status", as: String.self) == "inscrito")
            let second = try results(["\(Self.gloria),BAS-1,,,85,\"80,0\",5,4,4,3"], connection)
            #expect(second.accepted && second.updated == 1)
            let row = try enrollment(Self.gloria, connection)
            #expect(try row.decode("attendance", as: Double?.self) == 90)
            #expect(try row.decode("pre", as: Double?.self) == 40)
            #expect(try row.decode("final", as: Double?.self) == 80)
            #expect(try row.decode("status", as: String.self) == "acreditado")  // exactly at the minimum
            #expect(try row.decode("rule_min_score", as: Double?.self) == 80)
            let again = try results(["\(Self.gloria),BAS-1,,,85,\"80,0\",5,4,4,3"], connection)
            #expect(again.unchanged == 1 && again.updated == 0)
            let cleared = try results(["\(Self.gloria),BAS-1,,borrar,,,,,,"], connection)
            #expect(cleared.updated == 1)
            #expect(try enrollment(Self.gloria, connection).decode("pre", as: Double?.self) == nil)
        }
    }

    @Test func rowsForPeopleNotEnrolledOrRepeatedAreRefused() throws {
        try withEnrolledGroup { connection in
            let outcome = try results(
                [
                    "\(Self.gloria),BAS-1,90,,,,,,,", "\(Self.gloria),BAS-1,91,,,,,,,",
                    "LOPM900315MJCPRR00,BAS-1,90,,,,,,,", "\(Self.carlos),BAS-2,90,,,,,,,",
                ], connection)
            #expect(outcome.rejected.map { "\($0.line):\($0.column)" } == ["3:curp", "4:curp", "5:curp"])
            #expect(outcome.rejected[1].message == "la persona no está inscrita en el grupo BAS-1")
            #expect(
                try connection.query("SELECT count(*) FROM enrollment WHERE attendance IS NOT NULL").scalar(Int.self)
                    == 0)
        }
    }

    @Test func sqlStatusFunctionAgreesWithThePassingRule() throws {
        try withMigratedDatabase { connection in
            for rule in [PassingRule(minScore: 80, minAttendance: 80), PassingRule(minScore: 0, minAttendance: 80)] {
                for score in [nil, 0, 79.99, 80, 80.01, 100] as [Double?] {
                    for attendance in [nil, 0, 79.99, 80, 100] as [Double?] {
                        let sql = try connection.query(
                            "SELECT enrollment_status($1::numeric, $2::numeric, $3::numeric, $4::numeric)",
                            [attendance, score, rule.minScore, rule.minAttendance]
                        ).scalar(String.self)
                        #expect(
                            sql == rule.status(score: score, attendance: attendance).rawValue,
                            "\(rule) \(String(describing: score)) \(String(describing: attendance))")
                    }
                }
            }
        }
    }

    @Test func constanciasAreIssuedSequentiallyRevokedAndNeverDeleted() throws {
        try withEnrolledGroup { connection in
            let outcome = try results(
                ["\(Self.gloria),BAS-1,90,40,85,90,,,,", "\(Self.carlos),BAS-1,100,50,95,95,,,,"], connection)
            #expect(outcome.extra["constancias_issued"] == 2)
            let store = ConstanciaStore(connection: connection)
            let issued = try store.list(group: "BAS-1")
            #expect(issued.map(\.folio) == ["PNC-2024-000001", "PNC-2024-000002"])
            #expect(Set(issued.map(\.code)).count == 2)
            let carlos = try #require(issued.first { $0.curp.value == Self.carlos })

            // Carlos's final score is corrected below the minimum: his constancia is revoked, not deleted.
            let corrected = try results(["\(Self.carlos),BAS-1,,,,70,,,,"], connection)
            #expect(corrected.extra["constancias_revoked"] == 1)
            let revoked = try #require(try store.find(code: carlos.code))
            #expect(revoked.revokedAt != nil && revoked.revokedReason == "el resultado cambió a no_acreditado")

            // Corrected back: a new constancia with the next folio; the revoked one stays.
            _ = try results(["\(Self.carlos),BAS-1,,,,95,,,,"], connection)
            let all = try store.list(group: "BAS-1")
            #expect(all.map(\.folio) == ["PNC-2024-000001", "PNC-2024-000002", "PNC-2024-000003"])
            #expect(all.filter { $0.revokedAt == nil }.count == 2)

            // A drop revokes too.
            let gloria = try Curp.parse(Self.gloria).get()
            #expect(
                try EnrollmentStore(connection: connection).drop(group: "bas-1", curp: gloria, reason: "Renuncia") == 1)
            #expect(
                try store.list(group: "BAS-1").first { $0.curp.value == Self.gloria }?.revokedReason == "baja: Renuncia"
            )
            #expect(throws: EnrollmentStore.DropError.alreadyDropped(group: "BAS-1", curp: gloria.masked)) {
                try EnrollmentStore(connection: connection).drop(group: "BAS-1", curp: gloria, reason: "otra vez")
            }
        }
    }

    @Test func aCatalogRuleChangeKeepsDecidedStatusesUntilResultsChange() throws {
        try withEnrolledGroup { connection in
            _ = try results(["\(Self.gloria),BAS-1,90,40,85,82,,,,"], connection)
            try connection.query("UPDATE course SET min_score = 85 WHERE code = 'PNC22-BAS'")
            #expect(try enrollment(Self.gloria, connection).decode("status", as: String.self) == "acreditado")
            _ = try results(["\(Self.gloria),BAS-1,91,,,,,,,"], connection)
            let row = try enrollment(Self.gloria, connection)
            #expect(try row.decode("status", as: String.self) == "no_acreditado")
            #expect(try row.decode("rule_min_score", as: Double?.self) == 85)
        }
    }

    @Test func reimportingTheEnrollmentFileDoesNotUndoADrop() throws {
        try withEnrolledGroup { connection in
            let gloria = try Curp.parse(Self.gloria).get()
            try EnrollmentStore(connection: connection).drop(group: "BAS-1", curp: gloria, reason: "Renuncia")
            let again = try enroll(
                try temporaryFile(EnrollmentImportTests.header + EnrollmentImportTests.gloria + ",BAS-1\n"), connection)
            #expect(again.accepted && again.unchanged == 1)
            #expect(try enrollment(Self.gloria, connection).decode("status", as: String.self) == "baja")
        }
    }

    @Test func dryRunWritesNothing() throws {
        try withEnrolledGroup { connection in
            let outcome = try results(["\(Self.gloria),BAS-1,90,40,85,90,,,,"], connection, dryRun: true)
            #expect(outcome.accepted && outcome.imported == 1)
            #expect(try count("constancia", connection) == 0)
            #expect(try enrollment(Self.gloria, connection).decode("attendance", as: Double?.self) == nil)
        }
    }
}

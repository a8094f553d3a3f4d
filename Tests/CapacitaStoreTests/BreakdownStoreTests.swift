import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import Testing

/// Coverage by sex (`trained_counts_by_sex`, 0035) and the activity lists by period, on the
/// application role: row-level security and the grants apply, as in the service.
@Suite struct BreakdownStoreTests {
    /// CoverageStoreTests' groups and people, everyone acreditado.
    private func withTrainedPeople(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabase { connection in
            try importGroups(CoverageStoreTests.groups, into: connection)
            // Two files: one file may not give one person two agencies.
            let rows = CoverageStoreTests.rows
            for part in [Array(rows.prefix(1)), Array(rows.dropFirst())] {
                let outcome = try enroll(
                    try temporaryFile(CoverageStoreTests.header + part.joined(separator: "\n")), connection,
                    skipPrerequisites: true)
                try #require(outcome.accepted, "\(outcome.rejected)")
            }
            try connection.query("UPDATE enrollment SET status = 'acreditado'")
            try body(connection)
        }
    }

    @Test func peopleBySexAddUpToTrainedCountsForEveryRoleAndReading() throws {
        try withTrainedPeople { connection in
            let readings = [
                CoverageOptions(), CoverageOptions(window: .annual), CoverageOptions(levels: [.basico]),
                CoverageOptions(courses: .aprobados), CoverageOptions(levels: [.sensibilizacion], courses: .aprobados),
            ]
            var admin: [String: [TrainedBySex]] = [:]
            for identity in [Identity.admin("pruebas"), .enlace(of: "INM", user: "enlace-inm"), .instructor("nadie")] {
                connection.act(as: identity)
                let store = CoverageStore(connection: connection)
                for (index, options) in readings.enumerated() {
                    for year in [2023, 2024] {
                        var sums: [String: Int] = [:]
                        let bySex = try store.trainedBySex(year: year, options: options)
                        for count in bySex {
                            sums["\(count.agencyCode)/\(count.tier.rawValue)", default: 0] += count.people
                        }
                        var trained: [String: Int] = [:]
                        for count in try store.trained(year: year, options: options) {
                            trained["\(count.agencyCode)/\(count.tier.rawValue)"] = count.people
                        }
                        #expect(sums == trained, "\(identity.role) reading \(index) \(year)")
                        // Every role reads the same counts: coverage is national, whoever asks.
                        let key = "\(index) \(year)"
                        let sorted = bySex.sorted { "\($0)" < "\($1)" }
                        if identity.role == .admin { admin[key] = sorted } else { #expect(admin[key] == sorted) }
                    }
                }
            }
            connection.act(as: .admin("pruebas"))
            // 2024 by sex: Gloria (M, INM alto), Carlos (H, SICT medio), María (M, SICT operativo), Eduardo (H).
            let bySex = try CoverageStore(connection: connection).trainedBySex(year: 2024, options: CoverageOptions())
            #expect(bySex.filter { $0.sex == .mujer }.map(\.people).reduce(0, +) == 2)
            #expect(bySex.filter { $0.sex == .hombre }.map(\.people).reduce(0, +) == 2)
            // The report adds them up over its agencies, to the same total as its table.
            let report = try ReportLoader(connection: connection).coverage(
                year: 2024, options: CoverageOptions(), by: Breakdown.allCases)
            let trained = report.agencies.map { $0.trained.values.reduce(0, +) }.reduce(0, +)
            #expect(trained == 4)
            for split in report.breakdowns {
                #expect(split.rows.map(\.trainedTotal).reduce(0, +) == trained, "\(split.breakdown)")
            }
        }
    }

    @Test func withoutAnIdentityTheCountsAreRefused() throws {
        try withTrainedPeople { connection in
            connection.act(as: nil)
            #expect(throws: (any Error).self) {
                try CoverageStore(connection: connection).trainedBySex(year: 2024, options: CoverageOptions())
            }
        }
    }

    @Test func groupsAndACoursesRosterBelongToTheirPeriod() throws {
        try withTrainedPeople { connection in
            let groups = GroupStore(connection: connection)
            func codes(_ text: String) throws -> [String] {
                try groups.list(period: try ReportPeriod.parse(text, currentYear: 2026).get(), agency: nil).map(
                    \.group.code)
            }
            // A group belongs to the period it started in.
            #expect(try codes("2024-T1") == ["BAS-24"])
            #expect(try codes("2024-S2") == ["CAP18-24", "FERIA-24", "INT-25"])
            #expect(try codes("2023") == ["BAS-23"])
            let span = try ReportPeriod.range(from: "2024-06-01", to: "2024-07-01", currentYear: 2026).get()
            #expect(try groups.list(period: span, agency: nil).map(\.group.code) == ["SENS-24", "CAP18-24"])
            #expect(try groups.list(period: .year(2024), agency: "SICT").count == 4)
            // A course's groups belong to the period they ended in: INT-25 started in 2024, ends in 2025.
            let loader = ReportLoader(connection: connection)
            let q1 = try loader.course(
                code: "PNC22-BAS", period: try ReportPeriod.parse("2024-T1", currentYear: 2026).get())
            #expect(q1.groups == 1 && q1.total.enrolled == 3)
            #expect(
                try loader.course(code: "PNC22-BAS", period: try ReportPeriod.parse("2024-T2", currentYear: 2026).get())
                    .total.enrolled == 0)
            #expect(try loader.course(code: "PNC22-INT", period: .year(2024)).total.enrolled == 0)
            #expect(try loader.course(code: "PNC22-INT", period: .year(2025)).total.enrolled == 1)
            // An enlace's course report and its breakdowns count its own agency's people only.
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            let own = try ReportLoader(connection: connection).course(
                code: "PNC22-BAS", period: .year(2024), by: Breakdown.allCases)
            #expect(own.total.enrolled == 1 && own.byAgency.keys.sorted() == ["SICT"])
            for split in own.breakdowns {
                #expect(split.rows.map(\.statistics.enrolled).reduce(0, +) == 1, "\(split.breakdown)")
            }
        }
    }

    @Test func constanciasBelongToThePeriodOfTheirIssueDate() throws {
        try withTrainedPeople { connection in
            // The three people of BAS-24 pass; their constancias are issued now.
            let rows = ["HEGG560427MVZRRL04", "GOMC820101HDFMRR04", "TOVE680229HOCRLD06"].map {
                "\($0),BAS-24,100,,,100"
            }
            let outcome = try ResultsImporter(connection: connection).run(
                try InputFile(
                    path: try temporaryFile(
                        "curp,grupo,asistencia,pre,post,calificacion\n" + rows.joined(separator: "\n"))),
                options: .init(ranBy: "pruebas"))
            try #require(outcome.accepted, "\(outcome.rejected)")
            #expect(try count("constancia", connection) == 3)
            // Set-up only: two of them dated in the past, as if issued then.
            try connection.query(
                "UPDATE constancia SET issued_at = '2024-03-20 12:00+00' WHERE curp = 'GOMC820101HDFMRR04'")
            try connection.query(
                "UPDATE constancia SET issued_at = '2024-05-10 12:00+00' WHERE curp = 'HEGG560427MVZRRL04'")
            let store = ConstanciaStore(connection: connection)
            func holders(_ group: String?, _ text: String) throws -> [String] {
                try store.list(group: group, period: try ReportPeriod.parse(text, currentYear: 2026).get()).map(
                    \.curp.value
                )
                .sorted()
            }
            #expect(try holders(nil, "2024-T1") == ["GOMC820101HDFMRR04"])
            #expect(try holders(nil, "2024-S1") == ["GOMC820101HDFMRR04", "HEGG560427MVZRRL04"])
            #expect(try holders("BAS-24", "2024") == ["GOMC820101HDFMRR04", "HEGG560427MVZRRL04"])
            #expect(try holders("BAS-23", "2024").isEmpty)
            #expect(try holders(nil, "2024-T3").isEmpty)
            // Row-level security: an enlace lists its own agency's people's constancias only.
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            #expect(try holders(nil, "2024-S1") == ["GOMC820101HDFMRR04"])
            connection.act(as: .enlace(of: "INM", user: "enlace-inm"))
            #expect(try holders(nil, "2024-S1") == ["HEGG560427MVZRRL04"])
        }
    }
}

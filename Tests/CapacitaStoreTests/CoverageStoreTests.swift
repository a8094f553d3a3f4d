import Capacita
import CapacitaStore
import Foundation
import Postgres
import Testing

@Suite struct CoverageStoreTests {
    static let groups = """
        grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos
        BAS-23,PNC22-BAS,,SICT,2023-05-02,2023-05-06,,,,,
        BAS-24,PNC22-BAS,,SICT,2024-03-04,2024-03-08,,,,,
        SENS-24,PNC22-SENS,,SICT,2024-06-01,,,,,,
        CAP18-24,PNC18-CAP,,SICT,2024-07-01,2024-07-05,,,,,
        INT-25,PNC22-INT,,SICT,2024-12-30,2025-01-03,,,,,
        FERIA-24,,sensibilizacion,Gobernación,2024-08-01,,,NL,,4000,120
        """
    static let header = EnrollmentImportTests.header
    // Gloria: operativo in 2023 (SICT), then alto in 2024 (INM): counted once, as INM alto.
    static let rows = [
        "HEGG560427MVZRRL04,Gloria,Hernández,,M,,SCT,base,,BAS-23",
        "HEGG560427MVZRRL04,Gloria,Hernández,,M,,Migración,K,,BAS-24",
        "GOMC820101HDFMRR04,Carlos,Gómez,,H,,Secretaría de Comunicaciones y Transportes,L,,BAS-24",
        "LOPM900315MJCPRR00,María,López,,M,,SICT,operativo,,SENS-24",
        "RAMJ011120HNLMRNA9,Juan,Ramírez,,H,,SICT,operativo,,CAP18-24",
        "SAHL750808MDFNRS07,Luisa,Sánchez,,M,,SICT,operativo,,INT-25",
        "TOVE680229HOCRLD06,Eduardo,Torres,,H,,INACIPE,alto,,BAS-24",
    ]

    private func withTrainedPeople(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            // Two files: one file may not give one person two agencies.
            for rows in [Array(Self.rows.prefix(1)), Array(Self.rows.dropFirst())] {
                let outcome = try enroll(
                    try temporaryFile(Self.header + rows.joined(separator: "\n")), connection, skipPrerequisites: true)
                try #require(outcome.accepted, "\(outcome.rejected)")
            }
            try connection.query("UPDATE enrollment SET status = 'acreditado'")
            try body(connection)
        }
    }

    private func counts(_ connection: Connection, year: Int, _ options: CoverageOptions = CoverageOptions()) throws
        -> [String: Int]
    {
        var result: [String: Int] = [:]
        for count in try CoverageStore(connection: connection).trained(year: year, options: options) {
            result["\(count.agencyCode)/\(count.tier.rawValue)"] = count.people
        }
        return result
    }

    @Test func personTrainedTwiceCountsOnceInTheirLatestAgencyAndTier() throws {
        try withTrainedPeople { connection in
            // 2024 cumulative: Gloria as INM alto (latest), Carlos SICT medio, María SICT operativo (workshop counts),
            // not Juan (PNC18 course does not count), not Luisa (her group ends in 2025), Eduardo INACIPE alto.
            let in2024 = try counts(connection, year: 2024)
            #expect(in2024 == ["INM/alto": 1, "SICT/medio": 1, "SICT/operativo": 1, "INACIPE/alto": 1])
            // 2023: Gloria was SICT operativo then.
            let in2023 = try counts(connection, year: 2023)
            #expect(in2023 == ["SICT/operativo": 1])
            let in2025 = try counts(connection, year: 2025)
            #expect(in2025["SICT/operativo"] == 2)
        }
    }

    @Test func windowAndLevelsAreOptions() throws {
        try withTrainedPeople { connection in
            let annual2023 = try counts(connection, year: 2023, CoverageOptions(window: .annual))
            #expect(annual2023 == ["SICT/operativo": 1])
            let annual2025 = try counts(connection, year: 2025, CoverageOptions(window: .annual))
            #expect(annual2025 == ["SICT/operativo": 1])
            let withoutWorkshop = try counts(
                connection, year: 2024, CoverageOptions(levels: [.basico, .intermedio, .formador, .especializado]))
            #expect(withoutWorkshop["SICT/operativo"] == nil)
        }
    }

    @Test func onlyAcreditadosCount() throws {
        try withTrainedPeople { connection in
            try connection.query("UPDATE enrollment SET status = 'no_acreditado' WHERE curp = 'GOMC820101HDFMRR04'")
            let in2024 = try counts(connection, year: 2024)
            #expect(in2024["SICT/medio"] == nil)
        }
    }

    @Test func indicatorLeavesOutAgenciesNotCountedAndMarksNoData() throws {
        try withTrainedPeople { connection in
            let rows = try HeadcountFile.parse(
                Array(
                    """
                    dependencia,anio,alto,medio,operativo
                    SCT,2024,0,20,20
                    INM,2024,20,0,0
                    INACIPE,2024,20,0,0
                    """.utf8), registry: try AgencyStore(connection: connection).registry()
            ).get()
            let first = try HeadcountStore(connection: connection).upsert(
                rows, fileName: "h.csv", sha256: String(repeating: "a", count: 64), ranBy: "t")
            #expect(first.imported == 3)
            let again = try HeadcountStore(connection: connection).upsert(
                rows, fileName: "h.csv", sha256: String(repeating: "a", count: 64), ranBy: "t")
            #expect(again.unchanged == 3)
            let indicator = try CoverageStore(connection: connection).indicator(year: 2024, options: CoverageOptions())
            #expect(indicator.tii == 13)
            // SICT (1 of 20 medio, 1 of 20 operativo) and INM (1 of 20 alto); INACIPE not counted
            #expect(indicator.nii == 2)
            #expect(indicator.formula == "PII% = (2/13) × 100 = 15.38")
            #expect(indicator.withoutData.count == 11)
            #expect(!indicator.agencies.contains { $0.agency.code == "INACIPE" })
        }
    }

    @Test func theApprovedReadingCountsOnlyCoursesApprovedByTheYearsEnd() throws {
        try withTrainedPeople { connection in
            let approved = CoverageOptions(courses: .aprobados)
            // 2023: the Básico was approved in June 2024, so Gloria's 2023 group does not count yet.
            #expect(try counts(connection, year: 2023) == ["SICT/operativo": 1])
            #expect(try counts(connection, year: 2023, approved) == [:])
            // 2024: Básico and Sensibilización are approved: the same people as every course.
            #expect(try counts(connection, year: 2024, approved) == counts(connection, year: 2024))
            // 2025: Luisa's Intermedio is a draft; every course counts her, the approved reading does not.
            #expect(try counts(connection, year: 2025)["SICT/operativo"] == 2)
            #expect(try counts(connection, year: 2025, approved)["SICT/operativo"] == 1)
            // The sensitivity table has both readings.
            let overview = try ReportLoader(connection: connection).indicatorOverview(
                year: 2024, firstYear: 2023, options: CoverageOptions())
            #expect(Set(overview.readings.map(\.options.courses)) == [.todos, .aprobados])
        }
    }

    @Test func aPeriodsEventsAreThoseThatStartedWithinIt() throws {
        try withTrainedPeople { connection in
            let loader = ReportLoader(connection: connection)
            func events(_ text: String) throws -> EventsReport {
                try loader.events(period: try ReportPeriod.parse(text, currentYear: 2026).get())
            }
            func sict(_ report: EventsReport) throws -> EventsRow {
                try #require(report.rows.first { $0.agency == "SICT" })
            }
            // The fourth quarter: INT-25 (started 2024-12-30) and nothing else.
            let q4 = try events("2024-T4")
            #expect(try sict(q4).capacitacion.eventos == 1 && sict(q4).sensibilizacion.eventos == 0)
            #expect(q4.total.capacitacion.eventos == 1 && q4.total.sensibilizacion.eventos == 0)
            // The third: CAP18-24 (July) and SEGOB's fair (August).
            let q3 = try events("2024-T3")
            #expect(try sict(q3).capacitacion.eventos == 1)
            #expect(q3.total.sensibilizacion == EventCounts(eventos: 1, publicoGeneral: 4000, servidoresPublicos: 120))
            // The first half: BAS-24 (March) and SENS-24 (1 June).
            let h1 = try events("2024-S1")
            #expect(try sict(h1).capacitacion == EventCounts(eventos: 1, publicoGeneral: 0, servidoresPublicos: 3))
            #expect(try sict(h1).sensibilizacion.eventos == 1)
            // Any span of days: BAS-24's first day alone.
            let day = try loader.events(
                period: try ReportPeriod.range(from: "2024-03-04", to: "2024-03-04", currentYear: 2026).get())
            #expect(day.total.capacitacion.eventos == 1 && day.total.sensibilizacion.eventos == 0)
            // The whole year is the four quarters.
            let year = try events("2024")
            let quarters = try ["2024-T1", "2024-T2", "2024-T3", "2024-T4"].map(events)
            #expect(
                quarters.map { $0.total.capacitacion.eventos + $0.total.sensibilizacion.eventos }.reduce(0, +)
                    == year.total.capacitacion.eventos + year.total.sensibilizacion.eventos)
        }
    }

    @Test func theYearsEventsSplitBySexOrderStateAndAudience() throws {
        try withTrainedPeople { connection in
            let report = try ReportLoader(connection: connection).events(
                period: .year(2024), by: [.sexo, .orden, .entidad, .publico])
            let people =
                report.total.capacitacion.publicoGeneral + report.total.capacitacion.servidoresPublicos
                + report.total.sensibilizacion.publicoGeneral + report.total.sensibilizacion.servidoresPublicos
            #expect(report.breakdowns.map(\.breakdown) == [.sexo, .orden, .entidad, .publico])
            for breakdown in report.breakdowns { #expect(breakdown.total.personas == people, "\(breakdown.breakdown)") }
            let sexo = Dictionary(uniqueKeysWithValues: report.breakdowns[0].rows.map { ($0.key, $0.personas) })
            // Gloria, María, Luisa; Carlos, Eduardo, Juan; the fair's counts have no sex.
            #expect(sexo == ["M": 3, "H": 3, "X": 0, "sin_desglose": 4120])
            let entidad = Dictionary(uniqueKeysWithValues: report.breakdowns[2].rows.map { ($0.key, $0.eventos ?? -1) })
            #expect(entidad == ["NL": 1, "sin_desglose": 4])
            let orden = Dictionary(uniqueKeysWithValues: report.breakdowns[1].rows.map { ($0.key, $0.eventos ?? -1) })
            #expect(orden == ["federal": 5, "estatal": 0, "municipal": 0])
        }
    }

    @Test func eventsCountEnrolledPeopleAsPublicServantsPlusAggregates() throws {
        try withTrainedPeople { connection in
            let table = EventsTable.build(
                agencies: try AgencyStore(connection: connection).agencies(),
                groups: try CoverageStore(connection: connection).eventGroups(period: .year(2024)))
            let sict = try #require(table.rows.first { $0.agency == "SICT" })
            // BAS-24, CAP18-24 and INT-25 (started 2024-12-30) are capacitación; SENS-24 sensibilización.
            #expect(sict.capacitacion == EventCounts(eventos: 3, publicoGeneral: 0, servidoresPublicos: 5))
            #expect(sict.sensibilizacion == EventCounts(eventos: 1, publicoGeneral: 0, servidoresPublicos: 1))
            #expect(
                table.rows.first { $0.agency == "SEGOB" }?.sensibilizacion
                    == EventCounts(eventos: 1, publicoGeneral: 4000, servidoresPublicos: 120))
            #expect(table.rows.count == 13)  // the 13 members; SICT's groups are all SICT's
            #expect(table.total.sensibilizacion.publicoGeneral == 4000)
        }
    }
}

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
        FERIA-24,,sensibilizacion,Gobernación,2024-08-01,,,,,4000,120
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

    @Test func eventsCountEnrolledPeopleAsPublicServantsPlusAggregates() throws {
        try withTrainedPeople { connection in
            let table = EventsTable.build(
                agencies: try AgencyStore(connection: connection).agencies(),
                groups: try CoverageStore(connection: connection).eventGroups(year: 2024))
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

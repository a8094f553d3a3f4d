import Capacita
import Foundation
import Testing

@Suite struct CoverageArithmeticTests {
    @Test func neededPeopleIsExactAtTheBoundary() {
        #expect(CoverageCalculator.needed(threshold: 5, headcount: 20) == 1)
        #expect(CoverageCalculator.needed(threshold: 5, headcount: 21) == 2)
        #expect(CoverageCalculator.needed(threshold: 10, headcount: 30) == 3)
        #expect(CoverageCalculator.needed(threshold: Decimal(string: "7.5")!, headcount: 40) == 3)
        #expect(CoverageCalculator.needed(threshold: 5, headcount: 0) == 0)
    }

    @Test func tierMeetsExactlyAtTheThreshold() {
        let atFive = CoverageCalculator.tier(headcount: 20, trained: 1, threshold: 5)
        #expect(atFive.meets && atFive.missing == 0 && atFive.percent == 5)
        let below = CoverageCalculator.tier(headcount: 21, trained: 1, threshold: 5)
        #expect(!below.meets && below.missing == 1)
        #expect(below.percent == Decimal(string: "4.76"))
        let empty = CoverageCalculator.tier(headcount: 0, trained: 0, threshold: 5)
        #expect(!empty.meets && empty.percent == nil)
    }

    static let member = Agency(code: "A", name: "A", order: .federal, countsInIndicator: true)

    private func coverage(_ headcount: Headcount?, trained: [Tier: Int], options: CoverageOptions = CoverageOptions())
        -> AgencyCoverage
    {
        CoverageCalculator.coverage(
            agencies: [Self.member], headcounts: headcount.map { ["A": $0] } ?? [:],
            trained: trained.map { TrainedCount(agencyCode: "A", tier: $0.key, people: $0.value) },
            options: options)[0]
    }

    @Test func eachTierAsksEveryStaffedTierAndAllTiersTheSum() {
        let headcount = Headcount(agencyCode: "A", year: 2024, alto: 20, medio: 100, operativo: 0)
        #expect(coverage(headcount, trained: [.alto: 1, .medio: 5]).meets)  // operativo has no staff: not asked
        #expect(!coverage(headcount, trained: [.alto: 0, .medio: 10]).meets)  // alto below
        let allTiers = CoverageOptions(rule: .allTiers)
        #expect(coverage(headcount, trained: [.alto: 0, .medio: 6], options: allTiers).meets)  // 6 of 120 = 5 %
        #expect(!coverage(headcount, trained: [.alto: 0, .medio: 5], options: allTiers).meets)
        #expect(!coverage(Headcount(agencyCode: "A", year: 2024, alto: 0, medio: 0, operativo: 0), trained: [:]).meets)
    }

    @Test func thresholdIsAnOption() {
        let headcount = Headcount(agencyCode: "A", year: 2024, alto: 20, medio: 20, operativo: 20)
        let trained: [Tier: Int] = [.alto: 1, .medio: 1, .operativo: 1]
        #expect(coverage(headcount, trained: trained).meets)
        #expect(!coverage(headcount, trained: trained, options: CoverageOptions(threshold: 10)).meets)
    }

    @Test func agencyWithoutHeadcountIsNoDataAndDoesNotMeet() {
        let nd = coverage(nil, trained: [.alto: 50])
        #expect(nd.nd && !nd.meets && nd.tiers == nil && nd.trained[.alto] == 50)
    }

    @Test func indicatorCountsOnlyMembersAndPrintsTheFilledInFormula() {
        var agencies = (1...13).map { Agency(code: "M\($0)", name: "M\($0)", order: .federal, countsInIndicator: true) }
        agencies.append(Agency(code: "INACIPE", name: "INACIPE", order: .federal, countsInIndicator: false))
        let headcounts = Dictionary(
            uniqueKeysWithValues: agencies.map {
                ($0.code, Headcount(agencyCode: $0.code, year: 2024, alto: 20, medio: 20, operativo: 20))
            })
        let trained =
            agencies.prefix(7).map(\.code).flatMap { code in
                Tier.allCases.map { TrainedCount(agencyCode: code, tier: $0, people: 1) }
            }
            + Tier.allCases.map { TrainedCount(agencyCode: "INACIPE", tier: $0, people: 20) }
        let indicator = Indicator.compute(
            year: 2024,
            coverage: CoverageCalculator.coverage(
                agencies: agencies, headcounts: headcounts, trained: trained, options: CoverageOptions()))
        #expect(indicator.nii == 7 && indicator.tii == 13)
        #expect(indicator.percent == Decimal(string: "53.85"))
        #expect(indicator.formula == "PII% = (7/13) × 100 = 53.85")
        #expect(!indicator.agencies.contains { $0.agency.code == "INACIPE" })
    }

    @Test func noDataIsListedAndZeroPercentPrintsAsTheReportsDo() {
        let agencies = [
            Agency(code: "A", name: "A", order: .federal, countsInIndicator: true),
            Agency(code: "B", name: "B", order: .federal, countsInIndicator: true),
        ]
        let indicator = Indicator.compute(
            year: 2023,
            coverage: CoverageCalculator.coverage(
                agencies: agencies,
                headcounts: ["A": Headcount(agencyCode: "A", year: 2023, alto: 1, medio: 1, operativo: 1)],
                trained: [], options: CoverageOptions()))
        #expect(indicator.withoutData == ["B"])
        #expect(indicator.formula == "PII% = (0/2) × 100 = 0.00")
    }
}

@Suite struct EventsTableTests {
    @Test func everyMemberAppearsOthersOnlyWithEventsAndTotalsAddUp() {
        let agencies = [
            Agency(code: "SEGOB", name: "Gobernación", order: .federal, countsInIndicator: true),
            Agency(code: "SRE", name: "Relaciones", order: .federal, countsInIndicator: true),
            Agency(code: "CNDH", name: "CNDH", order: .federal, countsInIndicator: false),
            Agency(code: "FGR", name: "FGR", order: .federal, countsInIndicator: false),
        ]
        let table = EventsTable.build(
            agencies: agencies,
            groups: [
                EventGroup(agencyCode: "SEGOB", kind: .sensibilizacion, generalPublic: 4000, publicServants: 120),
                EventGroup(agencyCode: "SEGOB", kind: .capacitacion, generalPublic: 0, publicServants: 35),
                EventGroup(agencyCode: "CNDH", kind: .capacitacion, generalPublic: 10, publicServants: 25),
            ])
        #expect(table.rows.map(\.agency) == ["SEGOB", "SRE", "CNDH"])
        #expect(table.rows[1].capacitacion == EventCounts())
        #expect(table.total.capacitacion == EventCounts(eventos: 2, publicoGeneral: 10, servidoresPublicos: 60))
        #expect(table.total.sensibilizacion == EventCounts(eventos: 1, publicoGeneral: 4000, servidoresPublicos: 120))
    }
}

@Suite struct HeadcountFileTests {
    static let registry = AgencyRegistry([
        Agency(
            code: "SICT", name: "Secretaría de Infraestructura, Comunicaciones y Transportes",
            formerNames: ["SCT"], order: .federal, countsInIndicator: true)
    ])

    @Test func readsFormerNamesAndRefusesBadRows() throws {
        let good = try HeadcountFile.parse(
            Array("dependencia,año,alto,medio,operativo\nSCT,2024,18,\"1,035\",40\n".utf8),
            registry: Self.registry
        ).get()
        #expect(
            good.first?.headcount == Headcount(agencyCode: "SICT", year: 2024, alto: 18, medio: 1035, operativo: 40))
        guard
            case .failure(let failure) = HeadcountFile.parse(
                Array(
                    """
                    dependencia,anio,alto,medio,operativo
                    Nadie,2024,1,1,1
                    SICT,1900,1,1,1
                    SICT,2024,-1,x,1
                    SICT,2024,1,1,1
                    SCT,2024,2,2,2
                    """.utf8), registry: Self.registry)
        else {
            Issue.record("a bad file was accepted")
            return
        }
        #expect(
            failure.issues.map { "\($0.line):\($0.column)" } == [
                "2:dependencia", "3:anio", "4:alto", "4:medio", "6:dependencia",
            ])
    }
}

/// The official reports' marks on Parámetro 4.2: N/A before the indicator existed, ND when nothing
/// could be counted (never a 0), p/ for the year in progress; and the substitution as the card
/// prints it.
@Suite struct IndicatorMarkTests {
    static let member = Agency(code: "A", name: "A", order: .federal, countsInIndicator: true)
    static let other = Agency(code: "B", name: "B", order: .federal, countsInIndicator: true)

    static func indicator(year: Int, headcounts: [String: Headcount], trained: Int = 1) -> Indicator {
        Indicator.compute(
            year: year,
            coverage: CoverageCalculator.coverage(
                agencies: [member, other], headcounts: headcounts,
                trained: [TrainedCount(agencyCode: "A", tier: .operativo, people: trained)], options: CoverageOptions())
        )
    }

    static let staffed = ["A": Headcount(agencyCode: "A", year: 2023, alto: 0, medio: 0, operativo: 10)]

    @Test func aYearBeforeTheIndicatorIsNotApplicable() {
        let value = Self.indicator(year: 2020, headcounts: Self.staffed).marked(currentYear: 2026)
        #expect(value.mark == .notApplicable && value.percent == nil && value.percentText == "N/A")
        #expect(IndicatorGoal.firstYear == 2021)
    }

    @Test func aYearWithoutAnyHeadcountIsNoDataNotZero() {
        let value = Self.indicator(year: 2023, headcounts: [:]).marked(currentYear: 2026)
        #expect(value.mark == .noData && value.percent == nil)
        #expect(value.formula == "PII% = (0/2) × 100 = ND")
    }

    @Test func theYearInProgressIsPreliminaryAndAClosedYearUnmarked() {
        let running = Self.indicator(year: 2026, headcounts: Self.staffed).marked(currentYear: 2026)
        #expect(running.mark == .preliminary && running.percent == 50 && running.percentText == "50.00 p/")
        let closed = Self.indicator(year: 2025, headcounts: Self.staffed).marked(currentYear: 2026)
        #expect(closed.mark == nil && closed.percentText == "50.00")
        // A closed year with data and nobody meeting is a real 0, as the card prints it.
        let zero = Self.indicator(year: 2024, headcounts: Self.staffed, trained: 0).marked(currentYear: 2026)
        #expect(zero.mark == nil && zero.percent == 0 && zero.officialFormula == "PII%=(0/2)*100")
    }
}

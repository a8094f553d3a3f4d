import Capacita
import Testing

/// Coverage's, a group's and a course's breakdowns add up to their totals on generated data: any
/// mix of agencies of the three orders (state agencies with and without a state), headcounts given
/// or not (ND), people trained of each sex (X too, and a CURP of none), rosters of every status.
@Suite struct ReportBreakdownTests {
    typealias SplitMix = BreakdownTests.SplitMix

    static let agencies = [
        Agency(code: "SEGOB", name: "Gobernación", order: .federal, countsInIndicator: true),
        Agency(code: "SICT", name: "SICT", order: .federal, countsInIndicator: true),
        Agency(code: "FGJ-NL", name: "Fiscalía de Nuevo León", order: .estatal, state: "NL", countsInIndicator: false),
        Agency(code: "SSP-JC", name: "Seguridad de Jalisco", order: .estatal, state: "JC", countsInIndicator: false),
        Agency(code: "MUN-GDL", name: "Guadalajara", order: .municipal, state: "JC", countsInIndicator: false),
        Agency(code: "EST-X", name: "Estatal sin entidad", order: .estatal, countsInIndicator: false),
    ]

    /// Coverage of the agencies, and the same people trained split by sex (a few of no known sex).
    static func coverage(seed: UInt64) -> ([AgencyCoverage], [TrainedBySex]) {
        var random = SplitMix(state: seed)
        var headcounts: [String: Headcount] = [:]
        var trained: [TrainedCount] = []
        var bySex: [TrainedBySex] = []
        for agency in agencies {
            if Int.random(in: 0...3, using: &random) > 0 {
                headcounts[agency.code] = Headcount(
                    agencyCode: agency.code, year: 2024, alto: Int.random(in: 0...50, using: &random),
                    medio: Int.random(in: 0...300, using: &random), operativo: Int.random(in: 0...2000, using: &random))
            }
            for tier in Tier.allCases {
                var people = 0
                for sex in [Sex.mujer, .hombre, .noBinario, nil] {
                    let count = Int.random(in: 0...(sex == nil ? 2 : 40), using: &random)
                    people += count
                    if count > 0 {
                        bySex.append(TrainedBySex(agencyCode: agency.code, tier: tier, sex: sex, people: count))
                    }
                }
                if people > 0 { trained.append(TrainedCount(agencyCode: agency.code, tier: tier, people: people)) }
            }
        }
        let coverage = CoverageCalculator.coverage(
            agencies: agencies, headcounts: headcounts, trained: trained, options: CoverageOptions())
        return (coverage, bySex)
    }

    @Test(arguments: [1, 7, 42, 2024, 90210] as [UInt64])
    func everyCoverageBreakdownAddsUpToTheAgencies(seed: UInt64) {
        let (coverage, bySex) = Self.coverage(seed: seed)
        // Whole agencies: the report's own table, read apart from the breakdown.
        var trained: [Tier: Int] = [:]
        var headcount: [Tier: Int] = [:]
        for agency in coverage {
            for tier in Tier.allCases {
                trained[tier, default: 0] += agency.trained[tier] ?? 0
                headcount[tier, default: 0] += agency.tiers?[tier]?.headcount ?? 0
            }
        }
        let report = CoverageReport(
            year: 2024, options: CoverageOptions(), agency: nil, agencies: coverage, by: Breakdown.allCases,
            trainedBySex: bySex)
        #expect(report.breakdowns.map(\.breakdown) == Breakdown.allCases)
        for split in report.breakdowns {
            for tier in Tier.allCases {
                #expect(split.rows.map { $0.trained[tier] ?? 0 }.reduce(0, +) == trained[tier], "\(split.breakdown)")
                #expect(split.total.trained[tier] == trained[tier])
            }
            #expect(split.total.agencies == coverage.count && split.total.headcount == headcount)
            #expect(split.total.meeting == coverage.filter(\.meets).count)
            #expect(!split.basis.isEmpty)
            guard split.breakdown != .sexo else {
                // Headcounts have no sex: the lines split people only.
                #expect(split.rows.allSatisfy { $0.headcount == nil && $0.agencies == nil })
                continue
            }
            #expect(split.rows.compactMap(\.agencies).reduce(0, +) == coverage.count, "\(split.breakdown)")
            #expect(split.rows.compactMap(\.meeting).reduce(0, +) == coverage.filter(\.meets).count)
            #expect(split.rows.compactMap(\.withoutHeadcount).reduce(0, +) == coverage.filter(\.nd).count)
            for tier in Tier.allCases {
                #expect(split.rows.compactMap { $0.headcount?[tier] }.reduce(0, +) == headcount[tier])
            }
        }
    }

    @Test func coverageSaysWhichStateItUsesAndPutsFederalAgenciesApart() {
        let (coverage, bySex) = Self.coverage(seed: 3)
        let entidad = CoverageBreakdown.of(.entidad, agencies: coverage, trainedBySex: bySex)
        #expect(entidad.rows.map(\.key) == ["federal", "JC", "NL", EventBreakdown.unsplit])
        #expect(entidad.rows.first?.label == "Federal (sin entidad)" && entidad.rows.first?.agencies == 2)
        #expect(entidad.rows.first { $0.key == "JC" }?.agencies == 2, "a state and a municipal agency of Jalisco")
        #expect(entidad.basis.contains("de la instancia"))
        let sexo = CoverageBreakdown.of(.sexo, agencies: coverage, trainedBySex: bySex)
        #expect(sexo.rows.map(\.key) == ["M", "H", "X", EventBreakdown.unsplit])
        #expect(sexo.basis.contains("no tienen sexo"))
        // A page that shows some agencies splits those: the breakdown follows the rows.
        let members = coverage.filter(\.agency.countsInIndicator)
        var report = CoverageReport(
            year: 2024, options: CoverageOptions(), agency: nil, agencies: coverage, by: [.sexo, .orden],
            trainedBySex: bySex)
        report.agencies = members
        let trained = members.map { $0.trained.values.reduce(0, +) }.reduce(0, +)
        for split in report.breakdowns {
            #expect(split.rows.map(\.trainedTotal).reduce(0, +) == trained, "\(split.breakdown)")
        }
    }

    static func roster(seed: UInt64) -> [RosterEntry] {
        var random = SplitMix(state: seed)
        let groups = ["G-1", "G-2", "G-3"]
        return (0..<Int.random(in: 0...200, using: &random)).map { index in
            let sex = ["H", "M", "X", "Q"].randomElement(using: &random) ?? "H"
            let curp = Curp(stored: "PERA800101\(sex)DFRRR\(index % 10)")
            let agency = (agencies.map(\.code) + ["BORRADA"]).randomElement(using: &random) ?? "SEGOB"
            let status = EnrollmentStatus.allCases.randomElement(using: &random) ?? .inscrito
            return RosterEntry(
                groupCode: groups.randomElement(using: &random) ?? "G-1", curp: curp,
                name: PersonName(givenNames: "Ana", firstSurname: "Pérez", secondSurname: nil),
                tier: Tier.allCases.randomElement(using: &random) ?? .operativo, agencyCode: agency,
                result: ParticipantResult(
                    agencyCode: agency, status: status, attendance: 90,
                    pre: Double(Int.random(in: 0...99, using: &random)),
                    post: 95, finalScore: 90))
        }
    }

    @Test(arguments: [1, 7, 42, 2024, 90210] as [UInt64])
    func everyRosterBreakdownAddsUpToItsStatistics(seed: UInt64) {
        let roster = Self.roster(seed: seed)
        let total = ResultStatistics.of(roster.map(\.result))
        for subject in [ResultBreakdown.Subject.group, .course] {
            for breakdown in Breakdown.allCases {
                let split = ResultBreakdown.of(
                    breakdown, roster: roster, agencies: Self.agencies, groupStates: ["G-1": "NL", "G-2": "JC"],
                    subject: subject)
                let lines = split.rows.map(\.statistics)
                #expect(lines.map(\.enrolled).reduce(0, +) == total.enrolled, "\(breakdown)")
                #expect(lines.map(\.acreditados).reduce(0, +) == total.acreditados, "\(breakdown)")
                #expect(lines.map(\.noAcreditados).reduce(0, +) == total.noAcreditados, "\(breakdown)")
                #expect(lines.map(\.bajas).reduce(0, +) == total.bajas, "\(breakdown)")
                #expect(lines.map(\.inscritos).reduce(0, +) == total.inscritos, "\(breakdown)")
                #expect(split.total == total)
            }
        }
        // X counts as X; a CURP whose character is none of H, M, X stands apart, not as X.
        let sexo = ResultBreakdown.of(.sexo, roster: roster, agencies: Self.agencies, groupStates: [:], subject: .group)
        let x = sexo.rows.first { $0.key == "X" }?.statistics.enrolled
        #expect(x == roster.filter { Array($0.curp.value)[10] == "X" }.count)
        let unknown = roster.filter { Array($0.curp.value)[10] == "Q" }.count
        #expect(
            sexo.rows.first { $0.key == EventBreakdown.unsplit }?.statistics.enrolled == (unknown > 0 ? unknown : nil))
    }

    @Test func aRosterSaysWhichStateAndOrderItUses() {
        func entry(_ group: String, _ agency: String, _ sex: String) -> RosterEntry {
            RosterEntry(
                groupCode: group, curp: Curp(stored: "PERA800101\(sex)DFRRR01"),
                name: PersonName(givenNames: "Ana", firstSurname: "Pérez", secondSurname: nil), tier: .medio,
                agencyCode: agency, result: ParticipantResult(agencyCode: agency, status: .acreditado))
        }
        let roster = [
            entry("G-1", "SEGOB", "M"), entry("G-1", "MUN-GDL", "X"), entry("G-2", "FGJ-NL", "H"),
            entry("G-3", "BORRADA", "M"),
        ]
        let entidad = ResultBreakdown.of(
            .entidad, roster: roster, agencies: Self.agencies, groupStates: ["G-1": "NL", "G-2": "JC"], subject: .course
        )
        #expect(entidad.rows.map(\.key) == ["JC", "NL", EventBreakdown.unsplit])
        #expect(entidad.rows.map(\.statistics.enrolled) == [1, 2, 1])
        #expect(entidad.basis.contains("la del grupo"))
        let orden = ResultBreakdown.of(
            .orden, roster: roster, agencies: Self.agencies, groupStates: [:], subject: .group)
        // The person's own agency: FGJ-NL is estatal though its group may be organized by anyone;
        // an agency the registry does not list (BORRADA) is «sin dato», not dropped.
        #expect(orden.rows.map(\.key) == ["federal", "estatal", "municipal", EventBreakdown.unsplit])
        #expect(orden.rows.map(\.statistics.enrolled) == [1, 1, 1, 1])
        #expect(orden.basis.contains("su propia instancia"))
        let sexo = ResultBreakdown.of(.sexo, roster: roster, agencies: Self.agencies, groupStates: [:], subject: .group)
        #expect(sexo.rows.map(\.key) == ["M", "H", "X"] && sexo.rows.map(\.statistics.enrolled) == [2, 1, 1])
        let publico = ResultBreakdown.of(
            .publico, roster: roster, agencies: Self.agencies, groupStates: [:], subject: .group)
        #expect(publico.rows.map(\.key) == ["servidores_publicos"] && publico.rows.first?.statistics.enrolled == 4)
    }
}

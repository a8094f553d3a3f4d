import Capacita
import Testing

/// Every breakdown of the events table adds up to the table's TOTAL, on generated groups: any mix
/// of agencies of the three orders, states given or not, aggregate counts and enrolled people of
/// each sex (X too).
@Suite struct BreakdownTests {
    /// A small deterministic generator (SplitMix64), so a failure can be run again.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let agencies = [
        Agency(code: "SEGOB", name: "Gobernación", order: .federal, countsInIndicator: true),
        Agency(code: "SICT", name: "SICT", order: .federal, countsInIndicator: true),
        Agency(code: "FGJ-NL", name: "Fiscalía de Nuevo León", order: .estatal, state: "NL", countsInIndicator: false),
        Agency(code: "MUN-GDL", name: "Guadalajara", order: .municipal, state: "JC", countsInIndicator: false),
    ]

    static func generated(seed: UInt64) -> [EventGroup] {
        var random = SplitMix(state: seed)
        let states: [String?] = [nil, "NL", "JC", "DF", "YN"]
        return (0..<Int.random(in: 1...300, using: &random)).map { _ in
            var bySex: [Sex: Int] = [:]
            for sex in Sex.allCases { bySex[sex] = Int.random(in: 0...40, using: &random) }
            let aggregate = Int.random(in: 0...3, using: &random) == 0 ? Int.random(in: 0...500, using: &random) : 0
            return EventGroup(
                agencyCode: agencies.randomElement(using: &random)?.code ?? "SEGOB",
                kind: Bool.random(using: &random) ? .capacitacion : .sensibilizacion,
                generalPublic: Int.random(in: 0...2, using: &random) == 0
                    ? Int.random(in: 0...5000, using: &random) : 0,
                publicServants: aggregate + bySex.values.reduce(0, +),
                events: Int.random(in: 1...3, using: &random), state: states.randomElement(using: &random) ?? nil,
                enrolledBySex: bySex)
        }
    }

    @Test(arguments: [1, 2, 3, 42, 2024, 90210] as [UInt64])
    func everyBreakdownAddsUpToTheTotal(seed: UInt64) {
        let groups = Self.generated(seed: seed)
        let table = EventsTable.build(agencies: Self.agencies, groups: groups)
        let general = table.total.capacitacion.publicoGeneral + table.total.sensibilizacion.publicoGeneral
        let servants = table.total.capacitacion.servidoresPublicos + table.total.sensibilizacion.servidoresPublicos
        let events = table.total.capacitacion.eventos + table.total.sensibilizacion.eventos
        for breakdown in Breakdown.allCases {
            let split = EventBreakdown.of(breakdown, groups: groups, agencies: Self.agencies)
            #expect(split.rows.map(\.publicoGeneral).reduce(0, +) == general, "\(breakdown)")
            #expect(split.rows.map(\.servidoresPublicos).reduce(0, +) == servants, "\(breakdown)")
            #expect(split.total.publicoGeneral == general && split.total.servidoresPublicos == servants)
            #expect(split.rows.allSatisfy { $0.publicoGeneral >= 0 && $0.servidoresPublicos >= 0 })
            if let total = split.total.eventos {
                #expect(total == events, "\(breakdown)")
                #expect(split.rows.compactMap(\.eventos).reduce(0, +) == events, "\(breakdown)")
            }
        }
    }

    @Test func aPersonOfSexXCountsAsX() {
        let groups = [
            EventGroup(
                agencyCode: "SEGOB", kind: .capacitacion, generalPublic: 0, publicServants: 3,
                enrolledBySex: [.noBinario: 1, .mujer: 2])
        ]
        let sexo = EventBreakdown.of(.sexo, groups: groups, agencies: Self.agencies)
        #expect(sexo.rows.map(\.key) == ["M", "H", "X"])
        #expect(sexo.rows.map(\.servidoresPublicos) == [2, 0, 1])
    }

    @Test func theBreakdownsAreReadFromTheirNames() throws {
        #expect(try Breakdown.list("sexo, Orden,PÚBLICO,sexo").get() == [.sexo, .orden, .publico])
        #expect(throws: Breakdown.Problem.self) { try Breakdown.list("edad").get() }
        #expect(throws: Breakdown.Problem.self) { try Breakdown.list("").get() }
    }

    @Test func periodsAreYearsQuartersHalvesOrSpans() throws {
        let q1 = try ReportPeriod.parse("2024-t1", currentYear: 2026).get()
        #expect(q1.from.description == "2024-01-01" && q1.to.description == "2024-03-31")
        #expect(q1.description == "primer trimestre de 2024")
        let s2 = try ReportPeriod.parse("2024-S2", currentYear: 2026).get()
        #expect(s2.from.description == "2024-07-01" && s2.to.description == "2024-12-31")
        let t2 = try ReportPeriod.parse("2023-T2", currentYear: 2026).get()
        #expect(t2.to.description == "2023-06-30")
        #expect(try ReportPeriod.parse("2024", currentYear: 2026).get().isWholeYear)
        for wrong in [
            "2024-T5", "2024-Q1", "24-T1", "2006", "2024-T1-", "", "2024-S3", String(repeating: "9", count: 5000),
        ] {
            #expect(throws: ReportPeriod.Problem.self, "\(wrong.prefix(10))") {
                try ReportPeriod.parse(wrong, currentYear: 2026).get()
            }
        }
        let span = try ReportPeriod.range(from: "2024-02-01", to: "30/04/2024", currentYear: 2026).get()
        #expect(span.description == "del 1 de febrero al 30 de abril de 2024")
        #expect(throws: ReportPeriod.Problem.self) {
            try ReportPeriod.range(from: "2024-05-01", to: "2024-04-30", currentYear: 2026).get()
        }
        #expect(throws: ReportPeriod.ChoiceProblem.self) {
            try ReportPeriod.choose(year: 2024, period: "2024-T1", from: nil, to: nil, currentYear: 2026).get()
        }
        #expect(throws: ReportPeriod.ChoiceProblem.self) {
            try ReportPeriod.choose(year: nil, period: nil, from: "2024-01-01", to: nil, currentYear: 2026).get()
        }
    }
}

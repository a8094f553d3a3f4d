/// Trained people of one agency and tier by the sex their CURP gives (its 11th character); `sex`
/// is nil for a CURP whose character is none of H, M, X, so that no one is dropped.
public struct TrainedBySex: Sendable, Equatable {
    public var agencyCode: String
    public var tier: Tier
    public var sex: Sex?
    public var people: Int

    public init(agencyCode: String, tier: Tier, sex: Sex?, people: Int) {
        self.agencyCode = agencyCode
        self.tier = tier
        self.sex = sex
        self.people = people
    }
}

/// One line of a breakdown of coverage. `agencies`, `meeting`, `withoutHeadcount` and `headcount`
/// are nil where the dimension splits people, not agencies: headcounts have no sex.
public struct CoverageBreakdownRow: Sendable, Equatable {
    public var key: String
    public var label: String
    /// The agencies on the line, those that meet the reading, and those without a headcount (ND).
    public var agencies: Int?
    public var meeting: Int?
    public var withoutHeadcount: Int?
    /// The line's agencies' headcounts by tier (an agency without one adds nothing).
    public var headcount: [Tier: Int]?
    /// People trained by tier, counted where coverage counts them.
    public var trained: [Tier: Int]

    public var trainedTotal: Int { Tier.allCases.map { trained[$0] ?? 0 }.reduce(0, +) }
    public var headcountTotal: Int? { headcount.map { h in Tier.allCases.map { h[$0] ?? 0 }.reduce(0, +) } }

    public init(
        key: String, label: String, agencies: Int?, meeting: Int?, withoutHeadcount: Int?, headcount: [Tier: Int]?,
        trained: [Tier: Int]
    ) {
        self.key = key
        self.label = label
        self.agencies = agencies
        self.meeting = meeting
        self.withoutHeadcount = withoutHeadcount
        self.headcount = headcount
        self.trained = trained
    }
}

/// Coverage split one way (issue #29). Coverage is per agency and tier: orden and entidad split
/// the agencies (with their headcounts, their people trained and how many meet the reading); sexo
/// splits only the people trained, since a headcount has no sex; publico is a single line, since
/// coverage counts public servants only. Every line adds up to `total`, which is taken from the
/// report's agencies on their own.
public struct CoverageBreakdown: Sendable, Equatable {
    public var breakdown: Breakdown
    /// Which value the report uses, said in the report itself.
    public var basis: String
    public var rows: [CoverageBreakdownRow]
    public var total: CoverageBreakdownRow

    /// The line of federal agencies in the breakdown by state: they have no state.
    public static let federal = "federal"
    public static let unsplit = EventBreakdown.unsplit

    public static func of(
        _ breakdown: Breakdown, agencies: [AgencyCoverage], trainedBySex: [TrainedBySex]
    ) -> CoverageBreakdown {
        let total = line("TOTAL", "TOTAL", agencies)
        switch breakdown {
        case .orden:
            let rows = GovernmentOrder.allCases.map { order in
                line(order.rawValue, order.rawValue, agencies.filter { $0.agency.order == order })
            }
            return CoverageBreakdown(
                breakdown: breakdown,
                basis:
                    "Orden de gobierno de cada instancia del registro; sus personas capacitadas son las que cuentan"
                    + " en ella (la instancia de su inscripción más reciente que cuenta) y su plantilla, la suya.",
                rows: rows, total: total)
        case .entidad:
            var rows = [line(federal, "Federal (sin entidad)", agencies.filter { $0.agency.order == .federal })]
            let local = agencies.filter { $0.agency.order != .federal }
            let states = Set(local.compactMap(\.agency.state)).sorted {
                (StateCode.names[$0] ?? $0) < (StateCode.names[$1] ?? $1)
            }
            for state in states {
                rows.append(line(state, StateCode.names[state] ?? state, local.filter { $0.agency.state == state }))
            }
            let stateless = local.filter { $0.agency.state == nil }
            if !stateless.isEmpty { rows.append(line(unsplit, "sin entidad", stateless)) }
            return CoverageBreakdown(
                breakdown: breakdown,
                basis:
                    "Entidad federativa de la instancia (la del registro) para las instancias estatales y"
                    + " municipales; las federales no tienen entidad y van en «Federal (sin entidad)». No es la"
                    + " entidad de los grupos: esa la usan los eventos, los grupos y los cursos.",
                rows: rows, total: total)
        case .sexo:
            let shown = Set(agencies.map(\.agency.code))
            var people: [Sex?: [Tier: Int]] = [:]
            for count in trainedBySex where shown.contains(count.agencyCode) {
                people[count.sex, default: [:]][count.tier, default: 0] += count.people
            }
            var rows = [(Sex.mujer, "mujeres"), (.hombre, "hombres"), (.noBinario, "X")].map { sex, label in
                CoverageBreakdownRow(
                    key: sex.rawValue, label: label, agencies: nil, meeting: nil, withoutHeadcount: nil,
                    headcount: nil, trained: people[sex] ?? [:])
            }
            if let unknown = people[nil] {
                rows.append(
                    CoverageBreakdownRow(
                        key: unsplit, label: "sin dato", agencies: nil, meeting: nil, withoutHeadcount: nil,
                        headcount: nil, trained: unknown))
            }
            return CoverageBreakdown(
                breakdown: breakdown,
                basis:
                    "Personas capacitadas por el sexo que da su CURP (X cuenta como X). Las plantillas no tienen"
                    + " sexo: este desglose no divide la plantilla ni las instancias, solo las personas capacitadas.",
                rows: rows, total: total)
        case .publico:
            var servants = total
            servants.key = "servidores_publicos"
            servants.label = "servidores públicos"
            return CoverageBreakdown(
                breakdown: breakdown,
                basis:
                    "La cobertura cuenta solo servidores públicos: personas inscritas con su instancia y nivel de"
                    + " mando que acreditaron un curso que cuenta, frente a la plantilla de su instancia. El público"
                    + " general no tiene plantilla ni cuenta aquí (lo cuenta el desglose por público de los eventos).",
                rows: [servants], total: total)
        }
    }

    /// What a set of agencies adds up to.
    static func line(_ key: String, _ label: String, _ agencies: [AgencyCoverage]) -> CoverageBreakdownRow {
        var headcount: [Tier: Int] = [:]
        var trained: [Tier: Int] = [:]
        for agency in agencies {
            for tier in Tier.allCases {
                headcount[tier, default: 0] += agency.tiers?[tier]?.headcount ?? 0
                trained[tier, default: 0] += agency.trained[tier] ?? 0
            }
        }
        return CoverageBreakdownRow(
            key: key, label: label, agencies: agencies.count, meeting: agencies.filter(\.meets).count,
            withoutHeadcount: agencies.filter(\.nd).count, headcount: headcount, trained: trained)
    }
}

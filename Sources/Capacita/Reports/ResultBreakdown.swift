/// One line of a breakdown of a group's or a course's results: a value of the dimension and the
/// statistics of the people on it.
public struct ResultBreakdownRow: Sendable, Equatable {
    public var key: String
    public var label: String
    public var statistics: ResultStatistics

    public init(key: String, label: String, statistics: ResultStatistics) {
        self.key = key
        self.label = label
        self.statistics = statistics
    }
}

/// The roster of a group report or a course report split one way (issue #29). Each person on
/// the roster (bajas too) is on exactly one line, so the lines' enrolled, acreditados, no
/// acreditados and bajas add up to the report's own. The roster is what the caller may see: an
/// enlace's breakdown counts its own agency's people only, as its roster does.
public struct ResultBreakdown: Sendable, Equatable {
    /// Which report it splits: the wording of `basis` says so.
    public enum Subject: Sendable, Equatable {
        case group
        case course
    }

    public var breakdown: Breakdown
    /// Which value the report uses, said in the report itself.
    public var basis: String
    public var rows: [ResultBreakdownRow]
    public var total: ResultStatistics

    public static let unsplit = EventBreakdown.unsplit

    /// `groupStates`: each group's state (the groups file's `entidad`), absent when not given.
    public static func of(
        _ breakdown: Breakdown, roster: [RosterEntry], agencies: [Agency], groupStates: [String: String],
        subject: Subject
    ) -> ResultBreakdown {
        let people = subject == .group ? "Personas de la lista del grupo" : "Personas de los grupos del curso"
        var lines: [(key: String, label: String, entries: [RosterEntry])] = []
        func add(_ key: String, _ label: String, _ entries: [RosterEntry], always: Bool = true) {
            if always || !entries.isEmpty { lines.append((key, label, entries)) }
        }
        let basis: String
        switch breakdown {
        case .sexo:
            basis = "\(people) por el sexo que da su CURP (X cuenta como X)."
            let bySex = Dictionary(grouping: roster) { sex(of: $0.curp) }
            for (sex, label) in [(Sex.mujer, "mujeres"), (.hombre, "hombres"), (.noBinario, "X")] {
                add(sex.rawValue, label, bySex[sex] ?? [])
            }
            add(unsplit, "sin dato", bySex[nil] ?? [], always: false)
        case .orden:
            basis =
                "\(people) por el orden de gobierno de su propia instancia (la de su inscripción), que puede no"
                + " ser la que organiza el grupo."
            let orders = Dictionary(agencies.map { ($0.code, $0.order) }, uniquingKeysWith: { first, _ in first })
            let byOrder = Dictionary(grouping: roster) { orders[$0.agencyCode] }
            for order in GovernmentOrder.allCases { add(order.rawValue, order.rawValue, byOrder[order] ?? []) }
            add(unsplit, "sin dato", byOrder[nil] ?? [], always: false)
        case .entidad:
            basis =
                "\(people) por la entidad federativa donde se dio su grupo (la del grupo, del archivo de grupos);"
                + " «sin entidad» cuando el grupo no la dice. No es la entidad de la instancia."
            let byState = Dictionary(grouping: roster) { groupStates[$0.groupCode] }
            let states = byState.keys.compactMap { $0 }.sorted {
                (StateCode.names[$0] ?? $0) < (StateCode.names[$1] ?? $1)
            }
            for state in states { add(state, StateCode.names[state] ?? state, byState[state] ?? []) }
            add(unsplit, "sin entidad", byState[nil] ?? [], always: false)
        case .publico:
            basis =
                "\(people): cada una inscrita con su instancia y nivel de mando, es decir, servidores públicos. El"
                + " público general solo se cuenta en conjunto, sin lista: lo cuenta el desglose por público de"
                + " los eventos."
            add("servidores_publicos", "servidores públicos", roster)
        }
        return ResultBreakdown(
            breakdown: breakdown, basis: basis,
            rows: lines.map {
                ResultBreakdownRow(key: $0.key, label: $0.label, statistics: .of($0.entries.map(\.result)))
            },
            total: .of(roster.map(\.result)))
    }

    /// The sex the CURP's 11th character gives; nil when it is none of H, M, X (a value stored
    /// unchecked), so that such a person stands on a line of their own instead of counting as X.
    public static func sex(of curp: Curp) -> Sex? {
        let characters = Array(curp.value.utf8)
        guard characters.count > 10 else { return nil }
        return Sex(rawValue: String(UnicodeScalar(characters[10])))
    }
}

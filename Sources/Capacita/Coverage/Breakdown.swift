import CapacitaFiles

/// The ways the Commission's reports split a count: by sex («290 mujeres y 278 hombres»), by order
/// of government, by state, and public servants apart from the general public.
public enum Breakdown: String, Sendable, Hashable, CaseIterable, Codable {
    case sexo
    case orden
    case entidad
    case publico

    public var title: String {
        switch self {
        case .sexo: return "Por sexo"
        case .orden: return "Por orden de gobierno"
        case .entidad: return "Por entidad federativa"
        case .publico: return "Por público"
        }
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "«\(text)» no es un desglose: sexo, orden, entidad o publico (varios separados por comas)"
        }
    }

    /// `sexo,orden` (any order, without case or accents, each once).
    public static func list(_ text: String) -> Result<[Breakdown], Problem> {
        guard text.utf8.count <= 64 else { return .failure(Problem(text: String(text.prefix(20)))) }
        var chosen: [Breakdown] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let key = String(part).trimmingSpaces().lowercased().replacingOccurrences(of: "ú", with: "u")
            guard let breakdown = Breakdown(rawValue: key) else { return .failure(Problem(text: String(part))) }
            if !chosen.contains(breakdown) { chosen.append(breakdown) }
        }
        return .success(chosen)
    }
}

/// One line of a breakdown of the events table: a value of the dimension and what it counts.
/// `eventos` is nil where the dimension splits people but not events (sex, audience).
public struct BreakdownRow: Sendable, Equatable {
    public var key: String
    public var label: String
    public var eventos: Int?
    public var publicoGeneral: Int
    public var servidoresPublicos: Int

    public var personas: Int { publicoGeneral + servidoresPublicos }

    public init(key: String, label: String, eventos: Int?, publicoGeneral: Int, servidoresPublicos: Int) {
        self.key = key
        self.label = label
        self.eventos = eventos
        self.publicoGeneral = publicoGeneral
        self.servidoresPublicos = servidoresPublicos
    }
}

/// The events table split one way. Every column adds up to the table's TOTAL: a count that cannot
/// be split (a group's aggregate count has no sex; a group given without a state) stands on a line
/// of its own, never dropped. A person of sex X counts as X.
public struct EventBreakdown: Sendable, Equatable {
    public var breakdown: Breakdown
    /// Which value the report uses, said in the report itself.
    public var basis: String
    public var rows: [BreakdownRow]
    public var total: BreakdownRow

    public static let unsplit = "sin_desglose"

    public static func of(_ breakdown: Breakdown, groups: [EventGroup], agencies: [Agency]) -> EventBreakdown {
        var lines: [String: BreakdownRow] = [:]
        var order: [String] = []
        func add(_ key: String, _ label: String, events: Int?, general: Int, servants: Int) {
            var line: BreakdownRow
            if let existing = lines[key] {
                line = existing
            } else {
                order.append(key)
                line = BreakdownRow(
                    key: key, label: label, eventos: events.map { _ in 0 }, publicoGeneral: 0, servidoresPublicos: 0)
            }
            line.eventos = line.eventos.map { $0 + (events ?? 0) }
            line.publicoGeneral += general
            line.servidoresPublicos += servants
            lines[key] = line
        }
        let orders = Dictionary(agencies.map { ($0.code, $0.order) }, uniquingKeysWith: { first, _ in first })
        let basis: String
        var fixed: [(String, String)] = []
        switch breakdown {
        case .sexo:
            basis =
                "Sexo de las personas inscritas, según su CURP (X cuenta como X); los conteos agregados de un evento"
                + " (público general y servidores públicos sin lista) no tienen sexo: van en «sin desglose»."
            fixed = [
                (Sex.mujer.rawValue, "mujeres"), (Sex.hombre.rawValue, "hombres"), (Sex.noBinario.rawValue, "X"),
                (unsplit, "sin desglose"),
            ]
            for (key, label) in fixed { add(key, label, events: nil, general: 0, servants: 0) }
            for group in groups {
                var enrolled = 0
                for sex in Sex.allCases {
                    let count = group.enrolledBySex[sex] ?? 0
                    enrolled += count
                    add(sex.rawValue, "", events: nil, general: 0, servants: count)
                }
                add(unsplit, "", events: nil, general: group.generalPublic, servants: group.publicServants - enrolled)
            }
        case .orden:
            basis = "Orden de gobierno de la instancia que organizó el evento."
            fixed = GovernmentOrder.allCases.map { ($0.rawValue, $0.rawValue) }
            for (key, label) in fixed { add(key, label, events: 0, general: 0, servants: 0) }
            for group in groups {
                let key = orders[group.agencyCode]?.rawValue ?? unsplit
                add(key, "sin dato", events: group.events, general: group.generalPublic, servants: group.publicServants)
            }
        case .entidad:
            basis =
                "Entidad federativa donde se dio el evento (la del grupo, del archivo de grupos);"
                + " «sin entidad» cuando el grupo no la dice."
            for group in groups {
                let key = group.state ?? unsplit
                add(
                    key, group.state.map { StateCode.names[$0] ?? $0 } ?? "sin entidad", events: group.events,
                    general: group.generalPublic, servants: group.publicServants)
            }
        case .publico:
            basis = "Servidores públicos (inscritos y conteos agregados) y público general."
            let general = groups.map(\.generalPublic).reduce(0, +)
            let servants = groups.map(\.publicServants).reduce(0, +)
            add("servidores_publicos", "servidores públicos", events: nil, general: 0, servants: servants)
            add("publico_general", "público general", events: nil, general: general, servants: 0)
        }
        var rows = order.compactMap { lines[$0] }
        if breakdown == .entidad {
            rows.sort { ($0.key == unsplit ? 1 : 0, $0.label) < ($1.key == unsplit ? 1 : 0, $1.label) }
        }
        // A line for what could not be split only when it counts something.
        rows.removeAll { $0.key == unsplit && $0.personas == 0 && ($0.eventos ?? 0) == 0 }
        let total = BreakdownRow(
            key: "TOTAL", label: "TOTAL",
            eventos: breakdown == .orden || breakdown == .entidad ? groups.map(\.events).reduce(0, +) : nil,
            publicoGeneral: rows.map(\.publicoGeneral).reduce(0, +),
            servidoresPublicos: rows.map(\.servidoresPublicos).reduce(0, +))
        return EventBreakdown(breakdown: breakdown, basis: basis, rows: rows, total: total)
    }
}

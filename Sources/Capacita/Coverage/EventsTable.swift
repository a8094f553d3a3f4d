/// The table of the 2018 annual program: per agency, events and people reached, split by kind
/// (capacitación, sensibilización) and audience (general public, public servants).
public struct EventCounts: Sendable, Equatable, Encodable {
    public var eventos: Int = 0
    public var publicoGeneral: Int = 0
    public var servidoresPublicos: Int = 0

    public init(eventos: Int = 0, publicoGeneral: Int = 0, servidoresPublicos: Int = 0) {
        self.eventos = eventos
        self.publicoGeneral = publicoGeneral
        self.servidoresPublicos = servidoresPublicos
    }

    static func + (lhs: EventCounts, rhs: EventCounts) -> EventCounts {
        EventCounts(
            eventos: lhs.eventos + rhs.eventos, publicoGeneral: lhs.publicoGeneral + rhs.publicoGeneral,
            servidoresPublicos: lhs.servidoresPublicos + rhs.servidoresPublicos)
    }

    enum CodingKeys: String, CodingKey {
        case eventos
        case publicoGeneral = "publico_general"
        case servidoresPublicos = "servidores_publicos"
    }
}

/// Groups that started in the period, as the events table counts them: one group, or several of
/// one agency, kind and state added together (`events` of them).
public struct EventGroup: Sendable, Equatable {
    public var agencyCode: String
    public var kind: TrainingKind
    public var generalPublic: Int
    /// The groups' aggregate counts of public servants plus their enrolled people (bajas excluded).
    public var publicServants: Int
    public var events: Int
    /// The state the groups were given in (the groups file's `entidad`); nil when not said.
    public var state: String?
    /// The enrolled people among `publicServants`, by the sex their CURP gives; the rest of
    /// `publicServants` (and all of `generalPublic`) are counts without people, so without sex.
    public var enrolledBySex: [Sex: Int]
    /// How the groups were given and who gave them (the groups file's `formato` and `aliado`);
    /// nil when not said.
    public var format: EventFormat?
    public var partner: String?

    public init(
        agencyCode: String, kind: TrainingKind, generalPublic: Int, publicServants: Int, events: Int = 1,
        state: String? = nil, enrolledBySex: [Sex: Int] = [:], format: EventFormat? = nil, partner: String? = nil
    ) {
        self.agencyCode = agencyCode
        self.kind = kind
        self.generalPublic = generalPublic
        self.publicServants = publicServants
        self.events = events
        self.state = state
        self.enrolledBySex = enrolledBySex
        self.format = format
        self.partner = partner
    }
}

public struct EventsRow: Sendable, Equatable {
    public var agency: String
    public var name: String
    public var capacitacion: EventCounts
    public var sensibilizacion: EventCounts
}

public enum EventsTable {
    /// Every counted member agency (zeros when it had none), then any other agency with events;
    /// and the TOTAL.
    public static func build(agencies: [Agency], groups: [EventGroup]) -> (rows: [EventsRow], total: EventsRow) {
        var counts: [String: [TrainingKind: EventCounts]] = [:]
        for group in groups {
            counts[group.agencyCode, default: [:]][group.kind, default: EventCounts()] =
                (counts[group.agencyCode]?[group.kind] ?? EventCounts())
                + EventCounts(
                    eventos: group.events, publicoGeneral: group.generalPublic,
                    servidoresPublicos: group.publicServants)
        }
        let shown = agencies.filter { $0.countsInIndicator || counts[$0.code] != nil }
        let rows = shown.map { agency in
            EventsRow(
                agency: agency.code, name: agency.name,
                capacitacion: counts[agency.code]?[.capacitacion] ?? EventCounts(),
                sensibilizacion: counts[agency.code]?[.sensibilizacion] ?? EventCounts())
        }
        let total = EventsRow(
            agency: "TOTAL", name: "TOTAL",
            capacitacion: rows.map(\.capacitacion).reduce(EventCounts(), +),
            sensibilizacion: rows.map(\.sensibilizacion).reduce(EventCounts(), +))
        return (rows, total)
    }
}

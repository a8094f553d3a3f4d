import CapacitaFiles

/// The events table by how each event was given (plática, taller, obra de teatro…) and by the
/// organisation that gave it: tables every events report carries after its table per agency,
/// which they leave as it is. Each line counts events and people as the TOTAL does, so each table
/// adds up to it; a group without a formato or a partner stands on a line of its own
/// («sin formato», «sin aliado»), never dropped.
public struct EventSplit: Sendable, Equatable {
    public enum Dimension: String, Sendable, Equatable {
        case formato
        case aliado

        public var title: String {
            switch self {
            case .formato: return "Por formato"
            case .aliado: return "Por aliado"
            }
        }
    }

    public var dimension: Dimension
    /// What each line is taken from, said in the report itself.
    public var basis: String
    public var rows: [BreakdownRow]
    public var total: BreakdownRow

    public static let withoutFormat = "sin_formato"
    public static let withoutPartner = "sin_aliado"

    /// Every formato of the code list, in its order (zeros included, as the orders of government
    /// are), then «sin formato» when some group has none.
    public static func formats(_ groups: [EventGroup]) -> EventSplit {
        var lines = EventFormat.allCases.map {
            BreakdownRow(key: $0.rawValue, label: $0.label, eventos: 0, publicoGeneral: 0, servidoresPublicos: 0)
        }
        var without = BreakdownRow(
            key: withoutFormat, label: "sin formato", eventos: 0, publicoGeneral: 0, servidoresPublicos: 0)
        for group in groups {
            if let format = group.format, let index = EventFormat.allCases.firstIndex(of: format) {
                add(group, to: &lines[index])
            } else {
                add(group, to: &without)
            }
        }
        if (without.eventos ?? 0) > 0 { lines.append(without) }
        return EventSplit(
            dimension: .formato,
            basis:
                "Formato del evento, del archivo de grupos (plática, curso, taller, conferencia, obra de teatro, video u otro);"
                + " «sin formato» cuando el grupo no lo dice.",
            rows: lines, total: total(lines))
    }

    /// Each organisation named as a partner, once however it was written (names compared without
    /// case, accents or punctuation; shown as written in most of its events, the first
    /// alphabetically on a tie), alphabetically; then «sin aliado» when some group has none.
    public static func partners(_ groups: [EventGroup]) -> EventSplit {
        var byKey: [String: BreakdownRow] = [:]
        var spellings: [String: [String: Int]] = [:]
        var without = BreakdownRow(
            key: withoutPartner, label: "sin aliado", eventos: 0, publicoGeneral: 0, servidoresPublicos: 0)
        for group in groups {
            guard let partner = group.partner, !NameKey.make(partner).isEmpty else {
                add(group, to: &without)
                continue
            }
            let key = NameKey.make(partner)
            var line =
                byKey[key] ?? BreakdownRow(key: key, label: "", eventos: 0, publicoGeneral: 0, servidoresPublicos: 0)
            add(group, to: &line)
            byKey[key] = line
            spellings[key, default: [:]][partner, default: 0] += group.events
        }
        var lines = byKey.values.sorted { $0.key < $1.key }
        for index in lines.indices {
            let written = spellings[lines[index].key] ?? [:]
            lines[index].label =
                written.min { ($1.value, $0.key) < ($0.value, $1.key) }?.key ?? lines[index].key
        }
        if (without.eventos ?? 0) > 0 { lines.append(without) }
        return EventSplit(
            dimension: .aliado,
            basis:
                "Organización que impartió el evento con la instancia, del archivo de grupos (columna aliado);"
                + " «sin aliado» cuando el grupo no la dice.",
            rows: lines, total: total(lines))
    }

    private static func add(_ group: EventGroup, to line: inout BreakdownRow) {
        line.eventos = (line.eventos ?? 0) + group.events
        line.publicoGeneral += group.generalPublic
        line.servidoresPublicos += group.publicServants
    }

    private static func total(_ lines: [BreakdownRow]) -> BreakdownRow {
        BreakdownRow(
            key: "TOTAL", label: "TOTAL", eventos: lines.compactMap(\.eventos).reduce(0, +),
            publicoGeneral: lines.map(\.publicoGeneral).reduce(0, +),
            servidoresPublicos: lines.map(\.servidoresPublicos).reduce(0, +))
    }
}

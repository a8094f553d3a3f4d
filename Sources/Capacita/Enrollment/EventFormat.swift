import CapacitaFiles

/// How an event was given. The sources say sensibilización is done through talks, courses,
/// workshops, conferences, plays and videos (the Taller is not its only form); `otro` holds
/// whatever else an agency reports (a fair, a march). Optional on every group, of either kind.
/// The codes are stable (files, JSON, the database's CHECK in db/migrations/0032); `label` is
/// what a person reads.
public enum EventFormat: String, Sendable, Hashable, CaseIterable, Codable {
    case platica
    case curso
    case taller
    case conferencia
    case obraDeTeatro = "obra_de_teatro"
    case video
    case otro

    public var label: String {
        switch self {
        case .platica: return "plática"
        case .curso: return "curso"
        case .taller: return "taller"
        case .conferencia: return "conferencia"
        case .obraDeTeatro: return "obra de teatro"
        case .video: return "video"
        case .otro: return "otro"
        }
    }

    /// As written in a cell: without case or accents, spaces or underscores alike ("Obra de
    /// teatro", "obra_de_teatro", "PLÁTICA", "platica").
    public static func parse(_ text: String) -> EventFormat? {
        guard text.utf8.count <= 64 else { return nil }
        return EventFormat(rawValue: NameKey.header(text))
    }

    /// The codes, for messages: "platica, curso, taller, conferencia, obra_de_teatro, video u otro".
    public static var choices: String {
        allCases.dropLast().map(\.rawValue).joined(separator: ", ") + " u " + (allCases.last?.rawValue ?? "")
    }
}

/// The organisation that gave an event beside the agency that organized it (Polaris, OIM, the
/// Instituto Matías Romero…): free text, as the agency writes it.
public enum EventPartner {
    /// An organisation's name, with room for its full form and its acronym.
    public static let limit = 200

    /// The name kept: spaces at the ends dropped and runs of spaces inside made one, as Excel
    /// cells come; nil for an empty cell.
    public static func cleaned(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" })
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// Why a partner's name cannot be stored, or nil: control or invisible characters, too long,
    /// or no letter or digit at all.
    public static func problem(_ text: String) -> String? {
        if let problem = CellText.textProblem(text, limit: limit) { return problem }
        guard !text.isEmpty else { return nil }
        if !text.unicodeScalars.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) {
            return "debe tener al menos una letra"
        }
        return nil
    }
}

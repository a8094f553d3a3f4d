/// The level of a course within its program version.
public enum Level: String, Sendable, Codable, CaseIterable {
    // PNC 2022
    case sensibilizacion
    case basico
    case intermedio
    case formador
    case especializado
    // PNC 2018 (capacitación, especialización, formador de formadores)
    case capacitacion
    case especializacion

    /// Awareness (sensibilización) or training (capacitación): how the Commission's events table
    /// classifies a group. Only the Taller de Sensibilización is sensibilización.
    public var kind: TrainingKind {
        self == .sensibilizacion ? .sensibilizacion : .capacitacion
    }
}

/// The two kinds of event the Commission counts separately.
public enum TrainingKind: String, Sendable, Codable, CaseIterable {
    case capacitacion
    case sensibilizacion
}

/// A version of the training program; each has its own set of levels.
public enum Program: String, Sendable, Codable, CaseIterable {
    case pnc2022 = "pnc-2022"
    case pnc2018 = "pnc-2018"

    /// The year the program version starts (its name's year): where a cumulative count begins.
    public var startYear: Int { Int(rawValue.suffix(4)) ?? 0 }

    public var levels: [Level] {
        switch self {
        case .pnc2022: return [.sensibilizacion, .basico, .intermedio, .formador, .especializado]
        case .pnc2018: return [.capacitacion, .especializacion, .formador]
        }
    }
}

/// How a course is given.
public enum Modality: String, Sendable, Codable, CaseIterable {
    case presencial
    case enLinea = "en_linea"
    case mixta
}

/// The evaluation instruments of the 2018 program's reacción and aprendizaje axes.
public enum Instrument: String, Sendable, Codable, CaseIterable {
    case reaccion
    case pre
    case post
}

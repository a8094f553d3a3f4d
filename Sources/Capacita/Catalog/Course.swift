/// A course of the catalog: the data of its carta descriptiva.
public struct Course: Sendable, Equatable, Codable {
    public var code: String
    public var program: Program
    public var level: Level
    public var title: String
    public var modalities: [Modality]
    public var hours: Double
    public var audience: String
    public var objectives: [String]
    public var temario: [Topic]
    public var evaluation: [Instrument]
    public var passing: PassingRule
    /// The largest group, for every modality without a size of its own.
    public var maxGroupSize: Int
    /// Sizes for some modalities (by raw value: `en_linea: 200`), when the course file gives
    /// `max_group_size` as a mapping; nil when it gives one number.
    public var groupSizes: [String: Int]?
    public var prerequisites: [String]
    public var countsForIndicator: Bool
    /// Its approval and revisions, oldest first (`history` in the course file); empty for a draft.
    public var history: [CourseEvent] {
        get { recordedHistory ?? [] }
        set { recordedHistory = newValue.isEmpty ? nil : newValue }
    }
    /// Optional in the stored document: courses stored before the history existed have none.
    var recordedHistory: [CourseEvent]?

    public init(
        code: String, program: Program, level: Level, title: String, modalities: [Modality], hours: Double,
        audience: String, objectives: [String], temario: [Topic], evaluation: [Instrument],
        passing: PassingRule, maxGroupSize: Int, prerequisites: [String], countsForIndicator: Bool
    ) {
        self.code = code
        self.program = program
        self.level = level
        self.title = title
        self.modalities = modalities
        self.hours = hours
        self.audience = audience
        self.objectives = objectives
        self.temario = temario
        self.evaluation = evaluation
        self.passing = passing
        self.maxGroupSize = maxGroupSize
        self.groupSizes = nil
        self.prerequisites = prerequisites
        self.countsForIndicator = countsForIndicator
    }

    public var kind: TrainingKind { level.kind }

    /// The largest group of this modality (the catalog's 40 for a classroom is an assumption: the
    /// maximum of the 2018 programme's SINTRA sessions, Anexo VI; an online course for a whole
    /// agency, more), or the course's single size; with no modality, the smallest of its sizes.
    public func maxGroupSize(for modality: Modality?) -> Int {
        guard let groupSizes else { return maxGroupSize }
        guard let modality else { return groupSizes.values.min() ?? maxGroupSize }
        return groupSizes[modality.rawValue] ?? maxGroupSize
    }

    enum CodingKeys: String, CodingKey {
        case code, program, level, title, modalities, hours, audience, objectives, temario, evaluation, passing
        case maxGroupSize = "max_group_size"
        case groupSizes = "max_group_size_by_modality"
        case prerequisites
        case countsForIndicator = "counts_for_indicator"
        case recordedHistory = "history"
    }
}

/// One topic of a temario with its hours.
public struct Topic: Sendable, Equatable, Codable {
    public var topic: String
    public var hours: Double

    public init(topic: String, hours: Double) {
        self.topic = topic
        self.hours = hours
    }
}

/// When a participant acredita: final score and attendance both at least their minimum.
public struct PassingRule: Sendable, Equatable, Codable {
    public var minScore: Double
    public var minAttendance: Double
    /// How the attendance register counts a justified absence (`passing.justified_absences`;
    /// `JustifiedAbsences.default` when the course file does not say).
    public var justifiedAbsences: JustifiedAbsences

    public init(minScore: Double, minAttendance: Double, justifiedAbsences: JustifiedAbsences = .default) {
        self.minScore = minScore
        self.minAttendance = minAttendance
        self.justifiedAbsences = justifiedAbsences
    }

    /// Courses stored before the rule existed carry no `justified_absences`: they take the default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minScore = try container.decode(Double.self, forKey: .minScore)
        minAttendance = try container.decode(Double.self, forKey: .minAttendance)
        justifiedAbsences =
            try container.decodeIfPresent(JustifiedAbsences.self, forKey: .justifiedAbsences) ?? .default
    }

    /// Exactly at the minimum passes.
    public func passes(score: Double, attendance: Double) -> Bool {
        score >= minScore && attendance >= minAttendance
    }

    /// The status results lead to. Undecided (inscrito) until attendance is recorded and, when the
    /// course asks for a score (minScore > 0), the final score too. The SQL function
    /// `enrollment_status` (db/migrations/0004) applies the same rule to many rows at once.
    public func status(score: Double?, attendance: Double?) -> EnrollmentStatus {
        guard let attendance, minScore == 0 || score != nil else { return .inscrito }
        return attendance >= minAttendance && (minScore == 0 || (score ?? 0) >= minScore) ? .acreditado : .noAcreditado
    }

    enum CodingKeys: String, CodingKey {
        case minScore = "min_score"
        case minAttendance = "min_attendance"
        case justifiedAbsences = "justified_absences"
    }
}

/// How the attendance register counts a session a participant missed with a justification
/// (Courses/README.md): as attended (`asistencia`), left out of their count (`excluida`), or as an
/// absence (`falta`).
public enum JustifiedAbsences: String, Sendable, Codable, CaseIterable {
    case asistencia
    case excluida
    case falta

    /// Left out of the count: a justified absence neither gives the person a session they did not
    /// attend (which `asistencia` would) nor fails them for a reason the course accepts (which
    /// `falta` would). `course.justified_absences` in db/migrations/0027 has the same default.
    public static let `default` = JustifiedAbsences.excluida
}

/// Where an enrollment stands.
public enum EnrollmentStatus: String, Sendable, Codable, CaseIterable {
    case inscrito
    case acreditado
    case noAcreditado = "no_acreditado"
    case baja
}

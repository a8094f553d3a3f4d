/// The measures a results file records per participant.
public enum ResultMeasure: String, Sendable, CaseIterable {
    case asistencia
    case pre
    case post
    case calificacion
    case reaccionMetodologia = "reaccion_metodologia"
    case reaccionInstructores = "reaccion_instructores"
    case reaccionContenidos = "reaccion_contenidos"
    case reaccionInfraestructura = "reaccion_infraestructura"

    /// Percentages (0-100) or a Likert answer (1-5, whole).
    public var range: ClosedRange<Double> { isReaction ? 1...5 : 0...100 }

    public var isReaction: Bool { rawValue.hasPrefix("reaccion") }
}

/// What a cell asks for: leave the stored value, set a new one, or clear it.
public enum MeasureChange: Sendable, Equatable {
    case keep
    case set(Double)
    case clear
}

/// One valid row of a results file.
public struct ResultRow: Sendable, Equatable {
    public var line: Int
    public var curp: Curp
    public var groupCode: String
    public var changes: [ResultMeasure: MeasureChange]

    public init(line: Int, curp: Curp, groupCode: String, changes: [ResultMeasure: MeasureChange]) {
        self.line = line
        self.curp = curp
        self.groupCode = groupCode
        self.changes = changes
    }

    public func change(_ measure: ResultMeasure) -> MeasureChange { changes[measure] ?? .keep }
}

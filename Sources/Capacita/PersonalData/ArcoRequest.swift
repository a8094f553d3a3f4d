/// A request under the ARCO rights (acceso, rectificación, cancelación, oposición) of the Ley
/// General de Protección de Datos Personales en Posesión de Sujetos Obligados, as the register
/// keeps it (db/migrations/0037, `arco_request`).
public struct ArcoRequest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case acceso, rectificacion, cancelacion, oposicion

        public var label: String {
            switch self {
            case .acceso: "acceso"
            case .rectificacion: "rectificación"
            case .cancelacion: "cancelación"
            case .oposicion: "oposición"
            }
        }
    }

    public enum State: String, Sendable, CaseIterable {
        case recibida
        case enProceso = "en_proceso"
        case atendida, improcedente

        public var isOpen: Bool { self == .recibida || self == .enProceso }

        public var label: String {
            switch self {
            case .recibida: "recibida"
            case .enProceso: "en proceso"
            case .atendida: "atendida"
            case .improcedente: "improcedente"
            }
        }
    }

    /// How it arrived: in writing at the office, by e-mail, through the Plataforma Nacional de
    /// Transparencia, or from the participant's own page.
    public enum Channel: String, Sendable, CaseIterable {
        case escrito, correo, pnt, participante
    }

    public var id: Int64
    public var kind: Kind
    /// Encoded masked, as every `Curp`.
    public var curp: Curp
    public var channel: Channel
    public var receivedOn: CalendarDate
    public var dueOn: CalendarDate
    public var detail: String?
    public var state: State
    public var outcome: String?
    public var filedBy: String
    public var closedBy: String?
    public var closedOn: CalendarDate?

    public init(
        id: Int64, kind: Kind, curp: Curp, channel: Channel, receivedOn: CalendarDate, dueOn: CalendarDate,
        detail: String?, state: State, outcome: String?, filedBy: String, closedBy: String?, closedOn: CalendarDate?
    ) {
        self.id = id
        self.kind = kind
        self.curp = curp
        self.channel = channel
        self.receivedOn = receivedOn
        self.dueOn = dueOn
        self.detail = detail
        self.state = state
        self.outcome = outcome
        self.filedBy = filedBy
        self.closedBy = closedBy
        self.closedOn = closedOn
    }

    /// Still open after its last day: «vencida».
    public func isOverdue(today: CalendarDate) -> Bool { state.isOpen && today > dueOn }

    /// Working days left to answer (0 on the last day); nil once closed or overdue.
    public func workingDaysLeft(today: CalendarDate, calendar: WorkingCalendar) -> Int? {
        guard state.isOpen, today <= dueOn else { return nil }
        var left = 0
        var day = today
        while day < dueOn {
            day = day.adding(days: 1)
            if calendar.isWorkingDay(day) { left += 1 }
        }
        return left
    }

    /// The longest free text the register keeps (what was asked, what was done).
    public static let textLimit = 2000
}

/// The term to answer a request, in working days, counted from the day after it was received:
/// LGPDPPSO (DOF 26-01-2017), art. 51, «un plazo que no deberá exceder de veinte días contados a
/// partir del día siguiente a la recepción de la solicitud» (extendable once by ten days, which
/// the register does not apply by itself). A new LGPDPPSO was published on 20 March 2025: its
/// article and term should be checked, and this number changed if they differ.
public enum ArcoDeadline {
    public static let workingDays = 20

    public static func due(receivedOn: CalendarDate, calendar: WorkingCalendar) -> CalendarDate {
        calendar.adding(workingDays: workingDays, after: receivedOn)
    }
}

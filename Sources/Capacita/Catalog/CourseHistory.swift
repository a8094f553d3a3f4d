/// What happened to a course's contents, as the catalog's history records it: the Commission's
/// plenary approved them, or they were revised after approval. Meta 4.1 counts these events;
/// Parámetro 4.2's `--courses aprobados` reading counts only courses approved by the year's end.
public struct CourseEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The plenary approved the course's contents (a carta descriptiva is a draft until then).
        case aprobacion
        /// The contents were updated or revised.
        case actualizacion
    }

    public var date: CalendarDate
    public var kind: Kind
    /// The plenary's session, as the minutes name it ("Segunda Sesión Ordinaria 2024"); nil when
    /// the sources do not say.
    public var session: String?
    /// The public document the event is taken from.
    public var source: String?

    public init(date: CalendarDate, kind: Kind, session: String? = nil, source: String? = nil) {
        self.date = date
        self.kind = kind
        self.session = session
        self.source = source
    }
}

extension Course {
    /// The first approval of its contents; nil for a draft.
    public var approval: CourseEvent? {
        history.filter { $0.kind == .aprobacion }.min { $0.date < $1.date }
    }

    /// Whether the plenary had approved its contents by `day`.
    public func isApproved(by day: CalendarDate) -> Bool {
        approval.map { $0.date <= day } ?? false
    }
}

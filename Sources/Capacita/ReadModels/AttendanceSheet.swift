/// A session's lista de asistencia as it is printed: the header that names the session, a row per
/// participant to sign, and blank rows for people who come unannounced. Loaded from the store for
/// the caller (row-level security decides whose people appear); rendered by `CapacitaPDF`.
public struct AttendanceSheet: Sendable, Equatable {
    /// A participant's row: the name as the roster holds it, the agency's short code and the tier.
    public struct Row: Sendable, Equatable {
        public var name: String
        public var agencyCode: String
        public var tier: Tier

        public init(name: String, agencyCode: String, tier: Tier) {
            self.name = name
            self.agencyCode = agencyCode
            self.tier = tier
        }
    }

    /// The programme every list belongs to, printed at the top of each page.
    public static let programme = "Programa Nacional de Capacitación en materia de trata de personas"

    /// Blank rows after the participants when the caller does not say: enough for the few people a
    /// session usually gets unannounced, without a page of empty lines. `--blank-rows` and
    /// `?blank_rows=` change it, up to `blankRowLimit`.
    public static let defaultBlankRows = 5
    /// A whole page of blank rows and then some; more would be a stack of empty paper.
    public static let blankRowLimit = 60

    public var session: GroupSession
    public var courseCode: String?
    public var courseTitle: String?
    /// The group's instructors: their account names when the caller reads the account, else the
    /// user name they are assigned by.
    public var instructors: [String]
    /// The participants in roster order (surnames, then given names); bajas are left out.
    public var rows: [Row]
    public var blankRows: Int

    public init(
        session: GroupSession, courseCode: String?, courseTitle: String?, instructors: [String], rows: [Row],
        blankRows: Int
    ) {
        self.session = session
        self.courseCode = courseCode
        self.courseTitle = courseTitle
        self.instructors = instructors
        self.rows = rows
        self.blankRows = blankRows
    }

    public var groupCode: String { session.groupCode }
    /// The session's stable code, printed and encoded in the QR code so a scan finds its session.
    public var sessionCode: String { session.code }

    /// "Aula 3", a link, or nothing.
    public var place: String { session.place?.text ?? "" }

    /// "2024-03-04, 09:00–14:00", or the date alone for a day without hours.
    public var when: String {
        guard let start = session.startsAt else { return session.date.description }
        return "\(session.date.description), \(start)–\(session.endsAt.map(\.description) ?? "")"
    }

    /// "PNC22-BAS — Curso básico…", whichever of the two is known.
    public var course: String {
        [courseCode, courseTitle].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " — ")
    }
}

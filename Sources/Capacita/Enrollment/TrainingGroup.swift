import CapacitaFiles

/// A group (or event) of a course: who organizes it, when, where and for how many.
/// Events outside the catalog (a street fair) have no course and may carry only aggregate counts.
public struct TrainingGroup: Sendable, Equatable, Codable {
    public var code: String
    public var courseCode: String?
    public var kind: TrainingKind
    public var agencyCode: String
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate?
    public var modality: Modality?
    public var state: String?
    /// Maximum participants; nil means no limit (only for events outside the catalog).
    public var capacity: Int?
    /// Aggregate attendance for people counted, not listed.
    public var generalPublic: Int
    public var publicServants: Int
    /// How the event was given (plática, taller, obra de teatro…), when the file says.
    public var format: EventFormat?
    /// The organisation that gave it beside the organizing agency, when the file says.
    public var partner: String?

    public init(
        code: String, courseCode: String?, kind: TrainingKind, agencyCode: String, startsOn: CalendarDate,
        endsOn: CalendarDate?, modality: Modality?, state: String?, capacity: Int?, generalPublic: Int,
        publicServants: Int, format: EventFormat? = nil, partner: String? = nil
    ) {
        self.code = code
        self.courseCode = courseCode
        self.kind = kind
        self.agencyCode = agencyCode
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.modality = modality
        self.state = state
        self.capacity = capacity
        self.generalPublic = generalPublic
        self.publicServants = publicServants
        self.format = format
        self.partner = partner
    }

    enum CodingKeys: String, CodingKey {
        case code
        case courseCode = "course"
        case kind
        case agencyCode = "agency"
        case startsOn = "starts_on"
        case endsOn = "ends_on"
        case modality, state, capacity
        case generalPublic = "general_public"
        case publicServants = "public_servants"
        case format, partner
    }

    /// Group codes are compared and stored in capitals, so "bas-2024-01" is "BAS-2024-01".
    /// The longest group code.
    public static let codeLimit = 40

    /// Letters without accents, digits, `-`, `_` and `.`: a code is typed, read aloud and put in
    /// URLs; a zero-width space, an emoji or a Cyrillic look-alike would make two codes of one.
    public static func isValidCode(_ code: String) -> Bool {
        !code.isEmpty && code.utf8.count <= codeLimit
            && code.utf8.allSatisfy {
                ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95
                    || $0 == 46
            }
    }

    public static func normalizeCode(_ text: String) -> String {
        let clean = text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 45 && $0 <= 57) || $0 == 95 }
        return clean ? text : text.trimmingSpaces().uppercased()
    }
}

/// What a participant's own page shows (`/mis-constancias`, db/migrations/0039): the person the
/// session stands for, their enrollments with results, their marks in the attendance register,
/// their constancias and the requests in the register that name them. Read through definer
/// functions that take the person from the session, never from the request.
public struct ParticipantPage: Sendable, Equatable {
    public struct Holder: Sendable, Equatable {
        public var givenNames: String
        public var firstSurname: String
        public var secondSurname: String?
        /// The CURP as every page shows it: its first four characters.
        public var maskedCurp: String
        /// When the session ends, Mexico City's clock (HH:MM).
        public var sessionEndsAt: String

        public init(
            givenNames: String, firstSurname: String, secondSurname: String?, maskedCurp: String,
            sessionEndsAt: String
        ) {
            self.givenNames = givenNames
            self.firstSurname = firstSurname
            self.secondSurname = secondSurname
            self.maskedCurp = maskedCurp
            self.sessionEndsAt = sessionEndsAt
        }

        public var fullName: String {
            [givenNames, firstSurname, secondSurname].compactMap { $0 }.joined(separator: " ")
        }
    }

    public struct Enrollment: Sendable, Equatable {
        public var groupCode: String
        public var courseCode: String?
        public var courseTitle: String?
        public var agencyName: String
        public var startsOn: String
        public var endsOn: String?
        public var modality: String?
        /// inscrito, acreditado, no_acreditado, baja.
        public var status: String
        /// As PostgreSQL writes the numeric (`92.50`), nil when not recorded.
        public var attendance: String?
        public var preScore: String?
        public var postScore: String?
        public var finalScore: String?

        public init(
            groupCode: String, courseCode: String?, courseTitle: String?, agencyName: String, startsOn: String,
            endsOn: String?, modality: String?, status: String, attendance: String?, preScore: String?,
            postScore: String?, finalScore: String?
        ) {
            self.groupCode = groupCode
            self.courseCode = courseCode
            self.courseTitle = courseTitle
            self.agencyName = agencyName
            self.startsOn = startsOn
            self.endsOn = endsOn
            self.modality = modality
            self.status = status
            self.attendance = attendance
            self.preScore = preScore
            self.postScore = postScore
            self.finalScore = finalScore
        }

        public var statusLabel: String {
            switch status {
            case "acreditado": "acreditado"
            case "no_acreditado": "no acreditado"
            case "baja": "baja"
            default: "inscrito"
            }
        }
    }

    /// One mark of the attendance register.
    public struct Mark: Sendable, Equatable {
        public var groupCode: String
        public var date: String
        /// HH:MM; nil for the day's session of a group without a sessions file.
        public var startsAt: String?
        public var mark: AttendanceMark

        public init(groupCode: String, date: String, startsAt: String?, mark: AttendanceMark) {
            self.groupCode = groupCode
            self.date = date
            self.startsAt = startsAt
            self.mark = mark
        }
    }

    public struct Constancia: Sendable, Equatable {
        public var folio: String
        public var code: String
        public var groupCode: String
        public var courseTitle: String
        public var issuedOn: String
        /// The day it was revoked (YYYY-MM-DD): no PDF is given of it.
        public var revokedOn: String?

        public init(
            folio: String, code: String, groupCode: String, courseTitle: String, issuedOn: String, revokedOn: String?
        ) {
            self.folio = folio
            self.code = code
            self.groupCode = groupCode
            self.courseTitle = courseTitle
            self.issuedOn = issuedOn
            self.revokedOn = revokedOn
        }
    }

    /// A request of the register that names the person: what it asks, when it is due, its state.
    public struct Request: Sendable, Equatable {
        public var id: Int64
        public var kind: ArcoRequest.Kind
        public var channel: ArcoRequest.Channel
        public var receivedOn: CalendarDate
        public var dueOn: CalendarDate
        public var state: ArcoRequest.State

        public init(
            id: Int64, kind: ArcoRequest.Kind, channel: ArcoRequest.Channel, receivedOn: CalendarDate,
            dueOn: CalendarDate, state: ArcoRequest.State
        ) {
            self.id = id
            self.kind = kind
            self.channel = channel
            self.receivedOn = receivedOn
            self.dueOn = dueOn
            self.state = state
        }
    }

    public var holder: Holder
    public var enrollments: [Enrollment]
    public var marks: [Mark]
    public var constancias: [Constancia]
    public var requests: [Request]

    public init(
        holder: Holder, enrollments: [Enrollment], marks: [Mark], constancias: [Constancia], requests: [Request]
    ) {
        self.holder = holder
        self.enrollments = enrollments
        self.marks = marks
        self.constancias = constancias
        self.requests = requests
    }

    /// What a participant may ask for from their page: rectification, cancellation, opposition.
    /// Access is their page itself (and the Secretaría Técnica's export on request).
    public static let requestKinds: [ArcoRequest.Kind] = [.rectificacion, .cancelacion, .oposicion]

    /// A request's free text as a form's text area sends it: line breaks and tabs become spaces
    /// (the register keeps one line), runs of spaces one, the ends trimmed.
    public static func detail(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

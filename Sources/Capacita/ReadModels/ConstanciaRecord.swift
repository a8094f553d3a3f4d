/// What a holder's certificate says.
public struct ConstanciaRecord: Sendable, Equatable {
    public var folio: String
    public var code: String
    public var groupCode: String
    public var curp: Curp
    public var name: PersonName
    public var courseCode: String
    public var courseTitle: String
    public var hours: Double
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate?
    public var agencyName: String
    public var issuedAt: String
    public var revokedAt: String?
    public var revokedReason: String?

    public init(
        folio: String, code: String, groupCode: String, curp: Curp, name: PersonName, courseCode: String,
        courseTitle: String, hours: Double, startsOn: CalendarDate, endsOn: CalendarDate?, agencyName: String,
        issuedAt: String, revokedAt: String?, revokedReason: String?
    ) {
        self.folio = folio
        self.code = code
        self.groupCode = groupCode
        self.curp = curp
        self.name = name
        self.courseCode = courseCode
        self.courseTitle = courseTitle
        self.hours = hours
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.agencyName = agencyName
        self.issuedAt = issuedAt
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
    }
}

/// What a verification shows to anyone holding the code: the holder's given names and surname
/// initials, never a CURP.
public struct ConstanciaVerification: Sendable, Equatable {
    public var folio: String
    public var holder: PersonName
    public var courseTitle: String
    public var hours: Double
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate?
    public var issuedOn: String
    public var revokedOn: String?
    /// The PDFs given out for it, oldest first (usually one; none before the first is drawn).
    public var pdfs: [IssuedPDF]
    /// The holder's data was cancelled (a request or retention, db/migrations/0037): the
    /// constancia is annulled, and no name is shown.
    public var cancelled = false

    public init(
        folio: String, holder: PersonName, courseTitle: String, hours: Double, startsOn: CalendarDate,
        endsOn: CalendarDate?, issuedOn: String, revokedOn: String?, pdfs: [IssuedPDF] = []
    ) {
        self.folio = folio
        self.holder = holder
        self.courseTitle = courseTitle
        self.hours = hours
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.issuedOn = issuedOn
        self.revokedOn = revokedOn
        self.pdfs = pdfs
    }
}

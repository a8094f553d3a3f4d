/// What a constancia's PDF shows, and nothing that depends on who asks for it or when: the same
/// value gives the same bytes (`ConstanciaPDF`), so the SHA-256 of the PDF as issued can be checked
/// against a copy. The holder's name is the shared record, as the public verification shows it.
public struct ConstanciaDocument: Sendable, Equatable {
    public var folio: String
    public var code: String
    public var groupCode: String
    public var holder: PersonName
    public var agencyName: String
    public var courseCode: String
    public var courseTitle: String
    public var hours: Double
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate?
    /// YYYY-MM-DD, the day the constancia was issued (not the day its PDF was drawn).
    public var issuedOn: String
    /// The public verification address: the service's public address + `/verificar/` + the code.
    public var verificationAddress: String

    public init(
        folio: String, code: String, groupCode: String, holder: PersonName, agencyName: String, courseCode: String,
        courseTitle: String, hours: Double, startsOn: CalendarDate, endsOn: CalendarDate?, issuedOn: String,
        verificationAddress: String
    ) {
        self.folio = folio
        self.code = code
        self.groupCode = groupCode
        self.holder = holder
        self.agencyName = agencyName
        self.courseCode = courseCode
        self.courseTitle = courseTitle
        self.hours = hours
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.issuedOn = issuedOn
        self.verificationAddress = verificationAddress
    }

    /// The body that names the course: "con duración de 40 horas, impartido del 4 al 8 de marzo de
    /// 2024 en el grupo SICT-BAS-2024-01."
    public var courseLine: String {
        let hours = Exact.decimal(self.hours, places: Exact.hourPlaces).map {
            Exact.shortText($0, places: Exact.hourPlaces)
        }
        let duration = hours.map { $0 == "1" ? "con duración de 1 hora, " : "con duración de \($0) horas, " } ?? ""
        return duration + "impartido \(CalendarDate.spanishRange(startsOn, endsOn)) en el grupo \(groupCode)."
    }

    /// The name of the constancia's file, in a ZIP or a download: its folio.
    public var fileName: String { Constancia.fileName(folio: folio) }
}

extension Constancia {
    /// Who issues the programme's constancias, printed at their top.
    public static let institution =
        "Comisión Intersecretarial para Prevenir, Sancionar y Erradicar los Delitos en Materia de Trata de Personas y para la Protección y Asistencia a las Víctimas de estos Delitos"

    /// The public page that checks a code: `https://capacita.example.gob.mx/verificar/ABCD…`, from
    /// the service's public address (CAPACITA_PUBLIC_URL), with or without its trailing slash.
    public static func verificationAddress(publicURL: String, code: String) -> String {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/verificar/" + code
    }

    /// `PNC-2024-000123.pdf`.
    public static func fileName(folio: String) -> String { folio + ".pdf" }
}

/// A PDF the service gave out for a constancia: its SHA-256 (lowercase hex) and the day it was
/// first given out (YYYY-MM-DD).
public struct IssuedPDF: Sendable, Equatable, Codable {
    public var sha256: String
    public var issuedOn: String

    public init(sha256: String, issuedOn: String) {
        self.sha256 = sha256
        self.issuedOn = issuedOn
    }
}

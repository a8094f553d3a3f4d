import Capacita
import Foundation
import Postgres

/// A person's data on request (db/migrations/0037): access (everything held about them), rectification
/// (with history, linked to the request), opposition (no e-mail), cancellation (their identity
/// removed, the figures kept under a surrogate) and retention. The Secretaría Técnica's only: every
/// call goes through a definer function that checks the caller (42501 otherwise) and audits the act
/// without the person's data.
public struct PersonalDataStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAllowed
        case noSuchPerson
        /// The request given is not an open request of that kind for that person.
        case requestMismatch
        /// An account is linked to the person or holds one of their e-mails.
        case hasAccount
        case reasonNamesPerson
        case alreadyCancelled
        case invalid(String)
        /// Every surrogate drawn was in use (astronomically unlikely: a broken random source).
        case noSurrogate

        /// A stable English key for programs.
        public var key: String {
            switch self {
            case .notAllowed: "not_allowed"
            case .noSuchPerson: "no_such_person"
            case .requestMismatch: "request_mismatch"
            case .hasAccount: "person_has_account"
            case .reasonNamesPerson: "reason_names_person"
            case .alreadyCancelled: "already_cancelled"
            case .invalid: "invalid"
            case .noSurrogate: "no_surrogate"
            }
        }

        public var description: String {
            switch self {
            case .notAllowed: "los datos de una persona los atiende la Secretaría Técnica"
            case .noSuchPerson: "capacita no tiene datos de esa CURP"
            case .requestMismatch:
                "la solicitud indicada no es una solicitud abierta de ese tipo para esa persona"
            case .hasAccount:
                "la persona tiene una cuenta de capacita (vinculada a su CURP o con su correo): desvincule y atienda la cuenta antes de cancelar sus datos"
            case .reasonNamesPerson: "el motivo no debe contener la CURP, el nombre ni el correo de la persona"
            case .alreadyCancelled: "los datos de esa persona ya fueron cancelados"
            case .invalid(let message): message
            case .noSurrogate: "no se pudo obtener una clave sustituta libre; intente de nuevo"
            }
        }
    }

    /// The database's refusals as the problems they are; anything else as it came.
    static func problem(_ error: PostgresError) -> any Error {
        switch error.sqlState {
        case "42501": return Problem.notAllowed
        case "CA001": return Problem.requestMismatch
        case "CA002": return Problem.noSuchPerson
        case "CA003": return Problem.hasAccount
        case "CA004": return Problem.reasonNamesPerson
        case "CA005": return Problem.alreadyCancelled
        case "22023", "23514": return Problem.invalid("el valor no es válido")
        default: return error
        }
    }

    func calling<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            throw Self.problem(error)
        }
    }

    // MARK: - Access

    /// Every row held about `curp`, table by table (`PersonExport.sources`), empty tables included.
    public func export(curp: Curp) throws -> PersonExport {
        try calling {
            try connection.withTransaction { connection in
                let at =
                    try connection.query(
                        "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                    ).scalar(String.self) ?? ""
                let rows = try connection.query(
                    "SELECT source, row_no, key, value, kind FROM person_export($1)", [curp.value])
                var sections = PersonExport.sources.map { PersonExport.Section(source: $0.source) }
                var current: (source: String, row: Int64)?
                for row in rows.rows {
                    let source: String = try row.decode("source")
                    let number: Int64 = try row.decode("row_no")
                    let index: Int
                    if let found = sections.firstIndex(where: { $0.source == source }) {
                        index = found
                    } else {
                        sections.append(PersonExport.Section(source: source))
                        index = sections.count - 1
                    }
                    if current?.source != source || current?.row != number {
                        sections[index].rows.append([])
                        current = (source, number)
                    }
                    let key: String = try row.decode("key")
                    if sections[index].rows.count == 1 { sections[index].columns.append(key) }
                    let text: String? = try row.decode("value")
                    let value: PersonExport.Value
                    switch (try row.decode("kind", as: String.self), text) {
                    case (_, nil): value = .null
                    case ("number", let number?): value = .number(number)
                    case ("boolean", let flag?): value = .bool(flag == "true")
                    case ("object", let json?), ("array", let json?): value = .json(json)
                    case (_, let string?): value = .text(string)
                    }
                    sections[index].rows[sections[index].rows.count - 1].append(value)
                }
                return PersonExport(curp: curp.value, generatedAt: at, sections: sections)
            }
        }
    }

    // MARK: - Rectification

    /// The shared record as it stands: what a rectification starts from.
    public struct Record: Sendable, Equatable {
        public var givenNames: String
        public var firstSurname: String
        public var secondSurname: String?
        public var sex: Sex
        public var email: String?

        public init(givenNames: String, firstSurname: String, secondSurname: String?, sex: Sex, email: String?) {
            self.givenNames = givenNames
            self.firstSurname = firstSurname
            self.secondSurname = secondSurname
            self.sex = sex
            self.email = email
        }
    }

    /// The shared record of `curp`, as the Secretaría Técnica reads it; nil when none is held.
    public func record(curp: Curp) throws -> Record? {
        try connection.query(
            "SELECT given_names, first_surname, second_surname, sex, email FROM person WHERE curp = $1", [curp.value]
        ).map { row in
            Record(
                givenNames: try row.decode("given_names"), firstSurname: try row.decode("first_surname"),
                secondSurname: try row.decode("second_surname"),
                sex: Sex(rawValue: try row.decode("sex")) ?? .noBinario, email: try row.decode("email"))
        }.first
    }

    /// Writes the corrected record (every agency's copy too), keeping the old values in the history
    /// linked to `request` (closed as atendida). The fields that changed; none when nothing did.
    public func rectify(curp: Curp, to corrected: Record, request: Int64?) throws -> [String] {
        for (field, value) in [("nombre", corrected.givenNames), ("primer apellido", corrected.firstSurname)] {
            if value.trimmingSpaces().isEmpty { throw Problem.invalid("\(field): no puede quedar vacío") }
        }
        for (field, value) in [
            ("nombre", corrected.givenNames), ("primer apellido", corrected.firstSurname),
            ("segundo apellido", corrected.secondSurname ?? ""),
        ] {
            if let problem = CellText.textProblem(value, limit: CellText.nameLimit) {
                throw Problem.invalid("\(field): \(problem)")
            }
        }
        var email: String?
        if let given = corrected.email {
            guard let normalized = AccountEmail.normalize(given) else {
                throw Problem.invalid("el correo no es una dirección válida")
            }
            email = normalized
        }
        let second = corrected.secondSurname.map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
        return try calling {
            let changed =
                try connection.query(
                    "SELECT array_to_string(person_rectify($1, $2, $3, $4, $5, $6, $7), ',')",
                    [
                        curp.value, request, corrected.givenNames.trimmingSpaces(),
                        corrected.firstSurname.trimmingSpaces(), second, corrected.sex.rawValue, email,
                    ]
                ).scalar(String?.self) ?? nil
            return (changed ?? "").split(separator: ",").map(String.init)
        }
    }

    // MARK: - Opposition

    /// Marks the person to receive no e-mail from capacita (true), or again (false); messages
    /// waiting for their addresses are given up. Whether it changed.
    @discardableResult
    public func setMailOptOut(curp: Curp, optedOut: Bool, request: Int64?) throws -> Bool {
        try calling {
            try connection.query(
                "SELECT person_mail_opt_out_set($1, $2, $3)", [curp.value, request, optedOut]
            ).scalar(Bool.self) ?? false
        }
    }

    // MARK: - Cancellation

    /// What a cancellation changed. The surrogate is not told: shown beside the CURP it would be
    /// the very link the cancellation removes.
    public struct Cancelled: Sendable, Equatable {
        public var enrollments: Int
        public var constancias: Int
        public var messages: Int
        public var history: Int
    }

    public static let reasonLimit = 500

    /// Removes the person's identity from every table, keeping their figures under a surrogate
    /// drawn from the system's strong random source (`SurrogateCurp`), another one when the one
    /// drawn is taken. One transaction (a savepoint when the caller has one open).
    public func anonymize(curp: Curp, reason: String, request: Int64?) throws -> Cancelled {
        var generator = SystemRandomNumberGenerator()
        return try anonymize(curp: curp, reason: reason, request: request, using: &generator)
    }

    /// The same with a random source of the caller's (the tests draw surrogates that collide).
    public func anonymize(
        curp: Curp, reason: String, request: Int64?, using generator: inout some RandomNumberGenerator
    ) throws -> Cancelled {
        let why = reason.trimmingSpaces()
        if why.isEmpty { throw Problem.invalid("indique el motivo de la cancelación") }
        if let problem = CellText.textProblem(why, limit: Self.reasonLimit) {
            throw Problem.invalid("el motivo: \(problem)")
        }
        for _ in 0..<Self.surrogateAttempts {
            let surrogate = SurrogateCurp.make(for: curp, using: &generator)
            do {
                return try connection.withTransaction { connection in
                    guard
                        let row = try connection.query(
                            "SELECT * FROM person_anonymize($1, $2, $3, $4)", [curp.value, surrogate, why, request]
                        ).rows.first
                    else { throw Problem.noSuchPerson }
                    return Cancelled(
                        enrollments: try row.decode("enrollments"), constancias: try row.decode("constancias"),
                        messages: try row.decode("messages"), history: try row.decode("history"))
                }
            } catch let error as PostgresError where error.sqlState == "23505" {
                continue
            } catch let error as PostgresError {
                throw Self.problem(error)
            }
        }
        throw Problem.noSurrogate
    }

    static let surrogateAttempts = 8

    // MARK: - Retention

    /// A person whose last activity is older than the retention allows.
    public struct Due: Sendable, Equatable {
        public enum Blocked: String, Sendable {
            /// An account is linked to them or holds their e-mail: dealt with by hand.
            case cuenta
            /// A request of theirs is open: it is answered first.
            case solicitud
        }

        public var curp: Curp
        public var lastActivity: CalendarDate
        public var blocked: Blocked?
    }

    /// Who is due at `cutoff` (`RetentionPolicy.cutoff(today:)`), oldest activity first.
    public func retentionDue(cutoff: CalendarDate) throws -> [Due] {
        try calling {
            try connection.query(
                "SELECT curp, last_activity::text AS last_activity, blocked FROM retention_due($1::date)",
                [cutoff.description]
            ).map { row in
                Due(
                    curp: Curp(stored: try row.decode("curp")),
                    lastActivity: CalendarDate.parse(try row.decode("last_activity"))
                        ?? CalendarDate(clamping: 1, month: 1, day: 1),
                    blocked: try row.decode("blocked", as: String?.self).flatMap(Due.Blocked.init(rawValue:)))
            }
        }
    }

    /// What a retention pass did.
    public struct RetentionOutcome: Sendable, Equatable {
        public var cutoff: CalendarDate
        public var cancelled = 0
        /// Due but left as they are, with why (masked CURPs only).
        public var skipped: [(curp: String, reason: Due.Blocked)] = []
        public var failed = 0

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.cutoff == rhs.cutoff && lhs.cancelled == rhs.cancelled && lhs.failed == rhs.failed
                && lhs.skipped.map(\.curp) == rhs.skipped.map(\.curp)
        }
    }

    /// Cancels everyone due under `policy` on `today` (each in a transaction of their own, so one
    /// refusal stops no one else), as a cancellation would, with the reason saying it was retention.
    public func applyRetention(policy: RetentionPolicy, today: CalendarDate) throws -> RetentionOutcome {
        let cutoff = policy.cutoff(today: today)
        var outcome = RetentionOutcome(cutoff: cutoff)
        for person in try retentionDue(cutoff: cutoff) {
            if let blocked = person.blocked {
                outcome.skipped.append((person.curp.masked, blocked))
                continue
            }
            let reason =
                "retención: sin actividad desde el \(person.lastActivity) (\(policy.years) años, \(RetentionPolicy.seedFile))"
            do {
                _ = try anonymize(curp: person.curp, reason: reason, request: nil)
                outcome.cancelled += 1
            } catch is Problem {
                outcome.failed += 1
            }
        }
        return outcome
    }
}

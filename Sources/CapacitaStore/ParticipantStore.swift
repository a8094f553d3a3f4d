import Capacita
import Foundation
import Postgres

/// A participant's own page (db/migrations/0039): a link asked for with a CURP and an e-mail, the
/// session it opens, and everything that session reads and files. Every call runs on a connection
/// acting for no one (the public pages'); the database refuses a connection acting for someone.
/// Secrets (the link's, the session's) are random here and stored as their SHA-256 only; what the
/// session reads is found from the session's row, never from a CURP the request carries.
public struct ParticipantStore {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// How many requests for a link a client address and a CURP may make in one window.
    public struct Limits: Sendable, Equatable {
        public var perAddress: Int
        public var perCurp: Int
        public var window: Duration

        public init(perAddress: Int, perCurp: Int, window: Duration) {
            self.perAddress = perAddress
            self.perCurp = perCurp
            self.window = window
        }
    }

    public enum Admission: Sendable, Equatable {
        /// The form's CSRF token was used before (or is past its expiry by the database's clock).
        case forgedForm
        /// The address or the CURP is past its limit: nothing was looked up or sent.
        case throttled(seconds: Int)
        /// The request was taken: a link went out if, and only if, the pair matched a person who
        /// did not oppose mail. The caller answers the same either way.
        case answered
    }

    /// A request for a link, in one transaction: the form's token used up, the request counted
    /// against `address` and `curp`, and (within the limits) the database's same steps whether or
    /// not the pair matches. The secret and the message are made before, whatever the pair, so
    /// the work here does not depend on it either; the secret leaves only inside the message.
    public func requestLink(
        form: SignInForms.Verified, curp: Curp, email: String, address: String, lifetime: Duration, limits: Limits,
        link: (String) -> String
    ) throws -> Admission {
        let secret = TokenStore.randomSecret()
        let minutes = max(Int(lifetime.components.seconds / 60), 1)
        let message = AccountMessage.participantLink(link: link(secret), minutes: minutes)
        return try connection.withTransaction { connection -> Admission in
            let unused = try connection.query(
                "SELECT sign_in_form_use($1, to_timestamp($2::double precision))",
                [form.sha256, form.expiresAt.timeIntervalSince1970]
            ).scalar(Bool.self)
            guard unused == true else { return .forgedForm }
            let wait =
                try connection.query(
                    """
                    SELECT participant_link_request($1, $2, $3, $4, make_interval(secs => $5::double precision),
                                                    $6, $7, $8, $9, $10, make_interval(secs => $11::double precision))
                    """,
                    [
                        curp.value, email, String(address.prefix(150)), TokenStore.sha256(secret),
                        Double(lifetime.components.seconds), message.subject, message.text, message.html,
                        limits.perAddress, limits.perCurp, Double(limits.window.components.seconds),
                    ]
                ).scalar(Int.self) ?? 0
            return wait > 0 ? .throttled(seconds: wait) : .answered
        }
    }

    /// Whether a link is good (unused, unexpired, its person's data not cancelled); uses nothing.
    public func peek(link secret: String) throws -> Bool {
        guard AccountStore.plausible(secret) else { return false }
        return try connection.query("SELECT participant_link_peek($1)", [TokenStore.sha256(secret)]).scalar(Bool.self)
            ?? false
    }

    /// Uses a link once and opens its session for `lifetime`: the session's secret (the cookie) and
    /// its CSRF token; nil when the link is unknown, used, expired or its person's data cancelled.
    public func open(link secret: String, lifetime: Duration) throws -> (secret: String, csrf: String)? {
        guard AccountStore.plausible(secret) else { return nil }
        let session = TokenStore.randomSecret()
        let csrf = TokenStore.randomSecret()
        let opened =
            try connection.query(
                "SELECT participant_session_open($1, $2, $3, make_interval(secs => $4::double precision))",
                [TokenStore.sha256(secret), TokenStore.sha256(session), csrf, Double(lifetime.components.seconds)]
            ).scalar(Bool.self) ?? false
        return opened ? (session, csrf) : nil
    }

    /// Ends a session.
    public func close(session secret: String) throws {
        guard AccountStore.plausible(secret) else { return }
        _ = try connection.query("SELECT participant_session_close($1)", [TokenStore.sha256(secret)])
    }

    /// A session's page and its CSRF token; nil when the session is unknown, ended, or its
    /// person's data was cancelled.
    public struct Session: Sendable, Equatable {
        public var page: ParticipantPage
        public var csrf: String
    }

    /// Everything the session's page shows, read in one transaction (one snapshot).
    public func session(_ secret: String) throws -> Session? {
        guard AccountStore.plausible(secret) else { return nil }
        let sha = TokenStore.sha256(secret)
        return try connection.withTransaction { connection -> Session? in
            guard let row = try connection.query("SELECT * FROM participant_session($1)", [sha]).rows.first else {
                return nil
            }
            let holder = ParticipantPage.Holder(
                givenNames: try row.decode("given_names"), firstSurname: try row.decode("first_surname"),
                secondSurname: try row.decode("second_surname"), maskedCurp: try row.decode("curp_masked"),
                sessionEndsAt: try row.decode("expires_at"))
            let enrollments = try connection.query(
                """
                SELECT group_code, course_code, course_title, agency_name, starts_on, ends_on, modality, status,
                       attendance::text AS attendance, pre_score::text AS pre_score, post_score::text AS post_score,
                       final_score::text AS final_score
                FROM participant_enrollments($1)
                """, [sha]
            ).map { row in
                ParticipantPage.Enrollment(
                    groupCode: try row.decode("group_code"), courseCode: try row.decode("course_code"),
                    courseTitle: try row.decode("course_title"), agencyName: try row.decode("agency_name"),
                    startsOn: try row.decode("starts_on"), endsOn: try row.decode("ends_on"),
                    modality: try row.decode("modality"), status: try row.decode("status"),
                    attendance: try row.decode("attendance"), preScore: try row.decode("pre_score"),
                    postScore: try row.decode("post_score"), finalScore: try row.decode("final_score"))
            }
            // The table's CHECK allows only the three marks; a row with another is left out.
            let marks = try connection.query("SELECT * FROM participant_attendance($1)", [sha]).rows.compactMap {
                row -> ParticipantPage.Mark? in
                guard let mark = AttendanceMark(rawValue: try row.decode("mark")) else { return nil }
                return ParticipantPage.Mark(
                    groupCode: try row.decode("group_code"), date: try row.decode("session_date"),
                    startsAt: try row.decode("starts_at"), mark: mark)
            }
            let constancias = try connection.query("SELECT * FROM participant_constancias($1)", [sha]).map { row in
                ParticipantPage.Constancia(
                    folio: try row.decode("folio"), code: try row.decode("code"),
                    groupCode: try row.decode("group_code"),
                    courseTitle: try row.decode("course_title"), issuedOn: try row.decode("issued_on"),
                    revokedOn: try row.decode("revoked_on"))
            }
            let requests = try connection.query("SELECT * FROM participant_requests($1)", [sha]).map { row in
                guard let kind = ArcoRequest.Kind(rawValue: try row.decode("kind")),
                    let channel = ArcoRequest.Channel(rawValue: try row.decode("channel")),
                    let state = ArcoRequest.State(rawValue: try row.decode("state")),
                    let received = CalendarDate.parse(try row.decode("received_on", as: String.self)),
                    let due = CalendarDate.parse(try row.decode("due_on", as: String.self))
                else { throw PostgresError.decoding(column: "kind", type: "ParticipantPage.Request", value: nil) }
                return ParticipantPage.Request(
                    id: try row.decode("id"), kind: kind, channel: channel, receivedOn: received, dueOn: due,
                    state: state)
            }
            return Session(
                page: ParticipantPage(
                    holder: holder, enrollments: enrollments, marks: marks, constancias: constancias,
                    requests: requests),
                csrf: try row.decode("csrf"))
        }
    }

    /// The PDF's contents of one of the session's person's constancias, by folio: `.none` for a
    /// folio that is not theirs (the same answer as for one that does not exist, or no session).
    public func document(session secret: String, folio: String, publicURL: String) throws
        -> ConstanciaDocuments.Found
    {
        let folio = folio.uppercased()
        guard AccountStore.plausible(secret), folio.utf8.count <= 64 else { return .none }
        guard
            let row = try connection.query(
                "SELECT * FROM participant_constancia_document($1, $2)", [TokenStore.sha256(secret), folio]
            ).rows.first
        else { return .none }
        if let revokedOn = try row.decode("revoked_on", as: String?.self) {
            return .revoked(folio: try row.decode("folio"), on: revokedOn)
        }
        return .document(try ConstanciaDocuments(connection: connection, publicURL: publicURL).document(row))
    }

    /// Records that the session's person was given this PDF of their constancia, as the staff's
    /// downloads are recorded, so the public verification knows it. False when it is not theirs
    /// or is revoked (nothing recorded).
    @discardableResult
    public func recordIssued(session secret: String, folio: String, sha256: String) throws -> Bool {
        guard AccountStore.plausible(secret) else { return false }
        return try connection.query(
            "SELECT participant_constancia_issued($1, $2, $3)", [TokenStore.sha256(secret), folio, sha256]
        ).scalar(Bool.self) ?? false
    }

    /// A request filed from the page: its number and deadline, and whether it is new (false: one of
    /// the same kind from the page is still open, and that one is answered).
    public struct Filed: Sendable, Equatable {
        public var id: Int64
        public var dueOn: CalendarDate
        public var created: Bool
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case kindNotOffered
        case detail(String)

        public var description: String {
            switch self {
            case .kindNotOffered: "elija rectificación, cancelación u oposición"
            case .detail(let problem): "lo que pide \(problem)"
            }
        }
    }

    /// Files a request of the session's person, received `received` and due `due` (the caller
    /// counts the working days), through the channel `participante`. Nil without a valid session.
    public func file(
        session secret: String, kind: ArcoRequest.Kind, received: CalendarDate, due: CalendarDate,
        detail: String?
    ) throws -> Filed? {
        guard ParticipantPage.requestKinds.contains(kind) else { throw Problem.kindNotOffered }
        let text = detail.map(ParticipantPage.detail).flatMap { $0.isEmpty ? nil : $0 }
        if let text, let problem = CellText.textProblem(text, limit: ArcoRequest.textLimit) {
            throw Problem.detail(problem)
        }
        guard AccountStore.plausible(secret) else { return nil }
        return try connection.withTransaction { connection -> Filed? in
            guard
                let row = try connection.query(
                    """
                    SELECT id, due_on::text AS due_on, created
                    FROM participant_request_file($1, $2, $3::date, $4::date, $5)
                    """,
                    [TokenStore.sha256(secret), kind.rawValue, received.description, due.description, text]
                ).rows.first
            else { return nil }
            guard let dueOn = CalendarDate.parse(try row.decode("due_on", as: String.self)) else {
                throw PostgresError.decoding(column: "due_on", type: "date", value: nil)
            }
            return Filed(id: try row.decode("id"), dueOn: dueOn, created: try row.decode("created"))
        }
    }
}

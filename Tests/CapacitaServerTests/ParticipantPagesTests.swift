import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

@testable import CapacitaServer

/// A participant's own page over real HTTP on the demo's data, as a person goes through it: the
/// form, the message in the outbox, the link, their page with their constancias and PDFs (and no one
/// else's), a request filed in the register with its deadline; the same answer for a pair that
/// matches and for one that does not; a link used or expired refused; the limits per CURP and per
/// address; nothing of the link, the session or the CURP in the service's log.
@Suite struct ParticipantPagesTests {
    typealias Pages = PagesTests
    typealias Accounts = AccountPagesTests

    /// Carlos Gómez, of SICT's file, acreditado in SICT-BAS-2024-01 (a constancia).
    static let carlos = "GOMC820101HDFMRR04"
    static let carlosEmail = "carlos.gomez@sct.gob.mx"
    /// A well-formed CURP no one in the demo has.
    static let nobody = Curp.completing("PEPJ800101HDFRRN0")

    static func ask(_ served: Served, curp: String, email: String) async throws -> TestResponse {
        try await Accounts.post(
            served, form: "/mis-constancias", to: "/mis-constancias", [("curp", curp), ("email", email)])
    }

    static func withParticipant(_ cookie: String) -> HTTPFields { [.cookie: "capacita_participante=\(cookie)"] }

    /// Asks for a link, opens it, and returns the session's cookie (and the link).
    static func signIn(_ served: Served, curp: String = carlos, email: String = carlosEmail) async throws -> (
        cookie: String, link: String
    ) {
        let asked = try await ask(served, curp: curp, email: email)
        #expect(asked.status == .ok, "\(asked.text)")
        let link = try Accounts.link(served, to: email, path: "/mis-constancias/entrar")
        let secret = String(link.split(separator: "=").last ?? "")
        let opened = try await Accounts.post(served, form: link, to: "/mis-constancias/entrar", [("t", secret)])
        #expect(opened.status == .seeOther && opened.headers[.location] == "/mis-constancias", "\(opened.text)")
        return (try #require(Pages.cookie(opened, "capacita_participante")), link)
    }

    static func folios(of curp: String, _ served: Served) throws -> [String] {
        try Connection(served.fixture.ownerURL).query(
            "SELECT folio FROM constancia WHERE curp = $1 AND revoked_at IS NULL ORDER BY folio", [curp]
        ).map { try $0.decode("folio", as: String.self) }
    }

    @Test func aParticipantReachesTheirOwnConstanciasThroughTheMailedLinkAndFilesARequest() async throws {
        let capture = LogCapture()
        try await withService(logger: capture.logger) { served in
            // The CURP in lower case and the e-mail in another case: both compared as the agency wrote them.
            let asked = try await Self.ask(served, curp: Self.carlos.lowercased(), email: "Carlos.Gomez@SCT.gob.mx")
            #expect(asked.status == .ok && asked.text.contains("le enviamos a ese correo un enlace"))
            let owner = try Connection(served.fixture.ownerURL)
            #expect(
                try owner.query("SELECT count(*) FROM mail_outbox WHERE kind = 'participant_link'").scalar(Int.self)
                    == 1)
            #expect(
                try owner.query("SELECT recipient FROM mail_outbox WHERE kind = 'participant_link'").scalar(String.self)
                    == Self.carlosEmail)
            let link = try Accounts.link(served, to: Self.carlosEmail, path: "/mis-constancias/entrar")
            let secret = String(link.split(separator: "=").last ?? "")
            // Opening the link uses nothing; its button does.
            let button = try await served.send(.get, link, as: nil)
            #expect(button.status == .ok && button.text.contains("Ver mis constancias"))
            #expect(try await served.send(.get, link, as: nil).status == .ok)
            let opened = try await Accounts.post(served, form: link, to: "/mis-constancias/entrar", [("t", secret)])
            #expect(opened.status == .seeOther && opened.headers[.location] == "/mis-constancias")
            let cookieHeader = try #require(
                Pages.setCookies(opened).first { $0.hasPrefix("capacita_participante=") })
            #expect(cookieHeader.contains("HttpOnly") && cookieHeader.contains("SameSite=Strict"))
            #expect(cookieHeader.contains("Max-Age=1800"), "the session's default lifetime")
            let session = try #require(Pages.cookie(opened, "capacita_participante"))

            // Their page: their constancias with the PDFs' links, nobody else's, the CURP masked.
            let page = try await served.send(.get, "/mis-constancias", as: nil, headers: Self.withParticipant(session))
            #expect(page.status == .ok && page.text.contains("Carlos"))
            let mine = try Self.folios(of: Self.carlos, served)
            #expect(!mine.isEmpty)
            for folio in mine { #expect(page.text.contains("/mis-constancias/constancias/\(folio).pdf")) }
            let others = try owner.query(
                "SELECT folio FROM constancia WHERE curp <> $1 ORDER BY folio", [Self.carlos]
            ).map { try $0.decode("folio", as: String.self) }
            #expect(!others.isEmpty)
            for folio in others { #expect(!page.text.contains(folio), "\(folio) is another person's") }
            #expect(!page.text.contains(Self.carlos) && page.text.contains(Curp.mask(Self.carlos)))
            #expect(page.text.contains(ServiceFixture.sictGroup) && page.text.contains("acreditado"))

            // The PDF: the same bytes as the staff's download, recorded as issued.
            let folio = try #require(mine.first)
            let pdf = try await served.send(
                .get, "/mis-constancias/constancias/\(folio).pdf", as: nil, headers: Self.withParticipant(session))
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            let bytes = Array(pdf.body.readableBytesView)
            #expect(bytes.starts(with: Array("%PDF-".utf8)))
            let staff = try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .admin)
            #expect(Array(staff.body.readableBytesView) == bytes)
            #expect(
                try owner.query(
                    "SELECT count(*) FROM constancia_pdf WHERE folio = $1 AND sha256 = $2",
                    [folio, ConstanciaDocuments.sha256(bytes)]
                ).scalar(Int.self) == 1)
            let other = try #require(others.first)
            let refused = try await served.send(
                .get, "/mis-constancias/constancias/\(other).pdf", as: nil, headers: Self.withParticipant(session))
            #expect(refused.status == .notFound && !refused.text.contains("%PDF"))
            let anonymous = try await served.send(.get, "/mis-constancias/constancias/\(folio).pdf", as: nil)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/mis-constancias")
            // The participant's cookie is no one's session on the staff's pages.
            let home = try await served.send(.get, "/", as: nil, headers: Self.withParticipant(session))
            #expect(home.headers[.location] == "/entrar")

            // A request, filed in the register with its deadline, shown on the page.
            var headers = Pages.form
            headers[.cookie] = "capacita_participante=\(session)"
            let body =
                "csrf=\(Pages.escaped(try Pages.hiddenCSRF(page.text)))&kind=rectificacion&detail="
                + Pages.escaped("Mi segundo apellido es Martínez,\r\ncon acento.")
            let filed = try await served.send(
                .post, "/mis-constancias/solicitud", as: nil, body: body, headers: headers)
            #expect(filed.status == .ok, "\(filed.text)")
            let row = try #require(
                try owner.query(
                    "SELECT id, curp, kind, channel, detail, received_on::text AS received_on, due_on::text AS due_on FROM arco_request"
                ).rows.first)
            #expect(try row.decode("curp", as: String.self) == Self.carlos)
            #expect(try row.decode("kind", as: String.self) == "rectificacion")
            #expect(try row.decode("channel", as: String.self) == "participante")
            #expect(try row.decode("detail", as: String.self) == "Mi segundo apellido es Martínez, con acento.")
            let calendar = try WorkingCalendar.parse(try ServiceFixture.file("db/seed/dias-inhabiles.csv")).get()
            let received = try #require(CalendarDate.parse(try row.decode("received_on", as: String.self)))
            let due = ArcoDeadline.due(receivedOn: received, calendar: calendar)
            #expect(try row.decode("due_on", as: String.self) == due.description)
            let id: Int64 = try row.decode("id")
            #expect(filed.text.contains("quedó registrada con el número \(id)"))
            #expect(filed.text.contains(due.spanishLong))
            #expect(filed.text.contains("<td>\(id)</td><td>rectificación</td>"))
            #expect(filed.text.contains(due.description))
            // Without the session's token, nothing is filed.
            let forged = try await served.send(
                .post, "/mis-constancias/solicitud", as: nil, body: "csrf=otro&kind=oposicion", headers: headers)
            #expect(forged.status == .forbidden)
            #expect(try owner.query("SELECT count(*) FROM arco_request").scalar(Int.self) == 1)

            // The link was used: refused on its page and on its post.
            #expect(try await served.send(.get, link, as: nil).status == .notFound)
            let again = try await Accounts.post(
                served, form: "/mis-constancias", to: "/mis-constancias/entrar", [("t", secret)])
            #expect(again.status == .notFound && Pages.cookie(again, "capacita_participante") == nil)

            // Audited, the CURP masked; the log holds no secret and no CURP.
            let actions = try owner.query(
                "SELECT action FROM audit_log WHERE user_name = 'participante' ORDER BY id"
            ).map { try $0.decode("action", as: String.self) }
            #expect(actions == ["participant.link", "participant.sign_in", "participant.request"])
            #expect(
                try owner.query(
                    "SELECT count(*) FROM audit_log WHERE target LIKE '%' || $1 || '%' OR detail::text LIKE '%' || $1 || '%'",
                    [Self.carlos]
                ).scalar(Int.self) == 0)
            let log = capture.all.joined(separator: "\n")
            #expect(!log.isEmpty)
            for secretText in [secret, session, Self.carlos, Self.carlos.lowercased()] {
                #expect(!log.contains(secretText))
            }

            // Salir: the session ends.
            let out = try await served.send(
                .post, "/mis-constancias/salir", as: nil,
                body: "csrf=\(Pages.escaped(try Pages.hiddenCSRF(page.text)))",
                headers: headers)
            #expect(out.status == .seeOther)
            let after = try await served.send(.get, "/mis-constancias", as: nil, headers: Self.withParticipant(session))
            #expect(after.text.contains("name=\"curp\"") && !after.text.contains("Carlos"))
        }
    }

    @Test func aPairThatMatchesNoOneGetsTheSameAnswerAsOneThatDoes() async throws {
        try await withService { served in
            let right = try await Self.ask(served, curp: Self.carlos, email: Self.carlosEmail)
            let wrongEmail = try await Self.ask(served, curp: Self.carlos, email: "otra.persona@sct.gob.mx")
            let unknown = try await Self.ask(served, curp: Self.nobody, email: Self.carlosEmail)
            // Another person's e-mail with this CURP: no match either.
            let another = try await Self.ask(served, curp: Self.carlos, email: "maria.lopez@sct.gob.mx")
            for answer in [wrongEmail, unknown, another] {
                #expect(answer.status == right.status)
                #expect(answer.text == right.text, "byte for byte")
                #expect(answer.headers[.contentType] == right.headers[.contentType])
                // A new form token every time (the cookie), nothing else set.
                #expect(Pages.setCookies(answer).count == Pages.setCookies(right).count)
            }
            #expect(right.status == .ok)
            let owner = try Connection(served.fixture.ownerURL)
            #expect(
                try owner.query("SELECT count(*) FROM mail_outbox WHERE kind = 'participant_link'").scalar(Int.self)
                    == 1)
            #expect(try owner.query("SELECT count(*) FROM participant_access").scalar(Int.self) == 1)
            let outcomes = try owner.query(
                "SELECT detail ->> 'outcome' AS outcome FROM audit_log WHERE action = 'participant.link' ORDER BY id"
            ).map { try $0.decode("outcome", as: String.self) }
            #expect(outcomes == ["enviado", "sin_coincidencia", "sin_coincidencia", "sin_coincidencia"])
            // A malformed CURP is said (it tells nothing about anyone), and nothing is counted or sent.
            let malformed = try await Self.ask(served, curp: "GOMC820101HDFMRR05", email: Self.carlosEmail)
            #expect(malformed.status == .unprocessableContent && malformed.text.contains("La CURP no es válida"))
        }
    }

    @Test func aPersonWhoOpposedMailGetsNoLinkAndTheSameAnswer() async throws {
        try await withService { served in
            let owner = try Connection(served.fixture.ownerURL)
            owner.act(as: .admin("pruebas"))
            #expect(
                try PersonalDataStore(connection: owner).setMailOptOut(
                    curp: try Curp.parse(Self.carlos).get(), optedOut: true, request: nil))
            let opposed = try await Self.ask(served, curp: Self.carlos, email: Self.carlosEmail)
            let unknown = try await Self.ask(served, curp: Self.nobody, email: Self.carlosEmail)
            #expect(opposed.status == .ok && opposed.text == unknown.text)
            #expect(
                try owner.query("SELECT count(*) FROM mail_outbox WHERE kind = 'participant_link'").scalar(Int.self)
                    == 0)
            #expect(try owner.query("SELECT count(*) FROM participant_access").scalar(Int.self) == 0)
            #expect(
                try owner.query(
                    "SELECT detail ->> 'outcome' FROM audit_log WHERE action = 'participant.link' ORDER BY id LIMIT 1"
                ).scalar(String.self) == "oposicion")
        }
    }

    @Test func anExpiredLinkAndAnEndedSessionAreRefused() async throws {
        try await withService { served in
            let owner = try Connection(served.fixture.ownerURL)
            _ = try await Self.ask(served, curp: Self.carlos, email: Self.carlosEmail)
            let late = try Accounts.link(served, to: Self.carlosEmail, path: "/mis-constancias/entrar")
            // Its expiry moved back rather than waited for.
            _ = try owner.query(
                """
                UPDATE participant_access SET requested_at = now() - interval '2 hours',
                                              link_expires_at = now() - interval '1 second'
                """)
            #expect(try await served.send(.get, late, as: nil).status == .notFound)
            let lateSecret = String(late.split(separator: "=").last ?? "")
            let refused = try await Accounts.post(
                served, form: "/mis-constancias", to: "/mis-constancias/entrar", [("t", lateSecret)])
            #expect(refused.status == .notFound && Pages.cookie(refused, "capacita_participante") == nil)

            // A session past its end shows the form again and clears its cookie; its PDFs are gone.
            let (session, _) = try await Self.signIn(served)
            let open = try await served.send(.get, "/mis-constancias", as: nil, headers: Self.withParticipant(session))
            #expect(open.text.contains("Carlos"))
            _ = try owner.query(
                "UPDATE participant_access SET session_expires_at = now() - interval '1 second' WHERE session_sha256 IS NOT NULL"
            )
            let ended = try await served.send(.get, "/mis-constancias", as: nil, headers: Self.withParticipant(session))
            #expect(ended.status == .ok && ended.text.contains("name=\"curp\"") && !ended.text.contains("Carlos"))
            #expect(
                Pages.setCookies(ended).contains { $0.hasPrefix("capacita_participante=;") && $0.contains("Max-Age=0") }
            )
            let folio = try #require(try Self.folios(of: Self.carlos, served).first)
            let pdf = try await served.send(
                .get, "/mis-constancias/constancias/\(folio).pdf", as: nil, headers: Self.withParticipant(session))
            #expect(pdf.status == .seeOther)
        }
    }

    @Test func requestsForALinkAreLimitedPerCurpAndPerAddress() async throws {
        try await withService(adjust: tightLimits) { served in
            for _ in 0..<2 {
                #expect(try await Self.ask(served, curp: Self.carlos, email: "otra@sct.gob.mx").status == .ok)
            }
            // The CURP's third: refused, whoever's e-mail it carries (the right one too); nothing sent.
            let third = try await Self.ask(served, curp: Self.carlos, email: Self.carlosEmail)
            #expect(third.status == .tooManyRequests && third.text.contains("Demasiadas solicitudes"))
            let wait = try #require(third.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait > 0 && wait <= 3600)
            let owner = try Connection(served.fixture.ownerURL)
            #expect(
                try owner.query("SELECT count(*) FROM mail_outbox WHERE kind = 'participant_link'").scalar(Int.self)
                    == 0)
            // Another CURP goes on until the address's limit (4 requests in the window).
            #expect(try await Self.ask(served, curp: Self.nobody, email: "x@sct.gob.mx").status == .ok)
            let fifth = try await Self.ask(served, curp: Curp.completing("LOPM900315MJCPRR0"), email: "y@sct.gob.mx")
            #expect(fifth.status == .tooManyRequests)
            // The CURP is nowhere in the counts' table.
            let keys = try owner.query("SELECT key FROM participant_link_attempt").map {
                try $0.decode("key", as: String.self)
            }
            #expect(keys.count == 4 && !keys.contains { $0.contains(Self.carlos) })
        }
    }

    @Test func theSettingsAreReadFromTheEnvironmentWithTheirDefaults() throws {
        let defaults = try ParticipantSettings.fromEnvironment([:])
        #expect(defaults == ParticipantSettings())
        #expect(defaults.linkLifetime == .seconds(1800) && defaults.sessionLifetime == .seconds(1800))
        #expect(defaults.requestsPerAddress == 20 && defaults.requestsPerCurp == 3 && defaults.window == .seconds(3600))
        let set = try ParticipantSettings.fromEnvironment([
            "CAPACITA_PARTICIPANT_LINK_MINUTES": "15", "CAPACITA_PARTICIPANT_SESSION_MINUTES": "10",
            "CAPACITA_PARTICIPANT_REQUESTS_PER_ADDRESS": "50", "CAPACITA_PARTICIPANT_REQUESTS_PER_CURP": "5",
            "CAPACITA_PARTICIPANT_WINDOW_MINUTES": "30",
        ])
        #expect(set.linkLifetime == .seconds(900) && set.sessionLifetime == .seconds(600))
        #expect(set.limits == .init(perAddress: 50, perCurp: 5, window: .seconds(1800)))
        for (name, value) in [
            ("CAPACITA_PARTICIPANT_LINK_MINUTES", "2"), ("CAPACITA_PARTICIPANT_SESSION_MINUTES", "481"),
            ("CAPACITA_PARTICIPANT_REQUESTS_PER_CURP", "0"), ("CAPACITA_PARTICIPANT_WINDOW_MINUTES", "una hora"),
        ] {
            let problem = #expect(throws: ParticipantSettings.ConfigurationProblem.self) {
                try ParticipantSettings.fromEnvironment([name: value])
            }
            #expect(problem?.description.hasPrefix(name) == true)
        }
    }

    @Test func theVerificationAndSignInPagesLinkToIt() async throws {
        try await withService { served in
            let entrar = try await served.send(.get, "/entrar", as: nil)
            #expect(entrar.text.contains("href=\"/mis-constancias\""))
            let code = try #require(
                try Connection(served.fixture.ownerURL).query("SELECT code FROM constancia LIMIT 1").scalar(String.self)
            )
            let verify = try await served.send(.get, "/verificar/\(code)", as: nil)
            #expect(verify.status == .ok && verify.text.contains("href=\"/mis-constancias\""))
            let form = try await served.send(.get, "/mis-constancias", as: nil)
            #expect(form.status == .ok && form.text.contains("action=\"/mis-constancias\""))
            #expect(Pages.cookie(form, "capacita_entrada") != nil)
        }
    }
}

/// Two requests a CURP and four an address, so a test reaches both limits in a few requests.
@Sendable private func tightLimits(_ configuration: inout ServerConfiguration) {
    configuration.participants.requestsPerCurp = 2
    configuration.participants.requestsPerAddress = 4
}

import Capacita
import CapacitaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// The participants' own page (db/migrations/0039) on the application role's own login acting
/// for no one, as the public pages connect, with the superuser looking at the tables: a session
/// reads its own person's rows and no one else's; the tables and the helpers are not the
/// application's; nothing answers a connection acting for someone; filing is bounded; the export
/// holds the page's rows; a cancellation leaves no link or session.
@Suite struct ParticipantStoreTests {
    typealias People = PersonalDataStoreTests

    static let limits = ParticipantStore.Limits(perAddress: 100, perCurp: 100, window: .seconds(3600))

    /// The application role's own connection to the database `connection` is on, acting for no one.
    static func application(_ connection: Connection) throws -> Connection {
        let database = try #require(try connection.query("SELECT current_database()").scalar(String.self))
        return try Connection(
            try applicationRoleURL(try TestDatabase.url(of: try TestDatabase.serverURL(), database: database)))
    }

    /// A public form's token, as the page issues it, checked as the page checks it.
    static func form(_ app: Connection) throws -> SignInForms.Verified {
        let forms = try SignInForms.load(connection: app)
        return try #require(forms.verify(forms.issue(lifetime: .seconds(3600))))
    }

    /// The link's secret of the newest participant message to `email`, as the person clicks it.
    static func secret(to email: String, _ connection: Connection) throws -> String {
        let text = try #require(
            try connection.query(
                "SELECT body_text FROM mail_outbox WHERE recipient = $1 AND kind = 'participant_link' ORDER BY id DESC LIMIT 1",
                [email]
            ).scalar(String.self))
        let match = try #require(text.firstMatch(of: try Regex(#"/mis-constancias/entrar\?t=([A-Za-z0-9_-]+)"#)))
        return String(try #require(match.output[1].substring))
    }

    static func request(_ app: Connection, _ curp: String, _ email: String, limits: ParticipantStore.Limits = limits)
        throws -> ParticipantStore.Admission
    {
        try ParticipantStore(connection: app).requestLink(
            form: try form(app), curp: try People.curp(curp), email: email, address: "192.0.2.7",
            lifetime: .seconds(1800), limits: limits, link: { "https://capacita.test/mis-constancias/entrar?t=\($0)" })
    }

    @Test func aSessionReadsItsOwnPersonOnlyAndOnlyForNoOne() throws {
        try People.withPeople { connection in
            let app = try Self.application(connection)
            let store = ParticipantStore(connection: app)
            // The e-mail compared without case; the message goes to the address as registered.
            #expect(try Self.request(app, People.zenaida, "ZENAIDA.Q@SICT.gob.mx") == .answered)
            #expect(try count("participant_access", connection) == 1)
            let link = try Self.secret(to: "zenaida.q@sict.gob.mx", connection)
            #expect(
                try connection.query("SELECT link_sha256 FROM participant_access").scalar(String.self)
                    == TokenStore.sha256(link), "only the link's SHA-256 is kept")
            #expect(try store.peek(link: link))
            let opened = try #require(try store.open(link: link, lifetime: .seconds(1800)))
            #expect(try store.open(link: link, lifetime: .seconds(1800)) == nil, "a link opens one session")
            #expect(try !store.peek(link: link))

            let session = try #require(try store.session(opened.secret))
            #expect(session.csrf == opened.csrf)
            #expect(session.page.holder.maskedCurp == Curp.mask(People.zenaida))
            #expect(session.page.holder.givenNames == "Zenaida Eulalia")
            let enrolled = try connection.query(
                "SELECT count(*) FROM enrollment WHERE curp = $1", [People.zenaida]
            ).scalar(Int.self)
            #expect(session.page.enrollments.count == enrolled && enrolled == 3)
            let hers = Set(
                try connection.query("SELECT folio FROM constancia WHERE curp = $1", [People.zenaida]).map {
                    try $0.decode("folio", as: String.self)
                })
            let his = Set(
                try connection.query("SELECT folio FROM constancia WHERE curp = $1", [People.leandro]).map {
                    try $0.decode("folio", as: String.self)
                })
            #expect(!hers.isEmpty && !his.isEmpty)
            #expect(Set(session.page.constancias.map(\.folio)) == hers)
            #expect(session.page.marks.count == 1 && session.page.marks.first?.mark == .present)
            #expect(session.page.requests.map(\.kind) == [.cancelacion], "the register's request that names her")

            // Another person's folio is no document, and records nothing.
            let other = try #require(his.sorted().first)
            #expect(
                try store.document(session: opened.secret, folio: other, publicURL: "https://capacita.test") == .none)
            #expect(
                try !store.recordIssued(session: opened.secret, folio: other, sha256: String(repeating: "a", count: 64))
            )
            let mine = try #require(hers.sorted().first)
            guard
                case .document(let document) = try store.document(
                    session: opened.secret, folio: mine, publicURL: "https://capacita.test")
            else {
                Issue.record("her own constancia is a document")
                return
            }
            #expect(document.holder.givenNames == "Zenaida Eulalia")
            #expect(
                try store.recordIssued(session: opened.secret, folio: mine, sha256: String(repeating: "b", count: 64)))
            #expect(
                try connection.query(
                    "SELECT count(*) FROM constancia_pdf WHERE folio = $1 AND sha256 = $2",
                    [mine, String(repeating: "b", count: 64)]
                ).scalar(Int.self) == 1)
            #expect(try store.session("not-a-session-of-anyone-at-all-0123456789abc") == nil)

            // The tables and the helpers are not the application's.
            for statement in [
                "SELECT * FROM participant_access", "SELECT * FROM participant_link_attempt",
                "SELECT participant_of_session('x')",
                "SELECT participant_audit('participant.link', '\(People.leandro)', NULL)",
            ] {
                #expect(throws: PostgresError.self, "\(statement)") { try app.query(statement) }
            }
            // A connection acting for someone (an account's or a token's request) reaches nothing.
            app.act(as: .admin("st"))
            let refused = #expect(throws: PostgresError.self) { try store.session(opened.secret) }
            #expect(refused?.sqlState == "42501")
            #expect(throws: PostgresError.self) { try Self.request(app, People.leandro, "leandro.p@inm.gob.mx") }
            app.act(as: nil)
            #expect(try store.session(opened.secret) != nil)
        }
    }

    @Test func filingIsTheSessionsPersonsOneOpenRequestOfAKind() throws {
        try People.withPeople { connection in
            let app = try Self.application(connection)
            let store = ParticipantStore(connection: app)
            #expect(try Self.request(app, People.leandro, "leandro.p@inm.gob.mx") == .answered)
            let opened = try #require(
                try store.open(link: try Self.secret(to: "leandro.p@inm.gob.mx", connection), lifetime: .seconds(600)))
            let today = ArcoStore.today
            let due = ArcoDeadline.due(receivedOn: today, calendar: try repositoryCalendar())
            let first = try #require(
                try store.file(
                    session: opened.secret, kind: .oposicion, received: today, due: due,
                    detail: "No quiero\nrecibir correo"))
            #expect(first.created && first.dueOn == due)
            let again = try #require(
                try store.file(session: opened.secret, kind: .oposicion, received: today, due: due, detail: nil))
            #expect(!again.created && again.id == first.id, "one open request of a kind at a time")
            #expect(throws: ParticipantStore.Problem.kindNotOffered) {
                try store.file(session: opened.secret, kind: .acceso, received: today, due: due, detail: nil)
            }
            #expect(throws: ParticipantStore.Problem.self) {
                try store.file(
                    session: opened.secret, kind: .rectificacion, received: today, due: due,
                    detail: String(repeating: "x", count: ArcoRequest.textLimit + 1))
            }
            let row = try #require(
                try connection.query(
                    "SELECT curp, channel, filed_by, detail, due_on::text AS due_on FROM arco_request WHERE id = $1",
                    [first.id]
                ).rows.first)
            #expect(try row.decode("curp", as: String.self) == People.leandro)
            #expect(try row.decode("channel", as: String.self) == "participante")
            #expect(try row.decode("filed_by", as: String.self) == "participante")
            #expect(try row.decode("detail", as: String.self) == "No quiero recibir correo", "one line")
            #expect(try row.decode("due_on", as: String.self) == due.description)
            #expect(
                try store.file(
                    session: "no-such-session-0123456789abcdefghij", kind: .oposicion, received: today,
                    due: due, detail: nil) == nil)

            // Audited with the masked CURP only.
            let audited = try connection.query(
                "SELECT action, target, coalesce(detail::text, '') AS detail FROM audit_log WHERE user_name = 'participante' ORDER BY id"
            ).map {
                (
                    try $0.decode("action", as: String.self), try $0.decode("target", as: String.self),
                    try $0.decode("detail", as: String.self)
                )
            }
            #expect(audited.map(\.0) == ["participant.link", "participant.sign_in", "participant.request"])
            #expect(audited.allSatisfy { $0.1 == "persona " + Curp.mask(People.leandro) })
            #expect(!audited.contains { $0.1.contains(People.leandro) || $0.2.contains(People.leandro) })
            #expect(audited.first?.2.contains("enviado") == true)
        }
    }

    @Test func aCancelledPersonsLinksAndSessionsFindNothingAndTheExportHeldThem() throws {
        try People.withPeople { connection in
            let app = try Self.application(connection)
            let store = ParticipantStore(connection: app)
            #expect(try Self.request(app, People.leandro, "leandro.p@inm.gob.mx") == .answered)
            let opened = try #require(
                try store.open(link: try Self.secret(to: "leandro.p@inm.gob.mx", connection), lifetime: .seconds(600)))
            #expect(try Self.request(app, People.leandro, "leandro.p@inm.gob.mx") == .answered)
            let unused = try Self.secret(to: "leandro.p@inm.gob.mx", connection)
            #expect(try store.peek(link: unused))

            let export = try PersonalDataStore(connection: connection).export(curp: try People.curp(People.leandro))
            let section = try #require(export.section("participant_access"))
            #expect(section.rows.count == 2)
            #expect(!section.columns.contains("link_sha256") && !section.columns.contains("csrf"))
            let audit = try #require(export.section("audit_log"))
            let action = try #require(audit.columns.firstIndex(of: "action"))
            #expect(audit.rows.filter { $0[action] == .text("participant.link") }.count == 2)
            #expect(audit.rows.contains { $0[action] == .text("participant.sign_in") })

            _ = try PersonalDataStore(connection: connection).anonymize(
                curp: try People.curp(People.leandro), reason: "prueba de la página", request: nil)
            #expect(try count("participant_access", connection) == 0)
            #expect(try store.session(opened.secret) == nil)
            #expect(try !store.peek(link: unused))
            #expect(try store.open(link: unused, lifetime: .seconds(600)) == nil)
            // And no new link: the old CURP is no one now.
            #expect(try Self.request(app, People.leandro, "leandro.p@inm.gob.mx") == .answered)
            #expect(try count("participant_access", connection) == 0)
        }
    }

    @Test func aThrottledRequestLooksNothingUpAndAForeignTokenIsRefused() throws {
        try People.withPeople { connection in
            let app = try Self.application(connection)
            let tight = ParticipantStore.Limits(perAddress: 100, perCurp: 2, window: .seconds(3600))
            for _ in 0..<2 {
                #expect(try Self.request(app, People.zenaida, "nadie@sict.gob.mx", limits: tight) == .answered)
            }
            guard
                case .throttled(let seconds) = try Self.request(
                    app, People.zenaida, "zenaida.q@sict.gob.mx", limits: tight)
            else {
                Issue.record("the third request for the CURP is throttled")
                return
            }
            #expect(seconds > 0 && seconds <= 3600)
            #expect(try count("participant_access", connection) == 0, "nothing looked up, nothing sent")
            // The limit is the CURP's, not the address's: another CURP goes on.
            #expect(try Self.request(app, People.leandro, "leandro.p@inm.gob.mx", limits: tight) == .answered)
            // The CURP is kept only as a keyed hash.
            let keys = try connection.query("SELECT key FROM participant_link_attempt").map {
                try $0.decode("key", as: String.self)
            }
            #expect(!keys.contains { $0.contains(People.zenaida) || $0.contains(People.leandro) })
            // A form's token is used once.
            let used = try Self.form(app)
            let store = ParticipantStore(connection: app)
            func ask() throws -> ParticipantStore.Admission {
                try store.requestLink(
                    form: used, curp: try People.curp(People.leandro), email: "x@inm.gob.mx", address: "192.0.2.8",
                    lifetime: .seconds(600), limits: Self.limits, link: { $0 })
            }
            #expect(try ask() == .answered)
            #expect(try ask() == .forgedForm)
        }
    }
}

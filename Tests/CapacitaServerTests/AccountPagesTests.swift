import Capacita
import CapacitaStore
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

@testable import CapacitaServer

/// Accounts over real HTTP, as a person goes through them: the invitation's link read from the
/// outbox, a password, the two-factor enrollment with a code computed from the key the page shows,
/// signing in again with the code, the lock after ten wrong passwords, a reset link that works
/// once and within its hour, and deactivation ending a session.
@Suite struct AccountPagesTests {
    typealias Pages = PagesTests

    /// RFC 6238 with HMAC-SHA1, 30-second steps, six digits: apart from the service's library.
    static func totp(base32 key: String, at date: Date = Date()) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value = 0
        var bytes: [UInt8] = []
        for character in key.uppercased() where character != " " && character != "=" {
            guard let index = alphabet.firstIndex(of: character) else { continue }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        var counter = UInt64(date.timeIntervalSince1970 / 30).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: bytes)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let number =
            (Int(mac[offset] & 0x7F) << 24) | (Int(mac[offset + 1]) << 16) | (Int(mac[offset + 2]) << 8)
            | Int(mac[offset + 3])
        return String(format: "%06d", number % 1_000_000)
    }

    @Test func theCodeHelperMatchesRFC6238sTestVector() {
        // RFC 6238, appendix B: the ASCII key "12345678901234567890" at T = 59 s gives 94287082.
        let key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        #expect(Self.totp(base32: key, at: Date(timeIntervalSince1970: 59)) == "287082")
    }

    /// The fixture's administrator signs in with codes from `adminTOTPKey`: the key the enrollment
    /// page would have shown for the secret the fixture stores.
    @Test func theFixturesAdministratorKeyIsTheOneItsEnrollmentWouldShow() {
        let shown = AccountSecurity.enrollment(secret: ServiceFixture.adminTOTPSecret, email: "prueba@segob.gob.mx")
        #expect(shown.key.filter { $0 != " " } == ServiceFixture.adminTOTPKey)
    }

    /// The link of the newest message to `email` in the outbox, as the person would click it.
    static func link(_ served: Served, to email: String, path: String) throws -> String {
        let text = try #require(
            try Connection(served.fixture.ownerURL).query(
                "SELECT body_text FROM mail_outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1", [email]
            ).scalar(String.self))
        let match = try #require(text.firstMatch(of: try Regex("https?://[^/\\s]+(" + path + "\\?t=[A-Za-z0-9_-]+)")))
        return String(match.output[1].substring ?? "")
    }

    static func createAccount(_ served: Served, email: String, role: Identity.Role, agency: String? = nil) throws {
        let connection = try Connection(served.fixture.ownerURL)
        connection.act(as: .admin("pruebas"))
        _ = try AccountStore(connection: connection).create(
            .init(email: email, name: "Ana Pérez", role: role, agency: agency, groups: []),
            linkLifetime: .seconds(3600), link: { "http://capacita.test/invitacion?t=\($0)" }, invitedBy: nil)
    }

    /// Fetches a public form and posts `fields` with its CSRF token and cookie.
    static func post(_ served: Served, form path: String, to action: String, _ fields: [(String, String)])
        async throws -> TestResponse
    {
        let page = try await served.send(.get, path, as: nil)
        let entry = try #require(Pages.cookie(page, "capacita_entrada"), "\(page.status) \(page.text)")
        var headers = Pages.form
        headers[.cookie] = "capacita_entrada=\(entry)"
        let body = ([("csrf", entry)] + fields).map { "\($0.0)=\(Pages.escaped($0.1))" }.joined(separator: "&")
        return try await served.send(.post, action, as: nil, body: body, headers: headers)
    }

    static func accept(_ served: Served, email: String, password: String) async throws {
        let link = try link(served, to: email, path: "/invitacion")
        let secret = String(link.split(separator: "=").last ?? "")
        let done = try await post(
            served, form: link, to: "/invitacion",
            [("t", secret), ("name", "Ana Pérez López"), ("password", password), ("confirmation", password)])
        #expect(done.status == .ok && done.text.contains("Cuenta activada"), "\(done.text)")
    }

    static func signIn(_ served: Served, email: String, password: String) async throws -> TestResponse {
        try await post(served, form: "/entrar", to: "/entrar", [("email", email), ("password", password)])
    }

    static func withSession(_ cookie: String) -> HTTPFields { [.cookie: "capacita_sesion=\(cookie)"] }

    /// Posts `code` on /entrar/codigo for a session that owes it.
    static func postCode(_ served: Served, _ session: String, _ code: String) async throws -> TestResponse {
        let page = try await served.send(.get, "/entrar/codigo", as: nil, headers: withSession(session))
        var headers = Pages.form
        headers[.cookie] = "capacita_sesion=\(session)"
        return try await served.send(
            .post, "/entrar/codigo", as: nil,
            body: "csrf=\(Pages.escaped(try Pages.hiddenCSRF(page.text)))&code=\(code)",
            headers: headers)
    }

    @Test func aTOTPCodeOpensOneSessionAndNeverAgain() async throws {
        try await withService { served in
            let email = "titular@segob.gob.mx"
            let password = "una contraseña larga"
            try Self.createAccount(served, email: email, role: .admin)
            try await Self.accept(served, email: email, password: password)
            let first = try #require(
                Pages.cookie(try await Self.signIn(served, email: email, password: password), "capacita_sesion"))
            let enroll = try await served.send(.get, "/dos-pasos", as: nil, headers: Self.withSession(first))
            let keyMatch = try #require(
                enroll.text.firstMatch(of: try Regex(#"<code class="clave">([A-Z2-7 ]+)</code>"#)))
            let key = String(keyMatch.output[1].substring ?? "")
            var headers = Pages.form
            headers[.cookie] = "capacita_sesion=\(first)"
            let now = Date()
            let enrolled = try await served.send(
                .post, "/dos-pasos", as: nil,
                body:
                    "csrf=\(Pages.escaped(try Pages.hiddenCSRF(enroll.text)))&code=\(Self.totp(base32: key, at: now))",
                headers: headers)
            #expect(enrolled.status == .ok)

            // The enrollment's code again, still within its window: refused, and counted as a failure.
            let second = try #require(
                Pages.cookie(try await Self.signIn(served, email: email, password: password), "capacita_sesion"))
            let replayed = try await Self.postCode(served, second, Self.totp(base32: key, at: now))
            #expect(replayed.status == .unauthorized)
            // The next step's code (within the ±1 step the service allows) opens it, once.
            let next = Self.totp(base32: key, at: now.addingTimeInterval(30))
            let accepted = try await Self.postCode(served, second, next)
            #expect(accepted.status == .seeOther && accepted.headers[.location] == "/")
            // The pending cookie ends with the code; the new one stands.
            let opened = try #require(Pages.cookie(accepted, "capacita_sesion"))
            #expect(opened != second)
            #expect(try await Pages.home(served, second).headers[.location] == "/entrar")
            #expect(try await Pages.home(served, opened).status == .ok)
            let third = try #require(
                Pages.cookie(try await Self.signIn(served, email: email, password: password), "capacita_sesion"))
            #expect(try await Self.postCode(served, third, next).status == .unauthorized)
            #expect(try await Pages.home(served, third).headers[.location] == "/entrar")
        }
    }

    @Test func anAdministratorIsInvitedSetsAPasswordAndMustEnrollASecondFactor() async throws {
        try await withService { served in
            let email = "admin@segob.gob.mx"
            try Self.createAccount(served, email: email, role: .admin)
            try await Self.accept(served, email: email, password: "una contraseña larga")

            let first = try await Self.signIn(served, email: email, password: "una contraseña larga")
            #expect(first.status == .seeOther && first.headers[.location] == "/dos-pasos")
            let pending = try #require(Pages.cookie(first, "capacita_sesion"))
            // A session that owes its second factor opens no page.
            #expect(try await Pages.home(served, pending).headers[.location] == "/entrar")

            let enroll = try await served.send(.get, "/dos-pasos", as: nil, headers: Self.withSession(pending))
            #expect(enroll.status == .ok && enroll.text.contains("<svg"))
            let keyMatch = try #require(
                enroll.text.firstMatch(of: try Regex(#"<code class="clave">([A-Z2-7 ]+)</code>"#)))
            let key = String(keyMatch.output[1].substring ?? "")
            var headers = Pages.form
            headers[.cookie] = "capacita_sesion=\(pending)"
            let csrf = try Pages.hiddenCSRF(enroll.text)
            let wrong = try await served.send(
                .post, "/dos-pasos", as: nil, body: "csrf=\(Pages.escaped(csrf))&code=000000", headers: headers)
            #expect(wrong.status == .unprocessableContent)
            let confirmed = try await served.send(
                .post, "/dos-pasos", as: nil, body: "csrf=\(Pages.escaped(csrf))&code=\(Self.totp(base32: key))",
                headers: headers)
            #expect(confirmed.status == .ok, "\(confirmed.text)")
            let codes = confirmed.text.matches(of: try Regex(#"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>"#))
                .compactMap { $0.output[1].substring.map(String.init) }
            #expect(codes.count == 10)
            // Enrolling ended the pending session and opened a new one with its own cookie.
            let enrolledSession = try #require(Pages.cookie(confirmed, "capacita_sesion"))
            #expect(try await Pages.home(served, pending).headers[.location] == "/entrar")
            let home = try await Pages.home(served, enrolledSession)
            #expect(home.status == .ok && home.text.contains("Secretaría Técnica"))

            // Next time: the password, then the code; a recovery code works once.
            let again = try await Self.signIn(served, email: email, password: "una contraseña larga")
            #expect(again.headers[.location] == "/entrar/codigo")
            let second = try #require(Pages.cookie(again, "capacita_sesion"))
            let codePage = try await served.send(.get, "/entrar/codigo", as: nil, headers: Self.withSession(second))
            var post = Pages.form
            post[.cookie] = "capacita_sesion=\(second)"
            let codeCSRF = try Pages.hiddenCSRF(codePage.text)
            let recovered = try await served.send(
                .post, "/entrar/codigo", as: nil, body: "csrf=\(Pages.escaped(codeCSRF))&code=\(codes[0])",
                headers: post)
            #expect(recovered.status == .seeOther && recovered.headers[.location] == "/")
            let recoveredSession = try #require(Pages.cookie(recovered, "capacita_sesion"))
            #expect(try await Pages.home(served, recoveredSession).status == .ok)

            let third = try await Self.signIn(served, email: email, password: "una contraseña larga")
            let thirdCookie = try #require(Pages.cookie(third, "capacita_sesion"))
            let thirdPage = try await served.send(
                .get, "/entrar/codigo", as: nil, headers: Self.withSession(thirdCookie))
            post[.cookie] = "capacita_sesion=\(thirdCookie)"
            let reused = try await served.send(
                .post, "/entrar/codigo", as: nil,
                body: "csrf=\(Pages.escaped(try Pages.hiddenCSRF(thirdPage.text)))&code=\(codes[0])", headers: post)
            #expect(reused.status == .unauthorized)

            // The audit log names the account, never a password or a code.
            let actions = try #require(
                try served.fixture.query(
                    "SELECT string_agg(action, ' ' ORDER BY id) FROM audit_log WHERE user_name = 'admin@segob.gob.mx'",
                    as: String.self))
            #expect(actions.contains("account.invitation_accepted") && actions.contains("account.two_factor_enabled"))
            #expect(actions.contains("account.sign_in") && actions.contains("account.recovery_code_used"))
            let leaked = try served.fixture.query(
                "SELECT count(*)::int FROM audit_log WHERE detail::text LIKE '%contraseña%' OR target LIKE '%contraseña%'",
                as: Int.self)
            #expect(leaked == 0)
        }
    }

    @Test func tenWrongPasswordsLockTheAccountAndTheRightOneIsRefusedUntilTheLockEnds() async throws {
        try await withService(adjust: withoutAddressLimit) { served in
            let email = "enlace@sict.gob.mx"
            try Self.createAccount(served, email: email, role: .enlace, agency: "SICT")
            try await Self.accept(served, email: email, password: "contraseña de enlace")
            for _ in 0..<10 {
                let wrong = try await Self.signIn(served, email: email, password: "no es la contraseña")
                #expect(wrong.status == .unauthorized && wrong.text.contains("Correo o contraseña incorrectos."))
            }
            let refused = try await Self.signIn(served, email: email, password: "contraseña de enlace")
            #expect(refused.status == .unauthorized && refused.text.contains("Correo o contraseña incorrectos."))
            // An unknown e-mail gets the very same answer.
            let unknown = try await Self.signIn(served, email: "nadie@sict.gob.mx", password: "contraseña de enlace")
            #expect(unknown.status == .unauthorized && unknown.text.contains("Correo o contraseña incorrectos."))
            // When the lock ends (moved into the past here rather than waited for), the password works.
            _ = try Connection(served.fixture.ownerURL).query(
                "UPDATE account SET locked_until = now() - interval '1 second' WHERE email = $1", [email])
            let opened = try await Self.signIn(served, email: email, password: "contraseña de enlace")
            #expect(opened.status == .seeOther && opened.headers[.location] == "/")
            let locks = try served.fixture.query(
                "SELECT count(*)::int FROM audit_log WHERE action = 'account.locked'", as: Int.self)
            #expect(locks == 1)
        }
    }

    @Test func aResetLinkWorksOnceAndOnlyWithinItsHour() async throws {
        try await withService { served in
            let email = "enlace@inm.gob.mx"
            try Self.createAccount(served, email: email, role: .enlace, agency: "INM")
            try await Self.accept(served, email: email, password: "primera contraseña")
            let signedIn = try await Self.signIn(served, email: email, password: "primera contraseña")
            let oldSession = try #require(Pages.cookie(signedIn, "capacita_sesion"))

            let known = try await Self.post(served, form: "/contrasena", to: "/contrasena", [("email", email)])
            let unknown = try await Self.post(
                served, form: "/contrasena", to: "/contrasena", [("email", "nadie@inm.gob.mx")])
            #expect(known.status == .ok && unknown.status == .ok)
            #expect(known.text == unknown.text)
            let link = try Self.link(served, to: email, path: "/contrasena/nueva")
            let secret = String(link.split(separator: "=").last ?? "")
            let fields = [("t", secret), ("password", "segunda contraseña"), ("confirmation", "segunda contraseña")]
            let changed = try await Self.post(served, form: link, to: "/contrasena/nueva", fields)
            #expect(changed.status == .ok && changed.text.contains("Contraseña cambiada"))
            // Setting a new password ended the other sessions.
            #expect(try await Pages.home(served, oldSession).headers[.location] == "/entrar")
            let again = try await served.send(.get, link, as: nil)
            #expect(again.status == .notFound)
            #expect(try await Self.signIn(served, email: email, password: "segunda contraseña").status == .seeOther)

            // A second reset link, past its hour (its expiry moved back rather than waited for).
            _ = try await Self.post(served, form: "/contrasena", to: "/contrasena", [("email", email)])
            let late = try Self.link(served, to: email, path: "/contrasena/nueva")
            _ = try Connection(served.fixture.ownerURL).query(
                "UPDATE account_link SET expires_at = now() - interval '1 second' WHERE kind = 'password_reset' AND used_at IS NULL"
            )
            #expect(try await served.send(.get, late, as: nil).status == .notFound)
        }
    }

    @Test func aPasswordTooShortOrTheEmailIsRefusedInSpanish() async throws {
        try await withService { served in
            let email = "corta@sict.gob.mx"
            try Self.createAccount(served, email: email, role: .enlace, agency: "SICT")
            let link = try Self.link(served, to: email, path: "/invitacion")
            let secret = String(link.split(separator: "=").last ?? "")
            let short = try await Self.post(
                served, form: link, to: "/invitacion",
                [("t", secret), ("name", "Ana"), ("password", "corta"), ("confirmation", "corta")])
            #expect(short.status == .unprocessableContent && short.text.contains("al menos 12 caracteres"))
            let same = try await Self.post(
                served, form: link, to: "/invitacion",
                [("t", secret), ("name", "Ana"), ("password", email), ("confirmation", email)])
            #expect(same.status == .unprocessableContent && same.text.contains("no puede ser su correo"))
            // The link still works after refusals: nothing was used.
            try await Self.accept(served, email: email, password: "ahora sí una buena")
        }
    }

    @Test func deactivatingAnAccountEndsItsSessionAtOnce() async throws {
        try await withService { served in
            let email = "baja@sict.gob.mx"
            try Self.createAccount(served, email: email, role: .enlace, agency: "SICT")
            try await Self.accept(served, email: email, password: "contraseña de baja")
            let signedIn = try await Self.signIn(served, email: email, password: "contraseña de baja")
            let session = try #require(Pages.cookie(signedIn, "capacita_sesion"))
            let home = try await Pages.home(served, session)
            #expect(home.status == .ok && home.text.contains("SICT"))
            // An enlace sees their agency's groups and not another's.
            let inm = try await served.send(
                .get, "/grupos/\(ServiceFixture.inmGroup)", as: nil, headers: Self.withSession(session))
            #expect(inm.status == .notFound)
            let connection = try Connection(served.fixture.ownerURL)
            connection.act(as: .admin("pruebas"))
            #expect(try AccountStore(connection: connection).setActive(email: email, false))
            #expect(try await Pages.home(served, session).headers[.location] == "/entrar")
            let refused = try await Self.signIn(served, email: email, password: "contraseña de baja")
            #expect(refused.status == .unauthorized)
        }
    }
}

/// The address limit out of the way, for a test of the account's own lock.
@Sendable private func withoutAddressLimit(_ configuration: inout ServerConfiguration) {
    configuration.signInFailureLimit = 100
}

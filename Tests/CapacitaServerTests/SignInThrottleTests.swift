import CapacitaServer
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import TestSupport
import Testing

/// Signing in on the pages (issue #25, section 4): failed sign-ins counted per client address in
/// PostgreSQL, refused with 429 past a limit without checking the password; and the sign-in form's
/// CSRF token one the service issued (its MAC under the shared key), unexpired, usable once, with
/// nothing written and no database needed to show the form.
@Suite struct SignInThrottleTests {
    /// A live service whose configuration the test adjusts (a tiny failure limit, not timing).
    static func withConfigured(
        _ adjust: @Sendable (inout ServerConfiguration) -> Void, _ body: @Sendable (Served) async throws -> Void
    ) async throws {
        try await withService(adjust: adjust, body)
    }

    static let limit = 3

    static func throttled(_ body: @Sendable (Served) async throws -> Void) async throws {
        try await withConfigured(
            {
                $0.signInFailureLimit = limit
                $0.signInFailureWindow = .seconds(3600)
            }, body)
    }

    static let wrong = "no es la contraseña"

    @Test func pastTheLimitEvenTheRightPasswordIs429UntilTheWindowEnds() async throws {
        try await Self.throttled { served in
            for _ in 0..<Self.limit {
                #expect(try await PagesTests.signIn(served, .sict, password: Self.wrong).status == .unauthorized)
            }
            // The limit + 1st wrong password: refused unchecked, with when to come back, in Spanish.
            let refused = try await PagesTests.signIn(served, .sict, password: Self.wrong)
            #expect(refused.status == .tooManyRequests)
            let wait = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait > 0 && wait <= 3600)
            #expect(refused.text.contains("Demasiados intentos") && refused.text.contains("Intente de nuevo en"))
            #expect(refused.headers[.contentType] == "text/html; charset=utf-8")
            // The right password from the same address: 429 too, and no session.
            let right = try await PagesTests.signIn(served, .sict)
            #expect(right.status == .tooManyRequests)
            #expect(PagesTests.cookie(right, "capacita_sesion") == nil)
            #expect(try served.fixture.query("SELECT count(*) FROM web_session", as: Int.self) == 0)
            // The count is in PostgreSQL, under the address's key, never above limit + 1.
            #expect(
                try served.fixture.query(
                    "SELECT failures FROM sign_in_failure WHERE key = 'address:127.0.0.1'", as: Int.self)
                    == Self.limit + 1)
            // Unchecked: the account itself counted only the passwords checked.
            let email = try #require(served.fixture.accounts[.sict])
            #expect(
                try Connection(served.fixture.ownerURL).query(
                    "SELECT failures FROM account WHERE email = $1", [email]
                ).scalar(Int.self) == Self.limit)
            // Once the window has ended (moved back here rather than waited for), the password works.
            try Connection(served.fixture.ownerURL).execute(
                "UPDATE sign_in_failure SET window_start = now() - interval '2 hours'")
            let later = try await PagesTests.signIn(served, .sict)
            #expect(later.status == .seeOther && PagesTests.cookie(later, "capacita_sesion") != nil)
        }
    }

    /// A success takes back only its own attempt: someone holding one account's password cannot
    /// reset the count between guesses.
    @Test func aSuccessDoesNotClearEarlierFailures() async throws {
        try await Self.throttled { served in
            let right = ServiceFixture.password
            var statuses: [HTTPResponse.Status] = []
            for password in [Self.wrong, Self.wrong, right, Self.wrong, Self.wrong, right] {
                statuses.append(try await PagesTests.signIn(served, .sict, password: password).status)
            }
            #expect(
                statuses == [
                    .unauthorized, .unauthorized, .seeOther, .unauthorized, .tooManyRequests, .tooManyRequests,
                ])
        }
    }

    /// The address comes from the socket only (every test request is 127.0.0.1), so the keys of
    /// other addresses and of accounts are checked on the functions the service calls, as the
    /// application role.
    @Test func eachKeyHasItsOwnCountAndEndedWindowsArePurged() async throws {
        try await Self.throttled { served in
            let app = try Connection(served.fixture.appURL)
            let throttle = SignInThrottle(connection: app)
            let limits = SignInThrottle.Limits(failures: 1, window: .seconds(600))
            let first = SignInThrottle.addressKey("192.0.2.1")
            #expect(try throttle.attempt([first], limits) == 0)
            let wait = try throttle.attempt([first], limits)
            #expect(wait > 0 && wait <= 600)
            // Another address is not affected.
            #expect(try throttle.attempt([SignInThrottle.addressKey("192.0.2.2")], limits) == 0)
            // An account key past its limit refuses an attempt from a fresh address.
            #expect(try throttle.attempt(["account:ana"], limits) == 0)
            #expect(try throttle.attempt([SignInThrottle.addressKey("192.0.2.3"), "account:ana"], limits) > 0)
            // The application role reaches the rows only through the functions.
            #expect(throws: PostgresError.self) { try app.query("SELECT count(*) FROM sign_in_failure") }
            // Windows that ended go on the next attempt: the table stays bounded.
            try Connection(served.fixture.ownerURL).execute(
                "UPDATE sign_in_failure SET window_start = now() - interval '1 hour' WHERE key <> 'address:192.0.2.9'")
            #expect(try throttle.attempt([SignInThrottle.addressKey("192.0.2.9")], limits) == 0)
            #expect(try served.fixture.query("SELECT count(*) FROM sign_in_failure", as: Int.self) == 1)
        }
    }

    /// Posts the sign-in form with this cookie and field, as a browser (or an attacker) would, with
    /// SICT's enlace's e-mail and `password`.
    static func post(_ served: Served, csrf: String, password: String = ServiceFixture.password) async throws
        -> TestResponse
    {
        var headers = PagesTests.form
        headers[.cookie] = "capacita_entrada=\(csrf)"
        return try await served.send(
            .post, "/entrar", as: nil, body: "csrf=\(PagesTests.escaped(csrf))&\(try credentials(served, password))",
            headers: headers)
    }

    static func credentials(_ served: Served, _ password: String = ServiceFixture.password) throws -> String {
        "email=\(PagesTests.escaped(try #require(served.fixture.accounts[.sict])))&password=\(PagesTests.escaped(password))"
    }

    /// The service's own minting and checking, with the key of the fixture's database (the one
    /// the service read at start), for tokens with a chosen clock.
    static func forms(_ served: Served) throws -> SignInForms {
        try SignInForms.load(connection: try Connection(served.fixture.appURL))
    }

    /// A token with one part replaced, keeping its shape.
    static func replacing(_ token: String, part: Int, with value: String) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[part] = value
        return parts.joined(separator: ".")
    }

    @Test func theSignInFormTakesOnlyAnIssuedUnexpiredUnusedCSRFToken() async throws {
        try await withService { served in
            // A pair of the sender's choosing, cookie and field alike: 403.
            let forged = try await Self.post(served, csrf: TokenStore.randomSecret())
            #expect(forged.status == .forbidden && forged.text.contains("CSRF"))
            #expect(PagesTests.cookie(forged, "capacita_sesion") == nil)
            let page = try await served.send(.get, "/entrar", as: nil)
            let issued = try #require(PagesTests.cookie(page, "capacita_entrada"))
            #expect(issued.split(separator: ".").count == 3)
            // The right shape with a wrong MAC, or an issued token with its expiry moved: 403.
            let wrongMAC = Self.replacing(issued, part: 2, with: String(repeating: "ab", count: 32))
            #expect(try await Self.post(served, csrf: wrongMAC).status == .forbidden)
            let later = String(Int(Date().timeIntervalSince1970) + 86_400)
            #expect(
                try await Self.post(served, csrf: Self.replacing(issued, part: 1, with: later)).status == .forbidden)
            // A cookie that is not the field (each issued): 403.
            let another = try #require(
                PagesTests.cookie(try await served.send(.get, "/entrar", as: nil), "capacita_entrada"))
            var headers = PagesTests.form
            headers[.cookie] = "capacita_entrada=\(another)"
            let mismatched = try await served.send(
                .post, "/entrar", as: nil,
                body: "csrf=\(PagesTests.escaped(issued))&\(try Self.credentials(served))", headers: headers)
            #expect(mismatched.status == .forbidden)
            // None of these was recorded: a token is written down only when a post uses it.
            #expect(try served.fixture.query("SELECT count(*) FROM sign_in_form_used", as: Int.self) == 0)
            // A fresh pair from the form: signs in.
            let fresh = try await Self.post(served, csrf: issued)
            #expect(fresh.status == .seeOther && PagesTests.cookie(fresh, "capacita_sesion") != nil)
            // The same pair again: already used, 403, no second session.
            let reused = try await Self.post(served, csrf: issued)
            #expect(reused.status == .forbidden && PagesTests.cookie(reused, "capacita_sesion") == nil)
            #expect(try served.fixture.query("SELECT count(*) FROM web_session", as: Int.self) == 1)
            // A pair used by a failed sign-in is spent too; the form shown again carries a new one.
            let other = try await served.send(.get, "/entrar", as: nil)
            let second = try #require(PagesTests.cookie(other, "capacita_entrada"))
            let failed = try await Self.post(served, csrf: second, password: Self.wrong)
            #expect(failed.status == .unauthorized)
            let next = try #require(PagesTests.cookie(failed, "capacita_entrada"))
            #expect(next != second)
            #expect(try await Self.post(served, csrf: second).status == .forbidden)
            #expect(try await Self.post(served, csrf: next).status == .seeOther)
            // Minted by the service's own code and key, but at a clock two hours back (good for
            // one): expired, 403; the same minted now works.
            let forms = try Self.forms(served)
            let expired = forms.issue(now: Date().addingTimeInterval(-7200), lifetime: .seconds(3600))
            #expect(forms.verify(expired, now: Date().addingTimeInterval(-7200)) != nil)
            #expect(try await Self.post(served, csrf: expired).status == .forbidden)
            #expect(try await Self.post(served, csrf: forms.issue(lifetime: .seconds(3600))).status == .seeOther)
        }
    }

    /// Showing the form writes nothing and needs no database: with the database unreachable the
    /// form is still shown (before, every GET recorded its token, and this was a 503); a post then
    /// answers 503 with a page.
    @Test func showingTheFormWritesNothingAndNeedsNoDatabase() async throws {
        try await withService { served in
            for _ in 0..<20 { #expect(try await served.send(.get, "/entrar", as: nil).status == .ok) }
            let tables = try served.fixture.query(
                "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'sign\\_in\\_form%'", as: Int.self)
            #expect(tables == 1)
            #expect(try served.fixture.query("SELECT count(*) FROM sign_in_form_used", as: Int.self) == 0)
            // No new connection, then the service's own ended (as DatabaseDownTests does).
            let server = try Connection(try TestDatabase.serverURL())
            let owner = try Connection(served.fixture.ownerURL)
            let database = served.fixture.database
            try server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS false")
            defer { try? server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS true") }
            // The service's connections chosen first (OFFSET 0 keeps the planner from calling
            // pg_terminate_backend on rows the filter would drop, this connection's among them).
            _ = try owner.query(
                """
                SELECT count(pg_terminate_backend(pid, 5000)) FROM (
                    SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND usename = 'capacita_app' OFFSET 0) AS service
                """)
            let page = try await served.send(.get, "/entrar", as: nil)
            #expect(page.status == .ok, "\(page.text.prefix(200))")
            let csrf = try #require(PagesTests.cookie(page, "capacita_entrada"))
            #expect(try PagesTests.hiddenCSRF(page.text) == csrf)
            let post = try await Self.post(served, csrf: csrf)
            #expect(post.status == .serviceUnavailable)
            #expect(post.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }

    /// The used tokens, on the function the service calls, as the application role: once only,
    /// never past the expiry by the database's clock, expired rows purged on the way; the key and
    /// the used tokens out of the role's reach but through the functions.
    @Test func aUsedTokenIsRecordedOnceUntilItExpiresAndThenPurged() async throws {
        try await withService { served in
            let app = try Connection(served.fixture.appURL)
            let use = "SELECT sign_in_form_use($1, now() + make_interval(secs => $2::double precision))"
            let first = TokenStore.sha256("a")
            #expect(try app.query(use, [first, 600.0]).scalar(Bool.self) == true)
            #expect(try app.query(use, [first, 600.0]).scalar(Bool.self) == false)
            // Past its expiry, or beyond what the service ever issues: refused, and not recorded.
            #expect(try app.query(use, [TokenStore.sha256("b"), -1.0]).scalar(Bool.self) == false)
            #expect(try app.query(use, [TokenStore.sha256("c"), 2 * 86_400.0]).scalar(Bool.self) == false)
            #expect(try served.fixture.query("SELECT count(*) FROM sign_in_form_used", as: Int.self) == 1)
            try Connection(served.fixture.ownerURL).execute(
                "UPDATE sign_in_form_used SET expires_at = now() - interval '1 second'")
            #expect(try app.query(use, [TokenStore.sha256("d"), 600.0]).scalar(Bool.self) == true)
            #expect(try served.fixture.query("SELECT count(*) FROM sign_in_form_used", as: Int.self) == 1)
            #expect(throws: PostgresError.self) { try app.query("SELECT count(*) FROM sign_in_form_used") }
            #expect(throws: PostgresError.self) { try app.query("SELECT secret FROM sign_in_secret") }
            let key = try #require(try app.query("SELECT sign_in_form_key()").scalar(String.self))
            #expect(key.count == 64 && key.allSatisfy(\.isHexDigit) && Set(key).count > 4)
        }
    }
}

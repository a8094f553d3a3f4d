import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

/// The web pages over real HTTP: signing in with an account, the session cookie's flags, CSRF on
/// every form that writes, the old token field opening nothing, sessions opened with a token before
/// accounts lasting until their token ends, each agency's own page, and the public verification page.
@Suite struct PagesTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func setCookies(_ response: TestResponse) -> [String] { response.headers[values: .setCookie] }

    static func cookie(_ response: TestResponse, _ name: String) -> String? {
        for header in setCookies(response) where header.hasPrefix(name + "=") {
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    static func hiddenCSRF(_ html: String) throws -> String {
        let match = try #require(html.firstMatch(of: try Regex(#"name="csrf" value="([^"]+)""#)))
        return String(match.output[1].substring!)
    }

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// Posts the sign-in form as a browser would: the form (and its cookie), then `fields` with
    /// the form's CSRF token.
    static func postSignIn(_ served: Served, _ fields: [(String, String)], headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        let page = try await served.send(.get, "/entrar", as: nil, headers: headers)
        let entry = try #require(cookie(page, "capacita_entrada"))
        #expect(try hiddenCSRF(page.text) == entry)
        var post = form
        post[.cookie] = "capacita_entrada=\(entry)"
        for field in headers { post.append(field) }
        let body = ([("csrf", entry)] + fields).map { "\($0.0)=\(escaped($0.1))" }.joined(separator: "&")
        return try await served.send(.post, "/entrar", as: nil, body: body, headers: post)
    }

    /// Signs in with an e-mail and a password (the first step for an account with a second factor).
    static func signIn(_ served: Served, email: String, password: String, headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        try await postSignIn(served, [("email", email), ("password", password)], headers: headers)
    }

    /// Signs in as `caller`'s fixture account, with its password unless another is given.
    static func signIn(
        _ served: Served, _ caller: ServiceFixture.Caller, password: String = ServiceFixture.password,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await signIn(
            served, email: try #require(served.fixture.accounts[caller]), password: password, headers: headers)
    }

    /// A signed-in session as `caller`, as a person opens one: the e-mail and the password, and for
    /// the administrator the code of their authenticator on /entrar/codigo.
    static func session(_ served: Served, _ caller: ServiceFixture.Caller) async throws -> String {
        let response = try await signIn(served, caller)
        let next = caller == .admin ? "/entrar/codigo" : "/"
        try #require(response.status == .seeOther && response.headers[.location] == next, "\(response.text)")
        let session = try #require(cookie(response, "capacita_sesion"))
        guard caller == .admin else { return session }
        let page = try await served.send(
            .get, "/entrar/codigo", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
        var headers = form
        headers[.cookie] = "capacita_sesion=\(session)"
        // A code opens one session (the account keeps the last step used): a test that signs the
        // administrator in again within 30 seconds stands for a person doing it later.
        _ = try Connection(served.fixture.ownerURL).query(
            "UPDATE account SET totp_last_step = NULL WHERE lower(email) = $1", [served.fixture.accounts[.admin] ?? ""])
        let code = AccountPagesTests.totp(base32: ServiceFixture.adminTOTPKey)
        let confirmed = try await served.send(
            .post, "/entrar/codigo", as: nil, body: "csrf=\(escaped(try hiddenCSRF(page.text)))&code=\(code)",
            headers: headers)
        try #require(confirmed.status == .seeOther && confirmed.headers[.location] == "/", "\(confirmed.text)")
        // The code opened a new session: its cookie is the one that stands from now on.
        return try #require(cookie(confirmed, "capacita_sesion"))
    }

    /// A session opened with `token` as the service opened them before accounts (`session_open`,
    /// as the application role): such sessions last until they expire.
    static func tokenSession(_ served: Served, token: String) throws -> String {
        let secret = TokenStore.randomSecret()
        let opened = try Connection(served.fixture.appURL).query(
            "SELECT name FROM session_open($1, $2, $3, interval '1 hour')",
            [TokenStore.sha256(token), TokenStore.sha256(secret), TokenStore.randomSecret()]
        ).scalar(String.self)
        try #require(opened != nil, "session_open refused the token")
        return secret
    }

    static func home(_ served: Served, _ session: String, year: Int? = nil) async throws -> TestResponse {
        try await served.send(
            .get, year.map { "/?year=\($0)" } ?? "/", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
    }

    @Test func signingInSetsAStrictHttpOnlyCookieSecureOnlyOverTLS() async throws {
        try await withService { served in
            let signedIn = try await Self.signIn(served, .sict)
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/")
            let sessionCookie = try #require(Self.setCookies(signedIn).first { $0.hasPrefix("capacita_sesion=") })
            #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict"))
            #expect(sessionCookie.contains("Path=/") && sessionCookie.contains("Max-Age="))
            #expect(!sessionCookie.contains("Secure"))
            // Behind a TLS proxy (X-Forwarded-Proto: https) the cookie is Secure too.
            let overTLS = try await Self.signIn(served, .sict, headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(Self.setCookies(overTLS).first { $0.hasPrefix("capacita_sesion=") }?.contains("; Secure") == true)
            // The form's own cookie is HttpOnly and strict as well.
            let page = try await served.send(.get, "/entrar", as: nil)
            #expect(page.status == .ok && page.text.contains(#"<label for="email">"#))
            #expect(page.text.contains(#"<label for="password">"#) && !page.text.contains(#"name="token""#))
            #expect(!page.text.contains("nil") && !page.text.contains("role=\"alert\""))
            #expect(Self.setCookies(page).first?.contains("HttpOnly; SameSite=Strict") == true)
        }
    }

    @Test func aWrongPasswordOrAnUnknownEmailIsRefusedWithTheFormAgain() async throws {
        try await withService { served in
            let sict = try #require(served.fixture.accounts[.sict])
            for (email, password) in [
                (sict, "no es la contraseña"), (sict, ""), ("nadie@sict.gob.mx", ServiceFixture.password),
                ("", ServiceFixture.password),
            ] {
                let response = try await Self.signIn(served, email: email, password: password)
                #expect(response.status == .unauthorized, "\(email)")
                #expect(response.text.contains("Correo o contraseña incorrectos."))
                #expect(response.text.contains(#"<label for="email">"#))
                #expect(Self.cookie(response, "capacita_sesion") == nil)
            }
            #expect(try served.fixture.query("SELECT count(*) FROM web_session", as: Int.self) == 0)
        }
    }

    /// Signing in with a token is gone from the pages (tokens are for programs): a post of the old
    /// field, even with a valid token, opens no session; it is a failed sign-in like any other,
    /// with the one message, and counts against the address's limit.
    @Test func aPostOfTheOldTokenFieldOpensNoSession() async throws {
        try await withService { served in
            let tokens = [
                try #require(served.fixture.tokens[.sict]), try #require(served.fixture.tokens[.admin]),
                try #require(served.fixture.tokens[.revoked]), "capacita_nada", "",
            ]
            for token in tokens {
                let response = try await Self.postSignIn(served, [("token", token)])
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("Correo o contraseña incorrectos."))
                #expect(!response.text.contains("token"))
                #expect(Self.cookie(response, "capacita_sesion") == nil)
            }
            #expect(try served.fixture.query("SELECT count(*) FROM web_session", as: Int.self) == 0)
            #expect(
                try served.fixture.query(
                    "SELECT failures FROM sign_in_failure WHERE key = 'address:127.0.0.1'", as: Int.self)
                    == tokens.count)
        }
    }

    @Test func aFormWithoutItsCSRFTokenGets403AndWritesNothing() async throws {
        try await withService { served in
            let credentials =
                "email=\(Self.escaped(try #require(served.fixture.accounts[.sict])))"
                + "&password=\(Self.escaped(ServiceFixture.password))"
            // No cookie, or a field that is not the cookie's: refused, and no session opened.
            for (cookie, field) in [(nil, "x"), ("capacita_entrada=a", "b"), ("capacita_entrada=a", "")] {
                var headers = Self.form
                if let cookie { headers[.cookie] = cookie }
                let response = try await served.send(
                    .post, "/entrar", as: nil, body: "csrf=\(field)&\(credentials)", headers: headers)
                #expect(response.status == .forbidden)
                #expect(Self.cookie(response, "capacita_sesion") == nil)
            }
            #expect(try served.fixture.query("SELECT count(*) FROM web_session", as: Int.self) == 0)
            // A form far past its limit is 413, not a server error.
            let huge = try await served.send(
                .post, "/entrar", as: nil, body: String(repeating: "a", count: 200_000), headers: Self.form)
            #expect(huge.status == .contentTooLarge)
            // Signing out needs the session's CSRF token: without it the session stays.
            let session = try await Self.session(served, .sict)
            let home = try await Self.home(served, session)
            let csrf = try Self.hiddenCSRF(home.text)
            var headers = Self.form
            headers[.cookie] = "capacita_sesion=\(session)"
            let refused = try await served.send(.post, "/salir", as: nil, body: "csrf=otro", headers: headers)
            #expect(refused.status == .forbidden)
            #expect(try await Self.home(served, session).status == .ok)
            let out = try await served.send(
                .post, "/salir", as: nil, body: "csrf=\(Self.escaped(csrf))", headers: headers)
            #expect(out.status == .seeOther && out.headers[.location] == "/entrar")
            #expect(try await Self.home(served, session).headers[.location] == "/entrar")
        }
    }

    /// Sessions opened with a token before accounts keep working until they expire, and end at
    /// once when their token is revoked (`session_identity` still reads them).
    @Test func aSessionOpenedWithATokenBeforeAccountsLastsUntilItExpiresOrItsTokenIsRevoked() async throws {
        try await withService { served in
            let owner = try Connection(served.fixture.ownerURL)
            let token = try TokenStore(connection: owner).create(
                role: .enlace, agency: "SICT", groups: [], name: "pagina-revocada", expiresOn: nil, createdBy: "t"
            ).token
            let session = try Self.tokenSession(served, token: token)
            let home = try await Self.home(served, session)
            #expect(home.status == .ok && home.text.contains("pagina-revocada · SICT"))
            try TokenStore(connection: owner).revoke("pagina-revocada")
            let after = try await Self.home(served, session)
            #expect(after.status == .seeOther && after.headers[.location] == "/entrar")
            // Stored as a hash: the cookie's secret is nowhere in the table.
            #expect(
                try served.fixture.query(
                    "SELECT count(*) FROM web_session WHERE sha256 = '\(session)'", as: Int.self) == 0)
            // Another, of a token still valid, ends when it expires (moved back rather than waited for).
            let other = try Self.tokenSession(served, token: try #require(served.fixture.tokens[.inm]))
            #expect(try await Self.home(served, other).status == .ok)
            _ = try owner.query(
                "UPDATE web_session SET expires_at = now() - interval '1 second' WHERE sha256 = $1",
                [TokenStore.sha256(other)])
            #expect(try await Self.home(served, other).headers[.location] == "/entrar")
        }
    }

    /// Each enlace's Inicio: its own agency, headcount per tier with a bar, its groups and its
    /// ficha; never another agency's groups.
    @Test func anEnlacesInicioIsItsOwnAgencysYear() async throws {
        try await withService { served in
            let sict = try await Self.home(served, try await Self.session(served, .sict), year: 2024)
            #expect(sict.status == .ok)
            #expect(sict.headers[.contentType] == "text/html; charset=utf-8")
            let html = sict.text
            #expect(html.contains("<th scope=\"col\">Nivel de mando</th>"))
            #expect(html.contains("role=\"img\"") && html.contains("<title>"))
            #expect(html.contains("\(try #require(served.fixture.accounts[.sict])) · SICT"))
            #expect(html.contains("<a href=\"/grupos/\(ServiceFixture.sictGroup)\">"))
            #expect(!html.contains(ServiceFixture.inmGroup))
            let inm = try await Self.home(served, try await Self.session(served, .inm), year: 2024).text
            #expect(inm.contains("\(try #require(served.fixture.accounts[.inm])) · INM"))
            #expect(inm.contains("<a href=\"/grupos/\(ServiceFixture.inmGroup)\">"))
            #expect(!inm.contains(ServiceFixture.sictGroup))
            // No person's name or CURP on an Inicio page: only counts.
            for text in [html, inm] {
                #expect(!text.contains("GOMC820101") && !text.contains("Gloria") && !text.contains("Hernández"))
            }
            // The Secretaría Técnica sees Parámetro 4.2 with its formula filled in.
            let admin = try await Self.home(served, try await Self.session(served, .admin)).text
            #expect(admin.contains("Parámetro 4.2") && admin.contains("PII% ="))
            // Nothing absent is printed as «nil» (an optional handed to the template).
            #expect(!admin.contains("nil") && !html.contains("nil"))
        }
    }

    /// A group's page: its people with CURPs masked, results and constancias with links to their
    /// verification; another agency's group is 404 and shows none of its people.
    @Test func aGroupPageMasksCURPsAndOtherAgenciesGet404() async throws {
        try await withService { served in
            let uri = "/grupos/\(ServiceFixture.sictGroup)"
            let sict = try await served.send(
                .get, uri, as: nil, headers: [.cookie: "capacita_sesion=\(try await Self.session(served, .sict))"])
            #expect(sict.status == .ok)
            let curps = try #require(
                try served.fixture.query(
                    "SELECT string_agg(curp, ',') FROM enrollment WHERE group_code = '\(ServiceFixture.sictGroup)'",
                    as: String.self))
            for curp in curps.split(separator: ",") {
                #expect(!sict.text.contains(curp))
                #expect(sict.text.contains(String(curp.prefix(4))))
            }
            #expect(sict.text.contains("<th scope=\"col\">CURP</th>"))
            #expect(sict.text.contains("href=\"/verificar/"))
            let names = try #require(
                try served.fixture.query(
                    "SELECT string_agg(p.first_surname, ',') FROM enrollment e JOIN person p USING (curp) WHERE e.group_code = '\(ServiceFixture.sictGroup)'",
                    as: String.self))
            let inm = try await served.send(
                .get, uri, as: nil, headers: [.cookie: "capacita_sesion=\(try await Self.session(served, .inm))"])
            #expect(inm.status == .notFound)
            for name in names.split(separator: ",") { #expect(!inm.text.contains(name)) }
            let unknown = try await served.send(
                .get, "/grupos/NADA-1", as: nil,
                headers: [.cookie: "capacita_sesion=\(try await Self.session(served, .admin))"])
            #expect(unknown.status == .notFound)
        }
    }

    /// Parámetro 4.2's page: the card with the formula and its substitution, the goal, the
    /// options in a form, the series as a chart with a text alternative, and NII under all eight
    /// readings of the text, the one in use marked.
    @Test func theIndicatorPageShowsTheCardTheSeriesAndEveryReading() async throws {
        try await withService { served in
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(try await Self.session(served, .admin))"]
            let page = try await served.send(
                .get, "/parametro?year=2024&threshold=10&window=annual", as: nil, headers: cookie)
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("PII% = (NII/TII) × 100") && html.contains("PII% = ("))
            #expect(html.contains("<dt>Meta 2024</dt><dd>50 %</dd>"))
            #expect(html.contains("<desc id=\"serie-desc\">2021:") && html.contains("Meta 2024: 50 %"))
            for label in ["year", "threshold", "rule", "window", "levels", "courses"] {
                #expect(html.contains("<label for=\"\(label)\">"))
            }
            let sensitivity = try #require(html.components(separatedBy: "id=\"sensibilidad\"").last)
            // Two course selections × two thresholds × two rules × two windows.
            #expect(sensitivity.components(separatedBy: "<tr").count - 2 == 16)
            #expect(sensitivity.contains("<td>solo aprobados</td>"))
            #expect(sensitivity.components(separatedBy: "class=\"actual\"").count == 2)
            #expect(html.contains("<option value=\"annual\" selected>"))
            // A reading the text cannot mean is said on the page, which shows the default one.
            let bad = try await served.send(.get, "/parametro?year=2024&threshold=abc", as: nil, headers: cookie)
            #expect(bad.status == .ok && bad.text.contains("role=\"alert\""))
        }
    }

    /// Coverage by agency: a row per counted member agency with a bar per tier, ND marked and,
    /// sorted by a tier, after every agency with a figure.
    @Test func theCoveragePageHasARowPerCountedAgencyAndSortsNDLast() async throws {
        try await withService { served in
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(try await Self.session(served, .admin))"]
            let counted = try #require(
                try served.fixture.query("SELECT count(*) FROM agency WHERE counts_in_indicator", as: Int.self))
            let page = try await served.send(.get, "/cobertura?year=2024&orden=alto", as: nil, headers: cookie)
            #expect(page.status == .ok)
            let body = try #require(page.text.components(separatedBy: "<tbody>").last)
            let rows = Array(body.components(separatedBy: "<tr>").dropFirst())
            #expect(rows.count == counted)
            #expect(rows.allSatisfy { $0.components(separatedBy: "role=\"img\"").count == 4 })
            // ND rows (no headcount for 2024) come after every row with a figure.
            let nd = rows.map { $0.contains("ND (no cumple)") }
            #expect(nd.contains(true) && nd.contains(false))
            #expect(nd == nd.sorted { !$0 && $1 })
            #expect(page.text.contains("<option value=\"alto\" selected>"))
        }
    }

    @Test func withoutASessionThePagesSendToSignIn() async throws {
        try await withService { served in
            let response = try await served.send(.get, "/", as: nil, headers: [.cookie: "capacita_sesion=inventada"])
            #expect(response.status == .seeOther && response.headers[.location] == "/entrar")
        }
    }

    @Test func theVerificationPageIsPublicAndShowsNoCURP() async throws {
        try await withService { served in
            let code = try #require(
                try served.fixture.query("SELECT code FROM constancia ORDER BY folio LIMIT 1", as: String.self))
            let page = try await served.send(.get, "/verificar/\(code)", as: nil)
            #expect(page.status == .ok && page.text.contains("Constancia válida"))
            let curps = try #require(
                try served.fixture.query("SELECT string_agg(curp, ',') FROM constancia", as: String.self))
            for curp in curps.split(separator: ",") { #expect(!page.text.contains(curp)) }
            let missing = try await served.send(.get, "/verificar/NADA", as: nil)
            #expect(missing.status == .notFound && missing.text.contains("no corresponde a ninguna constancia"))
        }
    }
}

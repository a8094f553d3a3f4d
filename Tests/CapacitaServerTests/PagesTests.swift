import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

/// The web pages over real HTTP: signing in with a token, the session cookie's flags, CSRF on
/// every form that writes, sessions ended by revoking their token, each agency's own page, and
/// the public verification page.
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

    /// Signs in with a token as a browser would: the form (and its cookie), then the post.
    static func signIn(_ served: Served, token: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        let page = try await served.send(.get, "/entrar", as: nil, headers: headers)
        let entry = try #require(cookie(page, "capacita_entrada"))
        #expect(try hiddenCSRF(page.text) == entry)
        var post = form
        post[.cookie] = "capacita_entrada=\(entry)"
        for field in headers { post.append(field) }
        return try await served.send(
            .post, "/entrar", as: nil, body: "csrf=\(escaped(entry))&token=\(escaped(token))", headers: post)
    }

    static func session(_ served: Served, _ caller: ServiceFixture.Caller) async throws -> String {
        let response = try await signIn(served, token: served.fixture.tokens[caller]!)
        try #require(response.status == .seeOther, "\(response.text)")
        return try #require(cookie(response, "capacita_sesion"))
    }

    static func home(_ served: Served, _ session: String, year: Int? = nil) async throws -> TestResponse {
        try await served.send(
            .get, year.map { "/?year=\($0)" } ?? "/", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
    }

    @Test func signingInSetsAStrictHttpOnlyCookieSecureOnlyOverTLS() async throws {
        try await withService { served in
            let signedIn = try await Self.signIn(served, token: served.fixture.tokens[.sict]!)
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/")
            let sessionCookie = try #require(Self.setCookies(signedIn).first { $0.hasPrefix("capacita_sesion=") })
            #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict"))
            #expect(sessionCookie.contains("Path=/") && sessionCookie.contains("Max-Age="))
            #expect(!sessionCookie.contains("Secure"))
            // Behind a TLS proxy (X-Forwarded-Proto: https) the cookie is Secure too.
            let overTLS = try await Self.signIn(
                served, token: served.fixture.tokens[.sict]!, headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(Self.setCookies(overTLS).first { $0.hasPrefix("capacita_sesion=") }?.contains("; Secure") == true)
            // The form's own cookie is HttpOnly and strict as well.
            let page = try await served.send(.get, "/entrar", as: nil)
            #expect(page.status == .ok && page.text.contains(#"<label for="token">"#))
            #expect(!page.text.contains("nil") && !page.text.contains("role=\"alert\""))
            #expect(Self.setCookies(page).first?.contains("HttpOnly; SameSite=Strict") == true)
        }
    }

    @Test func aWrongTokenIsRefusedWithTheFormAgain() async throws {
        try await withService { served in
            for token in ["capacita_nada", "", served.fixture.tokens[.revoked]!] {
                let response = try await Self.signIn(served, token: token)
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("El token no es válido"))
                #expect(Self.cookie(response, "capacita_sesion") == nil)
            }
        }
    }

    @Test func aFormWithoutItsCSRFTokenGets403AndWritesNothing() async throws {
        try await withService { served in
            let token = served.fixture.tokens[.sict]!
            // No cookie, or a field that is not the cookie's: refused, and no session opened.
            for (cookie, field) in [(nil, "x"), ("capacita_entrada=a", "b"), ("capacita_entrada=a", "")] {
                var headers = Self.form
                if let cookie { headers[.cookie] = cookie }
                let response = try await served.send(
                    .post, "/entrar", as: nil, body: "csrf=\(field)&token=\(Self.escaped(token))", headers: headers)
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

    @Test func revokingTheTokenEndsItsSessions() async throws {
        try await withService { served in
            let owner = try Connection(served.fixture.ownerURL)
            let token = try TokenStore(connection: owner).create(
                role: .enlace, agency: "SICT", groups: [], name: "pagina-revocada", expiresOn: nil, createdBy: "t"
            ).token
            let signedIn = try await Self.signIn(served, token: token)
            let session = try #require(Self.cookie(signedIn, "capacita_sesion"))
            #expect(try await Self.home(served, session).status == .ok)
            try TokenStore(connection: owner).revoke("pagina-revocada")
            let after = try await Self.home(served, session)
            #expect(after.status == .seeOther && after.headers[.location] == "/entrar")
            // Stored as a hash: the cookie's secret is nowhere in the table.
            #expect(
                try served.fixture.query(
                    "SELECT count(*) FROM web_session WHERE sha256 = '\(session)'", as: Int.self) == 0)
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
            #expect(html.contains("prueba-sict · SICT"))
            #expect(html.contains("<a href=\"/grupos/\(ServiceFixture.sictGroup)\">"))
            #expect(!html.contains(ServiceFixture.inmGroup))
            let inm = try await Self.home(served, try await Self.session(served, .inm), year: 2024).text
            #expect(inm.contains("prueba-inm · INM"))
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
            for label in ["year", "threshold", "rule", "window", "levels"] {
                #expect(html.contains("<label for=\"\(label)\">"))
            }
            let sensitivity = try #require(html.components(separatedBy: "id=\"sensibilidad\"").last)
            #expect(sensitivity.components(separatedBy: "<tr").count - 2 == 8)
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

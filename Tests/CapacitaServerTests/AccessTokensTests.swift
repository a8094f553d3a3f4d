import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Postgres
import Testing

@testable import CapacitaServer

/// "Tokens de acceso" over real HTTP: a person signed in with their account makes a token on the
/// page, a program uses it with the account's role and agency (the audit log names the account),
/// another person cannot revoke it, and it ends when revoked or when the account is deactivated.
@Suite struct AccessTokensTests {
    typealias Pages = PagesTests
    typealias Accounts = AccountPagesTests

    /// Signs an enlace of `agency` in with a new account; the session's cookie.
    static func signedIn(_ served: Served, _ email: String, agency: String) async throws -> String {
        try Accounts.createAccount(served, email: email, role: .enlace, agency: agency)
        try await Accounts.accept(served, email: email, password: "una contraseña larga")
        let response = try await Accounts.signIn(served, email: email, password: "una contraseña larga")
        return try #require(Pages.cookie(response, "capacita_sesion"), "\(response.status)")
    }

    static func post(_ served: Served, _ session: String, _ path: String, _ fields: [(String, String)])
        async throws -> TestResponse
    {
        let page = try await served.send(.get, "/tokens", as: nil, headers: Accounts.withSession(session))
        var headers = Pages.form
        headers[.cookie] = "capacita_sesion=\(session)"
        let body = ([("csrf", try Pages.hiddenCSRF(page.text))] + fields).map { "\($0.0)=\(Pages.escaped($0.1))" }
            .joined(separator: "&")
        return try await served.send(.post, path, as: nil, body: body, headers: headers)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func inDays(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    @Test func aTokenMadeOnThePageActsAsTheAccountUntilRevoked() async throws {
        try await withService { served in
            let session = try await Self.signedIn(served, "ana@sict.gob.mx", agency: "SICT")
            let made = try await Self.post(
                served, session, "/tokens", [("nombre", "tablero de la SICT"), ("vence", Self.inDays(30))])
            #expect(made.status == .ok)
            let shown = try #require(made.text.firstMatch(of: try Regex(#"<code id="token-nuevo">([^<]+)</code>"#)))
            let token = String(shown.output[1].substring ?? "")
            #expect(token.hasPrefix(TokenStore.prefix))
            // Shown once: the list afterwards carries only its hint.
            let listed = try await served.send(.get, "/tokens", as: nil, headers: Accounts.withSession(session))
            #expect(listed.text.contains("tablero de la SICT") && !listed.text.contains(token))

            // The token acts as the enlace: their agency's roster, not another's.
            let own = try await served.send(
                .get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: nil, headers: Self.bearer(token))
            #expect(own.status == .ok)
            let other = try await served.send(
                .get, "/v1/groups/\(ServiceFixture.inmGroup)/roster", as: nil, headers: Self.bearer(token))
            #expect(other.status == .notFound)
            let audit = try Connection(served.fixture.ownerURL).query(
                "SELECT user_name FROM audit_log WHERE action = 'token.create' ORDER BY id DESC LIMIT 1"
            ).scalar(String.self)
            #expect(audit == "ana@sict.gob.mx")

            // Someone else's session cannot revoke it, nor see it.
            let id = try #require(
                try Connection(served.fixture.ownerURL).query(
                    "SELECT id FROM api_token WHERE name = 'tablero de la SICT'"
                ).scalar(Int64.self))
            let intruder = try await Self.signedIn(served, "luis@sict.gob.mx", agency: "SICT")
            let refused = try await Self.post(served, intruder, "/tokens/revocar", [("id", "\(id)")])
            #expect(refused.status == .notFound)
            let theirs = try await served.send(.get, "/tokens", as: nil, headers: Accounts.withSession(intruder))
            #expect(!theirs.text.contains("tablero de la SICT"))
            #expect(
                try await served.send(
                    .get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: nil, headers: Self.bearer(token)
                )
                .status == .ok)

            let revoked = try await Self.post(served, session, "/tokens/revocar", [("id", "\(id)")])
            #expect(revoked.status == .ok && revoked.text.contains("revocado"))
            let after = try await served.send(
                .get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: nil, headers: Self.bearer(token))
            #expect(after.status == .unauthorized)
        }
    }

    @Test func theFormRefusesAnExpiryTooFarANameInUseAndATokenSession() async throws {
        try await withService { served in
            let session = try await Self.signedIn(served, "ana@sict.gob.mx", agency: "SICT")
            let far = try await Self.post(
                served, session, "/tokens", [("nombre", "lejos"), ("vence", Self.inDays(400))])
            #expect(far.status == .unprocessableContent && far.text.contains("366 días"))
            let past = try await Self.post(
                served, session, "/tokens", [("nombre", "ayer"), ("vence", Self.inDays(-1))])
            #expect(past.status == .unprocessableContent)
            let first = try await Self.post(served, session, "/tokens", [("nombre", "uno"), ("vence", Self.inDays(5))])
            #expect(first.status == .ok)
            let again = try await Self.post(served, session, "/tokens", [("nombre", "uno"), ("vence", Self.inDays(5))])
            #expect(again.status == .unprocessableContent && again.text.contains("Ya tiene un token vigente"))
            // A session opened with a token before accounts has no account: it makes no tokens.
            let tokenSession = try Pages.tokenSession(served, token: try #require(served.fixture.tokens[.sict]))
            let none = try await Self.post(
                served, tokenSession, "/tokens", [("nombre", "dos"), ("vence", Self.inDays(5))])
            #expect(none.status == .forbidden)
        }
    }

    @Test func deactivatingTheAccountEndsItsTokens() async throws {
        try await withService { served in
            let session = try await Self.signedIn(served, "ana@sict.gob.mx", agency: "SICT")
            let made = try await Self.post(
                served, session, "/tokens", [("nombre", "robot"), ("vence", Self.inDays(10))])
            let shown = try #require(made.text.firstMatch(of: try Regex(#"<code id="token-nuevo">([^<]+)</code>"#)))
            let token = String(shown.output[1].substring ?? "")
            #expect(
                try await served.send(
                    .get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: nil, headers: Self.bearer(token)
                ).status == .ok)
            let connection = try Connection(served.fixture.ownerURL)
            connection.act(as: .admin("pruebas"))
            #expect(try AccountStore(connection: connection).setActive(email: "ana@sict.gob.mx", false))
            #expect(
                try await served.send(
                    .get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: nil, headers: Self.bearer(token)
                ).status == .unauthorized)
        }
    }

    @Test func theRequestLogNamesTheAccountByIdAndEmailNeverTheToken() async throws {
        let records = LogRecords()
        let logger = Logger(label: "capacita-test") { _ in RecordingLogHandler(records: records) }
        try await withService(logger: logger) { served in
            let session = try await Self.signedIn(served, "ana@sict.gob.mx", agency: "SICT")
            let made = try await Self.post(
                served, session, "/tokens", [("nombre", "robot"), ("vence", Self.inDays(10))])
            let shown = try #require(made.text.firstMatch(of: try Regex(#"<code id="token-nuevo">([^<]+)</code>"#)))
            let token = String(shown.output[1].substring ?? "")
            let uri = "/v1/groups/\(ServiceFixture.sictGroup)/roster"
            #expect(try await served.send(.get, uri, as: nil, headers: Self.bearer(token)).status == .ok)
            let id = try #require(
                try Connection(served.fixture.ownerURL).query(
                    "SELECT id FROM account WHERE email = 'ana@sict.gob.mx'"
                ).scalar(Int64.self))
            let lines = records.all.filter { $0.hasPrefix("request ") }
            // The API call with the account's token, and the page that made it, both name the account.
            #expect(
                lines.contains {
                    $0.contains("route=/v1/groups/{code}/roster") && $0.contains("user=ana@sict.gob.mx")
                        && $0.contains("account=\(id)")
                })
            #expect(lines.contains { $0.contains("route=/tokens") && $0.contains("account=\(id)") })
            #expect(!records.all.contains { $0.contains(token) || $0.contains(String(token.dropFirst(9).prefix(12))) })
        }
    }
}

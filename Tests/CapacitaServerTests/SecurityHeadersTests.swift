import CapacitaServer
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

/// Issue #25, sections 4 and 6: answers with personal data are never kept by a cache and never
/// sniffed; links are built from routes, not from the request's path; the page and the API that
/// verify constancias share one budget; free text in a JSON body is refused with control
/// characters as the imports refuse them.
@Suite struct SecurityHeadersTests {
    static let noSniff = HTTPField.Name("X-Content-Type-Options")!

    static func expectNotKept(_ response: TestResponse, _ what: String) {
        #expect(response.headers[.cacheControl] == "no-store", "\(what): \(response.headers)")
        #expect(response.headers[noSniff] == "nosniff", "\(what): \(response.headers)")
    }

    @Test func personalDataAndErrorsAreNoStoreAndNoSniff() async throws {
        try await withService { served in
            let group = ServiceFixture.sictGroup
            let code: String = try #require(
                try served.fixture.query("SELECT code FROM constancia ORDER BY folio LIMIT 1"))
            let api: [(String, ServiceFixture.Caller?, HTTPFields, HTTPResponse.Status)] = [
                ("/v1/groups/\(group)/roster", .admin, [:], .ok),
                ("/v1/groups/\(group)/roster", .admin, [.accept: "text/csv"], .ok),
                ("/v1/reports/groups/\(group)", .sict, [:], .ok),
                ("/v1/constancias?group=\(group)", .admin, [:], .ok),
                ("/v1/constancias/verify/\(code)", nil, [:], .ok),
                ("/v1/audit", .admin, [:], .ok),
                ("/v1/batches", .sict, [:], .ok),
                // Errors: not found, no token, a bad parameter.
                ("/v1/groups/NO-EXISTE", .admin, [:], .notFound),
                ("/v1/groups?year=2024", nil, [:], .unauthorized),
                ("/v1/groups?year=abc", .admin, [:], .badRequest),
                ("/v1/no-such-route", .admin, [:], .notFound),
            ]
            for (uri, caller, headers, status) in api {
                let response = try await served.send(.get, uri, as: caller, headers: headers)
                #expect(response.status == status, "\(uri): \(response.text)")
                Self.expectNotKept(response, uri)
            }
            // Pages, a page download, the sign-in form, a redirect.
            let session = try await PagesTests.session(served, .admin)
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(session)"]
            for uri in ["/grupos/\(group)?formato=csv", "/grupos/\(group)?formato=xlsx", "/grupos/\(group)", "/"] {
                let response = try await served.send(.get, uri, as: nil, headers: cookie)
                #expect(response.status == .ok, "\(uri)")
                Self.expectNotKept(response, uri)
            }
            Self.expectNotKept(try await served.send(.get, "/entrar", as: nil), "/entrar")
            Self.expectNotKept(try await served.send(.get, "/parametro", as: nil), "redirect")
            // Public answers without personal data keep their own rule; still nosniff.
            let css = try await served.send(.get, "/estilo.css", as: nil)
            #expect(css.headers[.cacheControl] == "max-age=3600" && css.headers[Self.noSniff] == "nosniff")
            for uri in ["/health", "/openapi.json"] {
                let response = try await served.send(.get, uri, as: nil)
                #expect(response.headers[.cacheControl] == nil && response.headers[Self.noSniff] == "nosniff")
            }
        }
    }

    /// `//parametro` is `/parametro` to the router; a link built from it would be `//parametro`,
    /// another host to a browser.
    @Test func linksComeFromTheRouteNotTheRequestsPath() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .admin)
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(session)"]
            let group = ServiceFixture.sictGroup
            let paths = [
                "//parametro", "//parametro?year=2024", "/parametro/", "//parametro//", "//cobertura", "//eventos",
                "//fichas", "//", "//grupos/\(group)", "///grupos//\(group)/", "/%2F%2Fevil.example/..",
                "//evil.example/..", "/%2F%2Fevil.example/%2E%2E/parametro",
            ]
            for path in paths {
                let response = try await served.send(.get, path, as: nil, headers: cookie)
                #expect(response.status.code < 500, "\(path)")
                #expect(!response.text.contains("href=\"//"), "\(path)")
                #expect(!response.text.contains("action=\"//"), "\(path)")
                #expect(!response.text.contains("evil.example"), "\(path)")
            }
            // The page did render, with its download links on its own route.
            let page = try await served.send(.get, "//parametro?year=2024", as: nil, headers: cookie)
            #expect(page.status == .ok)
            #expect(page.text.contains("href=\"/parametro?year=2024&amp;formato=csv\""), "\(page.text)")
            let groupPage = try await served.send(.get, "//grupos/\(group)", as: nil, headers: cookie)
            #expect(groupPage.status == .ok && groupPage.text.contains("href=\"/grupos/\(group)?formato=csv\""))
        }
    }

    /// Verifying by the page and by the API spends one budget per address.
    @Test func thePageAndTheAPIShareOneVerificationBudget() async throws {
        try await withService(verifyLimit: 4) { served in
            #expect(try await served.send(.get, "/verificar/NADA1", as: nil).status == .notFound)
            #expect(try await served.send(.get, "/v1/constancias/verify/NADA2", as: nil).status == .notFound)
            #expect(try await served.send(.get, "/verificar/NADA3", as: nil).status == .notFound)
            #expect(try await served.send(.get, "/v1/constancias/verify/NADA4", as: nil).status == .notFound)
            let page = try await served.send(.get, "/verificar/NADA5", as: nil)
            #expect(page.status == .tooManyRequests && page.text.contains("Demasiadas verificaciones"))
            #expect(try await served.send(.get, "/v1/constancias/verify/NADA6", as: nil).status == .tooManyRequests)
        }
    }

    @Test func controlCharactersInFreeTextAreRefusedAndNothingIsStored() async throws {
        try await withService { served in
            let group = ServiceFixture.sictGroup
            let curp: String = try #require(
                try served.fixture.query(
                    "SELECT curp FROM enrollment WHERE group_code = '\(group)' AND status <> 'baja' ORDER BY curp LIMIT 1"
                ))
            // JSON escapes: NUL, ESC, DEL, a C1 control, a line break, a right-to-left override.
            for hostile in [#"\u0000"#, #"\u001b[31m"#, #"\u007f"#, #"\u0085"#, #"\n"#, #"\u202e"#] {
                let body = #"{"group": "\#(group)", "curp": "\#(curp)", "reason": "cambio\#(hostile)de adscripción"}"#
                let refused = try await served.send(.post, "/v1/enrollments/drop", as: .sict, body: body)
                #expect(refused.status == .unprocessableContent, "\(hostile): \(refused.text)")
                let error = try #require((try refused.json() as? [String: Any])?["error"] as? [String: Any])
                #expect(error["code"] as? String == "invalid_body")
                #expect((error["message"] as? String)?.hasPrefix("reason: contiene caracteres") == true)
                #expect((error["details"] as? [String: String])?["field"] == "reason")
            }
            let stored =
                "SELECT status || coalesce(drop_reason, '-') FROM enrollment WHERE curp = '\(curp)' AND group_code = '\(group)'"
            #expect(try served.fixture.query(stored, as: String.self)?.hasPrefix("baja") == false)
            // A plain reason is taken whole.
            let body = #"{"group": "\#(group)", "curp": "\#(curp)", "reason": "cambio de adscripción"}"#
            let taken = try await served.send(.post, "/v1/enrollments/drop", as: .sict, body: body)
            #expect(taken.status == .ok, "\(taken.text)")
            #expect(try served.fixture.query(stored, as: String.self) == "bajacambio de adscripción")
            // A group sent as JSON: the field is named.
            let groupBody = #"{"grupo": "SICT-X\u0000", "curso": "PNC22-BAS"}"#
            let groupAnswer = try await served.send(
                .post, "/v1/groups?dry_run=true", as: .admin, body: groupBody,
                headers: [.contentType: "application/json"])
            #expect(groupAnswer.status == .unprocessableContent && groupAnswer.text.contains("invalid_body"))
            #expect(groupAnswer.text.contains("grupo: contiene caracteres de control"))
            // A query parameter: the same rule, as a bad parameter.
            let query = try await served.send(.get, "/v1/groups?year=2024&agency=SI%1BCT", as: .admin)
            #expect(query.status == .badRequest && query.text.contains("invalid_parameter"))
        }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A group's sessions given on its page: the text box holds the sessions file the group's
/// sessions stand for, and posting it is the sessions import (all or nothing, refused by line).
@Suite struct GroupSessionsPageTests {
    static let group = ServiceFixture.sictGroup
    static let page = "/grupos/\(group)"
    static let action = "/grupos/\(group)/sesiones"

    static func csrf(_ html: String) throws -> String {
        let match = try #require(html.firstMatch(of: try Regex(#"name="csrf" value="([^"]+)""#)))
        return String(try #require(match.output[1].substring))
    }

    static func textArea(_ html: String) throws -> String {
        let match = try #require(
            html.firstMatch(of: try Regex(#"(?s)<textarea id="sesiones-texto"[^>]*>(.*?)</textarea>"#)))
        return String(try #require(match.output[1].substring))
    }

    static func body(csrf: String?, text: String) -> String {
        var fields = ["sesiones=\(PagesTests.escaped(text))"]
        if let csrf { fields.insert("csrf=\(PagesTests.escaped(csrf))", at: 0) }
        return fields.joined(separator: "&")
    }

    @Test func theOrganizingEnlaceGivesTheSessionsOnThePage() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .sict)
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(session)"]
            var post = PagesTests.form
            post[.cookie] = "capacita_sesion=\(session)"

            let page = try await served.send(.get, Self.page, as: nil, headers: cookie)
            #expect(page.status == .ok)
            #expect(page.text.contains("Cambiar las sesiones"))
            // No sessions file yet: a line per day of the group, the hours to be filled in.
            let shown = try Self.textArea(page.text)
            #expect(shown.hasPrefix("fecha,inicio,fin,lugar\n2024-03-04,,,\n"), "\(shown)")
            #expect(shown.split(separator: "\n").count == 6)
            let csrf = try Self.csrf(page.text)

            // Without the session's token: refused, nothing written.
            let text =
                "fecha,inicio,fin,lugar\n2024-03-04,09:00,14:00,\"Aula 3, piso 2\"\n2024-03-05,09:00,13:00,https://reuniones.example.gob.mx/sict\n"
            let forged = try await served.send(
                .post, Self.action, as: nil, body: Self.body(csrf: nil, text: text), headers: post)
            #expect(forged.status == .forbidden)

            // A session ending before it starts: the page again, the text as sent, the line named.
            let wrong = text + "2024-03-06,14:00,09:00,Aula 3\n"
            let refused = try await served.send(
                .post, Self.action, as: nil, body: Self.body(csrf: csrf, text: wrong), headers: post)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("No se guardó nada"))
            #expect(refused.text.contains("Renglón 4"), "\(refused.text.prefix(3000))")
            #expect(try Self.textArea(refused.text).contains("2024-03-06,14:00,09:00,Aula 3"))
            #expect(
                try served.fixture.query(
                    "SELECT count(*)::int FROM group_session WHERE group_code = '\(Self.group)'", as: Int.self) == 0)

            let saved = try await served.send(
                .post, Self.action, as: nil, body: Self.body(csrf: csrf, text: text), headers: post)
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "\(Self.page)#sesiones")
            let sessions = try await served.send(.get, "/v1/groups/\(Self.group)/sessions", as: .sict)
            let listed = try #require(try sessions.json() as? [[String: Any]])
            #expect(listed.count == 2)
            #expect(listed.first?["place"] as? String == "Aula 3, piso 2", "\(listed)")

            // The page shows them back as the text that gives them: posting it again changes nothing.
            let after = try await served.send(.get, Self.page, as: nil, headers: cookie)
            let again = try Self.textArea(after.text)
            #expect(again.contains("2024-03-04,09:00,14:00,&quot;Aula 3, piso 2&quot;"), "\(again)")
            let same = try await served.send(
                .post, Self.action, as: nil, body: Self.body(csrf: csrf, text: text), headers: post)
            #expect(same.status == .seeOther)
            #expect(
                try served.fixture.query(
                    "SELECT count(*)::int FROM group_session WHERE group_code = '\(Self.group)'", as: Int.self) == 2)
        }
    }

    @Test func onlyTheSecretariaAndTheOrganizingEnlaceSeeTheForm() async throws {
        try await withService { served in
            for caller in [ServiceFixture.Caller.inm, .instructor] {
                let session = try await PagesTests.session(served, caller)
                let page = try await served.send(
                    .get, Self.page, as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
                #expect(!page.text.contains("Cambiar las sesiones"), "\(caller)")
            }
            // Another agency's enlace posting anyway: the page's 404, nothing written.
            let inm = try await PagesTests.session(served, .inm)
            let inmPage = try await served.send(.get, "/", as: nil, headers: [.cookie: "capacita_sesion=\(inm)"])
            var post = PagesTests.form
            post[.cookie] = "capacita_sesion=\(inm)"
            let response = try await served.send(
                .post, Self.action, as: nil,
                body: Self.body(csrf: try Self.csrf(inmPage.text), text: "fecha,inicio,fin\n2024-03-04,09:00,10:00\n"),
                headers: post)
            #expect(response.status == .notFound)
            #expect(
                try served.fixture.query(
                    "SELECT count(*)::int FROM group_session WHERE group_code = '\(Self.group)'", as: Int.self) == 0)
            let admin = try await PagesTests.session(served, .admin)
            let page = try await served.send(.get, Self.page, as: nil, headers: [.cookie: "capacita_sesion=\(admin)"])
            #expect(page.text.contains("Cambiar las sesiones"))
        }
    }
}

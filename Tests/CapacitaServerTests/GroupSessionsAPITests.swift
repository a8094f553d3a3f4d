import CapacitaOutput
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `GET` and `PUT /v1/groups/{code}/sessions` over HTTP, for each role, and the sessions on the
/// group's page.
@Suite struct GroupSessionsAPITests {
    static let group = ServiceFixture.sictGroup
    static let uri = "/v1/groups/\(group)/sessions"
    static let file = """
        grupo,fecha,inicio,fin,lugar
        \(group),2024-03-04,09:00,14:00,Aula 3
        ,2024-03-05,09:00,14:00,https://reuniones.example.gob.mx/bas
        """

    private func rows(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try response.json() as? [[String: Any]], "\(response.text.prefix(300))")
    }

    @Test func everyRoleReadsAGroupsSessionsOneADayUntilGiven() async throws {
        try await withService { served in
            for caller in [ServiceFixture.Caller.admin, .sict, .inm, .instructor] {
                let response = try await served.send(.get, Self.uri, as: caller)
                #expect(response.status == .ok, "\(caller)")
                let sessions = try rows(response)
                #expect(sessions.count == 5, "\(caller): SICT's Básico runs 4-8 March 2024")
                #expect(sessions.first?["session"] as? String == "\(Self.group)-S20240304")
                #expect(sessions.first?["source"] as? String == "per_day")
                #expect(Set(sessions.first?.keys.map { $0 } ?? []) == Set(SessionTable.columns))
            }
            #expect(try await served.send(.get, "/v1/groups/NO-EXISTE/sessions", as: .admin).status == .notFound)
            #expect(try await served.send(.get, Self.uri, as: nil).status == .unauthorized)
        }
    }

    @Test func theOrganizingEnlaceAndTheSecretariaPutThemAnotherAgencyGets404() async throws {
        try await withService { served in
            let csv: HTTPFields = [.contentType: "text/csv"]
            let inm = try await served.send(.put, Self.uri, as: .inm, body: Self.file, headers: csv)
            #expect(inm.status == .notFound, "\(inm.text)")
            let instructor = try await served.send(.put, Self.uri, as: .instructor, body: Self.file, headers: csv)
            #expect(instructor.status == .notFound)
            #expect(
                try rows(try await served.send(.get, Self.uri, as: .admin)).first?["source"] as? String == "per_day")

            let put = try await served.send(.put, Self.uri, as: .sict, body: Self.file, headers: csv)
            #expect(put.status == .ok, "\(put.text)")
            let report = try #require(try put.json() as? [String: Any])
            #expect(report["imported"] as? Int == 2 && report["rows"] as? Int == 2)
            let sessions = try rows(try await served.send(.get, Self.uri, as: .inm))
            #expect(
                sessions.map { $0["session"] as? String } == [
                    "\(Self.group)-S20240304-0900", "\(Self.group)-S20240305-0900",
                ])
            #expect(sessions.map { $0["place_kind"] as? String } == ["place", "link"])
            #expect(
                sessions.first?["starts_at"] as? String == "09:00" && sessions.first?["ends_at"] as? String == "14:00")

            // The same body again: nothing changes, for the Secretaría Técnica too.
            let again = try #require(
                try await served.send(.put, Self.uri, as: .admin, body: Self.file, headers: csv).json()
                    as? [String: Any])
            #expect(again["unchanged"] as? Int == 2 && again["imported"] as? Int == 0)

            // Another group's row in this group's body: refused by line, with the import's keys.
            let other = Self.file + "\nSICT-INT-2024-01,2024-06-10,09:00,10:00,\n"
            let refused = try await served.send(.put, Self.uri, as: .sict, body: other, headers: csv)
            #expect(refused.status == .unprocessableContent)
            let problems = try #require((try refused.json() as? [String: Any])?["rejected"] as? [[String: Any]])
            #expect(problems.count == 1)
            #expect(problems.first?["line"] as? Int == 4 && problems.first?["column"] as? String == "grupo")
            #expect(Set(problems.first?.keys.map { $0 } ?? []) == ["line", "column", "value", "error"])
            #expect(try rows(try await served.send(.get, Self.uri, as: .sict)).count == 2)

            // CSV, as every listing.
            let text = try await served.send(.get, Self.uri, as: .sict, headers: [.accept: "text/csv"])
            #expect(text.text.hasPrefix(SessionTable.columns.joined(separator: ",")))
        }
    }

    @Test func theGroupPageShowsItsSessions() async throws {
        try await withService { served in
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(try await PagesTests.session(served, .sict))"]
            let before = try await served.send(.get, "/grupos/\(Self.group)", as: nil, headers: cookie)
            #expect(before.status == .ok)
            #expect(before.text.contains("<h2 id=\"sesiones\">Sesiones</h2>"))
            #expect(before.text.contains("\(Self.group)-S20240308") && before.text.contains("una por día"))
            let put = try await served.send(
                .put, Self.uri, as: .sict, body: Self.file, headers: [.contentType: "text/csv"])
            #expect(put.status == .ok)
            let after = try await served.send(.get, "/grupos/\(Self.group)", as: nil, headers: cookie).text
            #expect(after.contains("\(Self.group)-S20240305-0900") && after.contains("09:00–14:00"))
            #expect(after.contains("<a href=\"https://reuniones.example.gob.mx/bas\""))
            #expect(!after.contains("\(Self.group)-S20240308"))
        }
    }
}

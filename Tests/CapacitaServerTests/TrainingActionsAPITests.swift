import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `GET /v1/reports/actions` (the 2010-2012 programme's indicator) for every role, and a group's
/// formato and partner through the groups API.
@Suite struct TrainingActionsAPITests {
    @Test func everyRoleReadsTheSameNationalCard() async throws {
        try await withService { served in
            var bodies: [String] = []
            for caller in [ServiceFixture.Caller.admin, .sict, .inm, .instructor] {
                let response = try await served.send(.get, "/v1/reports/actions", as: caller)
                try #require(response.status == .ok, "\(caller): \(response.status) \(response.text.prefix(300))")
                bodies.append(response.text)
            }
            #expect(Set(bodies).count == 1)
            let card = try #require(try JSONSerialization.jsonObject(with: Data(bodies[0].utf8)) as? [String: Any])
            #expect(card["indicator"] as? String == "Capacitaciones y formación en materia de trata de personas")
            #expect(card["goal"] as? String == "Aumentar en un 20%")
            #expect(card["series"] as? [Int] == [2010, 2012] && card["target_percent"] as? Int == 20)
            let years = try #require(card["years"] as? [[String: Any]])
            #expect(years.map { $0["actions"] as? Int } == [2817, nil, nil])
            #expect(years.map { $0["mark"] as? String } == [nil, "ND", "ND"])

            // The fixture's groups are 2024's: against them, a 0 % target is met.
            let chosen = try await served.send(
                .get, "/v1/reports/actions?baseline=2024&target=0&series=2023-2024", as: .sict)
            #expect(chosen.status == .ok)
            let rows = try #require((try chosen.json() as? [String: Any])?["years"] as? [[String: Any]])
            #expect(rows.map { $0["mark"] as? String } == ["N/A", nil])
            #expect(rows[1]["meets"] as? Bool == true && rows[1]["change"] as? Int == 0)

            let csv = try await served.send(.get, "/v1/reports/actions", as: .inm, headers: [.accept: "text/csv"])
            #expect(csv.status == .ok && csv.text.hasPrefix("field,value\n"))
            #expect(csv.text.contains("year,actions,source,change,meets,mark\n2010,2817,"))

            for wrong in ["target=veinte", "target=-1", "baseline=1999", "series=2010", "series=2010-2050"] {
                let response = try await served.send(.get, "/v1/reports/actions?\(wrong)", as: .admin)
                #expect(response.status == .badRequest, "\(wrong): \(response.status)")
            }
            #expect(try await served.send(.get, "/v1/reports/actions", as: nil).status == .unauthorized)
        }
    }

    @Test func aGroupsFormatAndPartnerGoThroughTheGroupsAPI() async throws {
        try await withService { served in
            let group = """
                {"grupo": "SICT-OBRA-1", "tipo": "sensibilizacion", "dependencia": "SICT", "inicio": "2024-10-01",
                 "publico_general": 250, "formato": "Obra de teatro", "aliado": "Polaris"}
                """
            let created = try await served.send(
                .post, "/v1/groups", as: .sict, body: group, headers: [.contentType: "application/json"])
            #expect(created.status == .ok, "\(created.text)")
            let shown = try await served.send(.get, "/v1/groups/SICT-OBRA-1", as: .inm)
            let record = try #require(try shown.json() as? [String: Any])
            #expect(record["format"] as? String == "obra_de_teatro" && record["partner"] as? String == "Polaris")
            let bad = try await served.send(
                .post, "/v1/groups", as: .sict,
                body: group.replacingOccurrences(of: "Obra de teatro", with: "kermés"),
                headers: [.contentType: "application/json"])
            #expect(bad.status == .unprocessableContent, "\(bad.status)")
            #expect(bad.text.contains("formato") && bad.text.contains("kermés"))
            let events = try await served.send(.get, "/v1/reports/events?year=2024", as: .instructor)
            let splits = try #require((try events.json() as? [String: Any])?["splits"] as? [[String: Any]])
            let formats = try #require(splits.first?["rows"] as? [[String: Any]])
            #expect(formats.first { $0["key"] as? String == "obra_de_teatro" }?["personas"] as? Int == 250)
        }
    }
}

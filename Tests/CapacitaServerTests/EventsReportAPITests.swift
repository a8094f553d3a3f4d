import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `GET /v1/reports/events` for any period and with breakdowns, as `report events` gives them.
@Suite struct EventsReportAPITests {
    private func report(_ served: Served, _ query: String) async throws -> [String: Any] {
        let response = try await served.send(.get, "/v1/reports/events?\(query)", as: .sict)
        try #require(response.status == .ok, "\(query): \(response.status) \(response.text.prefix(300))")
        return try #require(try response.json() as? [String: Any])
    }

    private func people(_ report: [String: Any]) throws -> Int {
        let total = try #require(report["total"] as? [String: [String: Int]])
        return total.values.map { ($0["publico_general"] ?? 0) + ($0["servidores_publicos"] ?? 0) }.reduce(0, +)
    }

    @Test func breakdownsAddUpAndPeriodsAreTheirDays() async throws {
        try await withService { served in
            let year = try await report(served, "period=2024&by=sexo,orden,entidad,publico")
            let total = try people(year)
            #expect(total > 0)
            let breakdowns = try #require(year["breakdowns"] as? [[String: Any]])
            #expect(breakdowns.count == 4)
            for breakdown in breakdowns {
                let line = try #require(breakdown["total"] as? [String: Any])
                #expect(line["personas"] as? Int == total, "\(breakdown["by"] ?? "")")
            }
            #expect(
                (year["period"] as? [String: String]) == ["label": "2024", "from": "2024-01-01", "to": "2024-12-31"])
            // year= and period= of a year answer the same table.
            let same = try await report(served, "year=2024")
            #expect(try people(same) == total)
            // A quarter is its days.
            let quarter = try await report(served, "period=2024-T1")
            let days = try await report(served, "from=2024-01-01&to=2024-03-31")
            #expect(try people(quarter) == people(days))
            #expect((quarter["period"] as? [String: String])?["to"] == "2024-03-31")

            for wrong in ["period=2024-T5", "year=2024&period=2024-T1", "from=2024-01-01", "by=edad", "period=1999"] {
                let response = try await served.send(.get, "/v1/reports/events?\(wrong)", as: .sict)
                #expect(response.status == .badRequest, "\(wrong): \(response.status)")
            }
        }
    }

    @Test func theEventsPageChoosesAPeriodAndBreakdowns() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .sict)
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(session)"]
            let page = try await served.send(
                .get, "/eventos?year=2024&periodo=T1&by=sexo&by=orden", as: nil, headers: cookie)
            #expect(page.status == .ok)
            #expect(page.text.contains("Eventos que iniciaron en el primer trimestre de 2024."))
            #expect(page.text.contains("<option value=\"T1\" selected>Primer trimestre</option>"))
            #expect(page.text.contains("value=\"sexo\" checked") && page.text.contains("value=\"orden\" checked"))
            #expect(!page.text.contains("value=\"entidad\" checked"))
            #expect(page.text.contains("Por sexo") && page.text.contains("Por orden de gobierno"))
            #expect(!page.text.contains("Por entidad federativa."))
            // The download is the same report, breakdowns as sheets of their own.
            let csv = try await served.send(
                .get, "/eventos?year=2024&periodo=T1&by=sexo&by=orden&formato=csv", as: nil, headers: cookie)
            #expect(csv.status == .ok && csv.text.contains("sexo,publico_general,servidores_publicos,personas"))
            // What the page cannot read is the whole year without breakdowns, never an error page.
            let odd = try await served.send(.get, "/eventos?year=2024&periodo=T9&by=edad", as: nil, headers: cookie)
            #expect(odd.status == .ok && odd.text.contains("Eventos que iniciaron en 2024."))
        }
    }
}

import CapacitaServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// Meta 4.1 over HTTP (`GET /v1/reports/meta41`, for every role as `GET /v1/reports/actions`), and
/// the two programme indicators' pages, `/meta41` and `/acciones`, in real requests.
@Suite struct ProgrammeIndicatorsTests {
    /// The demo's illustrative programmed actions (2023: 2, 2024: 4) in place of the seed file's none.
    static let demo: @Sendable (inout ServerConfiguration) -> Void = {
        $0.programmedActionsFile =
            TestDatabase.projectRoot.appendingPathComponent("examples/acciones-programadas.csv")
            .path
    }

    static func page(_ served: Served, _ session: String, _ uri: String) async throws -> TestResponse {
        try await served.send(.get, uri, as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
    }

    @Test func everyRoleReadsTheSameCardAndItIsNDWithoutProgrammedActions() async throws {
        try await withService { served in
            var bodies: [String] = []
            for caller in [ServiceFixture.Caller.admin, .sict, .inm, .instructor] {
                let response = try await served.send(.get, "/v1/reports/meta41?year=2024", as: caller)
                try #require(response.status == .ok, "\(caller): \(response.status) \(response.text.prefix(300))")
                bodies.append(response.text)
            }
            #expect(Set(bodies).count == 1)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(bodies[0].utf8)) as? [String: Any])
            #expect(
                report["indicator"] as? String
                    == "Avance en la actualización del contenido temático del Programa Nacional de Capacitación")
            let card = try #require(report["card"] as? [String: Any])
            // The fixture's catalog has two approvals in 2024; the seed file programs nothing.
            #expect(card["naac"] as? Int == 2 && card["tap"] is NSNull && card["percent"] is NSNull)
            #expect(card["mark"] as? String == "ND" && card["formula_official"] is NSNull)
            let years = try #require(report["years"] as? [[String: Any]])
            #expect(years.map { $0["year"] as? Int } == [2021, 2022, 2023, 2024])
            #expect(years.allSatisfy { $0["mark"] as? String == "ND" && $0["percent"] is NSNull })

            for wrong in ["year=1999", "year=dos", "series=2024-2019", "series=2010-2050", "series=2024"] {
                let response = try await served.send(.get, "/v1/reports/meta41?\(wrong)", as: .admin)
                #expect(response.status == .badRequest, "\(wrong): \(response.status)")
            }
            #expect(try await served.send(.get, "/v1/reports/meta41", as: nil).status == .unauthorized)
            #expect(try await served.send(.get, "/v1/reports/meta41", as: .revoked).status == .unauthorized)
        }
    }

    @Test func theCardIsFilledInWithProgrammedActionsInJSONAndCSV() async throws {
        try await withService(adjust: Self.demo) { served in
            let response = try await served.send(
                .get, "/v1/reports/meta41?year=2024&series=2019-2024", as: .instructor)
            try #require(response.status == .ok, "\(response.text.prefix(300))")
            let report = try #require(try response.json() as? [String: Any])
            let card = try #require(report["card"] as? [String: Any])
            #expect(card["formula_official"] as? String == "PAAC%=(2/4)*100" && card["percent"] as? Int == 50)
            let years = try #require(report["years"] as? [[String: Any]])
            #expect(years.map { $0["mark"] as? String } == ["N/A", "N/A", "ND", "ND", nil, nil])
            let csv = try await served.send(
                .get, "/v1/reports/meta41?year=2024", as: .sict, headers: [.accept: "text/csv"])
            #expect(csv.status == .ok && csv.text.hasPrefix("field,value\n"))
            #expect(csv.text.contains("formula_official,PAAC%=(2/4)*100"))
        }
    }

    @Test func theSecretariasPagesShowBothCardsWithTheirControls() async throws {
        try await withService(adjust: Self.demo) { served in
            let admin = try await PagesTests.session(served, .admin)
            let meta = try await Self.page(served, admin, "/meta41?year=2024&series=2020-2024")
            try #require(meta.status == .ok, "\(meta.text.prefix(300))")
            for text in [
                "<a href=\"/meta41\">Meta 4.1</a>", "<a href=\"/acciones\">Acciones 2010-2012</a>",
                "<dd class=\"formula\">PAAC%=(NAAC/TAP)*100</dd>", "<dd class=\"formula\">PAAC%=(2/4)*100</dd>",
                "name=\"year\" type=\"number\" inputmode=\"numeric\" value=\"2024\"",
                "name=\"series\" value=\"2020-2024\"", "<td>PNC22-SENS</td>",
                "href=\"/meta41?year=2024&amp;series=2020-2024&amp;formato=csv\"",
            ] {
                #expect(meta.text.contains(text), "\(text)")
            }
            #expect(meta.text.contains(">N/A<") && meta.text.contains(">ND<"))
            // A bad value is said on the page, which shows this year's card.
            let bad = try await Self.page(served, admin, "/meta41?series=2024-2019")
            #expect(bad.status == .ok && bad.text.contains("class=\"aviso\""))
            let csv = try await Self.page(served, admin, "/meta41?year=2024&formato=csv")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.contains("formula_official,PAAC%=(2/4)*100"))

            let actions = try await Self.page(served, admin, "/acciones?baseline=2010&target=20&series=2010-2012")
            try #require(actions.status == .ok, "\(actions.text.prefix(300))")
            for text in [
                "Capacitaciones y formación en materia de trata de personas, 2010-2012", "«Aumentar en un 20%»",
                "2817 acciones", "3380.4 acciones o más en el año", "name=\"baseline\" type=\"number\"",
                "name=\"target\" value=\"20\"", "name=\"series\" value=\"2010-2012\"",
            ] {
                #expect(actions.text.contains(text), "\(text)")
            }
            let other = try await Self.page(served, admin, "/acciones?baseline=2024&target=12.5&series=2023-2024")
            #expect(other.text.contains("name=\"target\" value=\"12.5\"") && other.text.contains(">N/A<"))
            let refused = try await Self.page(served, admin, "/acciones?target=veinte")
            #expect(refused.status == .ok && refused.text.contains("class=\"aviso\""))
            #expect(refused.text.contains("name=\"target\" value=\"20\""))
            let workbook = try await Self.page(served, admin, "/acciones?formato=xlsx")
            #expect(workbook.status == .ok && Array(workbook.body.readableBytesView.prefix(2)) == [0x50, 0x4B])

            // National figures: the other roles open the same pages.
            for caller in [ServiceFixture.Caller.sict, .instructor] {
                let session = try await PagesTests.session(served, caller)
                #expect(try await Self.page(served, session, "/meta41?year=2024").status == .ok, "\(caller)")
                #expect(try await Self.page(served, session, "/acciones").status == .ok, "\(caller)")
            }
        }
    }
}

import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

/// Eventos, Fichas and the Secretaría Técnica's Inicio; every table's CSV and .xlsx download; and
/// no page an enlace can open showing another agency's people.
@Suite struct ReportPagesTests {
    static func get(_ served: Served, _ session: String, _ uri: String) async throws -> TestResponse {
        try await served.send(.get, uri, as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
    }

    @Test func eventsAndFichasPagesShowTheirTablesAndWhoHasNotAnswered() async throws {
        try await withService { served in
            let admin = try await PagesTests.session(served, .admin)
            let events = try await Self.get(served, admin, "/eventos?year=2024")
            #expect(events.status == .ok)
            #expect(events.text.contains("<th scope=\"col\">capacitación: eventos</th>"))
            #expect(events.text.contains("<td>SICT</td>"))
            let fichas = try await Self.get(served, admin, "/fichas?year=2024")
            #expect(fichas.status == .ok)
            // The fixture has SICT's ficha only: every other counted member agency is missing.
            let counted = try #require(
                try served.fixture.query("SELECT count(*) FROM agency WHERE counts_in_indicator", as: Int.self))
            #expect(fichas.text.contains("1 instancias contestaron la ficha de 2024; faltan \(counted - 1)."))
            let missing = try #require(
                fichas.text.components(separatedBy: "<ul class=\"faltan\">").last?
                    .components(separatedBy: "</ul>").first)
            #expect(missing.components(separatedBy: "<li>").count - 1 == counted - 1)
            #expect(!missing.contains("<li>SICT</li>"))
            // The dashboard: the card, the series chart, and the counts of the year.
            let home = try await PagesTests.home(served, admin, year: 2024)
            #expect(home.text.contains("<dt>Instancias contadas</dt><dd>\(counted)</dd>"))
            #expect(home.text.contains("<dt>Fichas contestadas</dt><dd>1 (faltan \(counted - 1))"))
            #expect(home.text.contains("class=\"serie\""))
        }
    }

    @Test func everyTableDownloadsAsCSVAndAsAWorkbook() async throws {
        try await withService { served in
            let admin = try await PagesTests.session(served, .admin)
            for page in [
                "/cobertura?year=2024", "/eventos?year=2024", "/fichas?year=2024", "/parametro?year=2024",
                "/grupos/\(ServiceFixture.sictGroup)",
            ] {
                let html = try await Self.get(served, admin, page)
                let joiner = page.contains("?") ? "&amp;" : "?"
                #expect(
                    html.text.contains(
                        "href=\"\(page.replacingOccurrences(of: "&", with: "&amp;"))\(joiner)formato=csv\""), "\(page)")
                let plain = page.contains("?") ? "&" : "?"
                let csv = try await Self.get(served, admin, page + plain + "formato=csv")
                #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8", "\(page)")
                #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment; filename=") == true)
                #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(page): BOM")
                let xlsx = try await Self.get(served, admin, page + plain + "formato=xlsx")
                #expect(xlsx.status == .ok, "\(page)")
                #expect(Array(xlsx.body.readableBytesView.prefix(2)) == [0x50, 0x4B], "\(page): a zip archive")
            }
            // The indicator's CSV holds the card and the readings side by side.
            let csv = try await Self.get(served, admin, "/parametro?year=2024&formato=csv")
            #expect(csv.text.contains("each-tier") && csv.text.contains("annual"))
        }
    }

    /// Every page SICT's enlace can open (downloads included): none names an INM person or shows
    /// their CURP, whole or masked.
    @Test func noPageOfAnEnlaceShowsAnotherAgencysPeople() async throws {
        try await withService { served in
            let rows = try Connection(served.fixture.ownerURL).query(
                "SELECT p.curp, p.given_names || ' ' || p.first_surname AS name FROM enrollment e JOIN person p USING (curp) WHERE e.agency_code = 'INM'"
            )
            // The name as pages print it (given names, then surnames): a surname alone is shared by
            // people of many agencies.
            let people = try rows.rows.map {
                (try $0.decode("curp", as: String.self), try $0.decode("name", as: String.self))
            }
            try #require(!people.isEmpty)
            let sict = try await PagesTests.session(served, .sict)
            let constancia = try #require(
                try served.fixture.query("SELECT code FROM constancia ORDER BY folio LIMIT 1", as: String.self))
            let pages = [
                "/?year=2024", "/?year=2024&formato=csv", "/parametro?year=2024", "/cobertura?year=2024",
                "/eventos?year=2024", "/fichas?year=2024", "/subir/inscripcion", "/subir/inscripcion/plantilla",
                "/grupos/\(ServiceFixture.sictGroup)", "/grupos/\(ServiceFixture.sictGroup)?formato=csv",
                "/grupos/\(ServiceFixture.inmGroup)", "/grupos/\(ServiceFixture.inmGroup)?formato=csv",
                "/verificar/\(constancia)",
            ]
            for page in pages {
                let response = try await Self.get(served, sict, page)
                #expect(response.status.code < 500, "\(page)")
                let text = response.text
                for (curp, name) in people {
                    #expect(!text.contains(curp) && !text.contains(String(curp.prefix(10))), "\(page)")
                    #expect(!text.contains(name), "\(page)")
                }
            }
            #expect(
                try await Self.get(served, sict, "/grupos/\(ServiceFixture.inmGroup)?formato=csv").status == .notFound)
        }
    }
}

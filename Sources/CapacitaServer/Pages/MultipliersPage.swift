import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// Multiplicadores: who passed the Formador course and taught groups in the year after it, as
/// `report multiplicadores` prints it. The Secretaría Técnica sees every agency's people, an enlace
/// its own agency's (`ReportLoader.multipliers`, and `multiplier_rows` in the database); an
/// instructor gets the page's 403 before this runs.
extension PagesController {
    func multipliers(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let year = (try? Query(request).year()) ?? nil ?? Query.currentYear
        let report = try await store.run(as: session.identity) {
            try ReportLoader(connection: $0).multipliers(period: .year(year))
        }
        guard let report else { return try notFound(session) }
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        // The page masks every CURP, as a group's page does; the download shows them as the API does.
        var shown = report
        shown.disclosure = .none
        let view = TablesView(
            action: "/multiplicadores", export: Self.exportLinks(request, path: "/multiplicadores"),
            lead: report.graduatesLine, tables: shown.sheets.map(Self.tableView))
        let form = yearForm(title: "Multiplicadores", year: year, options: CoverageOptions())
        return try page(.tablas, PageView(view, form, signedInHeader(session)), status: .ok)
    }
}

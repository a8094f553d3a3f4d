import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// Eventos: the Commission's table of events for a year (capacitación and sensibilización, with
/// general public and public servants), as `report events` prints it.
extension PagesController {
    func events(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let year = (try? Query(request).year()) ?? nil ?? Query.currentYear
        let report = try await store.run(as: session.identity) { try ReportLoader(connection: $0).events(year: year) }
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        let view = TablesView(
            action: "/eventos", export: Self.exportLinks(request, path: "/eventos"),
            tables: report.sheets.map(Self.tableView))
        let form = yearForm(title: "Eventos", year: year, options: CoverageOptions())
        return try page(.tablas, PageView(view, form, signedInHeader(session)), status: .ok)
    }

    /// Fichas: the national summary of the year's fichas diagnósticas, and who has not answered.
    func fichas(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let year = (try? Query(request).year()) ?? nil ?? Query.currentYear
        let report = try await store.run(as: session.identity) {
            try ReportLoader(connection: $0).fichaSummary(year: year)
        }
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        let summary = report.summary
        let view = TablesView(
            action: "/fichas", export: Self.exportLinks(request, path: "/fichas"),
            lead:
                "\(summary.answered.count) instancias contestaron la ficha de \(year); faltan \(summary.missing.count).",
            missing: summary.missing.isEmpty ? nil : summary.missing, hasMissing: summary.missing.isEmpty ? nil : true,
            tables: report.sheets.map(Self.tableView))
        let form = yearForm(title: "Fichas diagnósticas", year: year, options: CoverageOptions())
        return try page(.tablas, PageView(view, form, signedInHeader(session)), status: .ok)
    }

    /// Eventos (one table) and Fichas (a lead, who is missing, two tables) share the `tablas` template.
    struct TablesView: Sendable {
        var action: String
        var export: ExportLinks
        var lead: String?
        var missing: [String]?
        var hasMissing: Bool?
        var tables: [TableView]?
    }
}

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
        let table = try await store.run(as: session.identity) { connection in
            EventsReport.table(
                EventsTable.build(
                    agencies: try AgencyStore(connection: connection).agencies(),
                    groups: try CoverageStore(connection: connection).eventGroups(year: year)))
        }
        if let format = Self.exportFormat(request) {
            return try Self.download(WorkbookDocument(table, sheet: "Eventos \(year)"), name: "eventos-\(year)", format)
        }
        let view = TablesView(
            action: "/eventos", export: Self.exportLinks(request, path: "/eventos"),
            table: Self.tableView(
                table,
                caption: "Eventos de capacitación y de sensibilización por instancia, \(year), con sus asistentes"))
        let form = yearForm(title: "Eventos", year: year, options: CoverageOptions())
        return try page(.tablas, PageView(view, form, signedInHeader(session)), status: .ok)
    }

    /// Fichas: the national summary of the year's fichas diagnósticas, and who has not answered.
    func fichas(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let year = (try? Query(request).year()) ?? nil ?? Query.currentYear
        let summary = try await store.run(as: session.identity) { connection in
            FichaSummary.of(
                year: year, fichas: try FichaStore(connection: connection).current(year: year),
                agencies: try AgencyStore(connection: connection).agencies())
        }
        if let format = Self.exportFormat(request) {
            return try Self.download(FichaWorkbook.summary(summary, year: year), name: "fichas-\(year)", format)
        }
        let view = TablesView(
            action: "/fichas", export: Self.exportLinks(request, path: "/fichas"),
            lead:
                "\(summary.answered.count) instancias contestaron la ficha de \(year); faltan \(summary.missing.count).",
            missing: summary.missing.isEmpty ? nil : summary.missing, hasMissing: summary.missing.isEmpty ? nil : true,
            tables: [
                Self.tableView(
                    FichaSummaryTable.table(summary),
                    caption:
                        "Resumen nacional: personas por orden de gobierno, sexo, edad, escolaridad, área y necesidad"),
                Self.tableView(FichaSummaryTable.answers(summary), caption: "Quién contestó y quién no"),
            ])
        let form = yearForm(title: "Fichas diagnósticas", year: year, options: CoverageOptions())
        return try page(.tablas, PageView(view, form, signedInHeader(session)), status: .ok)
    }

    /// Eventos (one table) and Fichas (a lead, who is missing, two tables) share the `tablas` template.
    struct TablesView: Sendable {
        var action: String
        var export: ExportLinks
        var table: TableView?
        var lead: String?
        var missing: [String]?
        var hasMissing: Bool?
        var tables: [TableView]?
    }
}

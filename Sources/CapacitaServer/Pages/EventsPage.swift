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
        var values = yearPage(session, title: "Eventos", year: year, options: CoverageOptions())
        values["action"] = "/eventos"
        values["table"] = Self.tableView(
            table, caption: "Eventos de capacitación y de sensibilización por instancia, \(year), con sus asistentes")
        values["export"] = Self.exportLinks(request, path: "/eventos")
        return try page("tablas", values, status: .ok)
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
        var values = yearPage(session, title: "Fichas diagnósticas", year: year, options: CoverageOptions())
        values["action"] = "/fichas"
        values["lead"] =
            "\(summary.answered.count) instancias contestaron la ficha de \(year); faltan \(summary.missing.count)."
        if !summary.missing.isEmpty {
            values["missing"] = summary.missing
            values["hasMissing"] = true
        }
        values["tables"] = [
            Self.tableView(
                FichaSummaryTable.table(summary),
                caption: "Resumen nacional: personas por orden de gobierno, sexo, edad, escolaridad, área y necesidad"),
            Self.tableView(FichaSummaryTable.answers(summary), caption: "Quién contestó y quién no"),
        ]
        values["export"] = Self.exportLinks(request, path: "/fichas")
        return try page("tablas", values, status: .ok)
    }
}

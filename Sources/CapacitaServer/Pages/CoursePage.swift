import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// Curso: a course's results in a year or a part of it (its groups that ended then), together and
/// per agency, as `report course` prints them, with the Eventos page's period and breakdown
/// controls. Each role reads the roster it may see, so an enlace's tables count its own people.
extension PagesController {
    /// `/cursos/{code}?year=` with `periodo=` (T1…T4, S1, S2; the whole year when empty) and `by=`.
    /// What the page cannot read falls back to the whole year without breakdowns; a course that
    /// is not in the catalog is the «no encontrado» page.
    func course(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws -> Response {
        let query = Query(request)
        let year = (try? query.year()) ?? nil ?? Query.currentYear
        let asked = (try? query.string("periodo", maxLength: 4)).flatMap { $0 }?.uppercased()
        let period =
            asked.flatMap { try? ReportPeriod.parse("\(year)-\($0)", currentYear: Query.currentYear).get() }
            ?? .year(year)
        let chosen = Set((try? query.breakdowns()) ?? [])
        let code = (try? context.parameters.require("code"))?.uppercased() ?? ""
        let report: CourseReport? =
            CellText.textProblem(code, limit: 40) != nil
            ? nil
            : try await store.run(as: session.identity) { connection in
                guard try CatalogStore(connection: connection).course(code: code) != nil else { return nil }
                return try ReportLoader(connection: connection).course(
                    code: code, period: period, by: Breakdown.allCases.filter(chosen.contains))
            }
        guard let report else {
            return try message(
                session, title: "Curso no encontrado", "No hay un curso con ese código en el catálogo.",
                status: .notFound)
        }
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        let part = period.isWholeYear ? "" : String(period.label.suffix(2))
        var periods = [TablesView.Choice(value: "", text: "Todo el año", selected: part.isEmpty)]
        for (value, text) in Self.parts {
            periods.append(TablesView.Choice(value: value, text: text, selected: value == part))
        }
        let breakdowns = Breakdown.allCases.map {
            TablesView.Choice(value: $0.rawValue, text: $0.title, selected: chosen.contains($0))
        }
        let days = period.isWholeYear ? "en \(year)" : "en el \(period.description)"
        let view = TablesView(
            action: "/cursos/\(report.course)", export: Self.exportLinks(request, path: "/cursos/\(report.course)"),
            lead: "Grupos del curso que terminaron \(days): \(Plural.count(report.groups, "grupo", "grupos")).",
            periodControls: TablesView.PeriodControls(periods: periods, breakdowns: breakdowns),
            tables: report.sheets.map(Self.tableView))
        let form = yearForm(title: "Curso \(report.course)", year: year, options: CoverageOptions())
        return try page(.tablas, PageView(view, form, signedInHeader(session)), status: .ok)
    }
}

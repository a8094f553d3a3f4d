import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// Eventos: the Commission's table of events for a year (capacitación and sensibilización, with
/// general public and public servants), as `report events` prints it.
extension PagesController {
    /// `?year=` with `periodo=` (T1…T4, S1, S2; the whole year when empty) and `by=` (one or
    /// several breakdowns, each a table more), the same report `report events --period … --by …`
    /// prints. What the page cannot read falls back to the whole year without breakdowns.
    func events(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let query = Query(request)
        let year = (try? query.year()) ?? nil ?? Query.currentYear
        let asked = (try? query.string("periodo", maxLength: 4)).flatMap { $0 }?.uppercased()
        let period =
            asked.flatMap { try? ReportPeriod.parse("\(year)-\($0)", currentYear: Query.currentYear).get() }
            ?? .year(year)
        let chosen = Set((try? query.breakdowns()) ?? [])
        let report = try await store.run(as: session.identity) {
            try ReportLoader(connection: $0).events(period: period, by: Breakdown.allCases.filter(chosen.contains))
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
            action: "/eventos", export: Self.exportLinks(request, path: "/eventos"),
            lead: "Eventos que iniciaron \(days).",
            periodControls: TablesView.PeriodControls(periods: periods, breakdowns: breakdowns),
            tables: report.sheets.map(Self.tableView))
        let form = yearForm(title: "Eventos", year: year, options: CoverageOptions())
        return try page(.tablas, PageView(view, form, signedInHeader(session)), status: .ok)
    }

    static let parts: KeyValuePairs<String, String> = [
        "T1": "Primer trimestre", "T2": "Segundo trimestre", "T3": "Tercer trimestre", "T4": "Cuarto trimestre",
        "S1": "Primer semestre", "S2": "Segundo semestre",
    ]

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
        /// The events page's period and breakdowns; none on Fichas.
        var periodControls: PeriodControls?
        var tables: [TableView]?

        struct PeriodControls: Sendable {
            var periods: [Choice]
            var breakdowns: [Choice]
        }

        struct Choice: Sendable {
            var value: String
            var text: String
            var selected: Bool
        }
    }
}

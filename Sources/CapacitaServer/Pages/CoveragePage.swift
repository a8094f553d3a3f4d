import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// Cobertura por instancia: a row per counted member agency.
extension PagesController {
    /// How the coverage table may be sorted: by name, or by a tier's percentage (ND last).
    enum CoverageOrder: String, CaseIterable {
        case nombre, alto, medio, operativo

        var label: String {
            switch self {
            case .nombre: return "nombre"
            case .alto: return "mando alto (menor primero)"
            case .medio: return "mando medio (menor primero)"
            case .operativo: return "operativo (menor primero)"
            }
        }
    }

    /// One row per counted member agency, a bar per tier against the threshold line, ND marked;
    /// sorted on the server (no JavaScript needed).
    func coverage(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let query = Query(request)
        let year = (try? query.year()) ?? nil ?? Query.currentYear
        let order = (try? query.string("orden", maxLength: 20)).flatMap { $0.flatMap(CoverageOrder.init) } ?? .nombre
        let options = CoverageOptions()
        // `by=` (one or several), each a table more of the rows shown; what it cannot read, none.
        let chosen = Set((try? query.breakdowns()) ?? [])
        let by = Breakdown.allCases.filter(chosen.contains)
        var report = try await store.run(as: session.identity) {
            try ReportLoader(connection: $0).coverage(year: year, options: options, by: by)
        }
        var rows = report.agencies.filter(\.agency.countsInIndicator)
        if let tier = Tier(rawValue: order.rawValue) {
            // Lowest first, so who needs help leads; ND (no headcount) after every number.
            rows.sort { a, b in
                switch (a.tiers?[tier]?.percent, b.tiers?[tier]?.percent) {
                case (let x?, let y?): return x == y ? a.agency.name < b.agency.name : x < y
                case (nil, nil): return a.agency.name < b.agency.name
                case (nil, _): return false
                case (_, nil): return true
                }
            }
        } else {
            rows.sort { $0.agency.name < $1.agency.name }
        }
        report.agencies = rows
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        let view = CoverageView(
            export: Self.exportLinks(request, path: "/cobertura"),
            threshold: Exact.shortText(options.threshold, places: 2),
            orders: CoverageOrder.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0 == order) },
            rows: rows.map { agency in
                CoverageView.Row(
                    name: agency.agency.name, code: agency.agency.code,
                    meets: agency.nd ? "ND (no cumple)" : agency.meets ? "sí" : "no",
                    tiers: Tier.allCases.map { tier in
                        let t = agency.tiers?[tier]
                        let text =
                            t.map {
                                "\(agency.trained[tier] ?? 0) de \($0.headcount)"
                                    + ($0.missing > 0 ? ", faltan \($0.missing)" : "")
                            }
                            ?? "ND"
                        return CoverageView.TierCell(
                            bar: TierBar.svg(percent: t?.percent, threshold: options.threshold, tier: tier), text: text)
                    })
            },
            breakdowns: Breakdown.allCases.map {
                TablesView.Choice(value: $0.rawValue, text: $0.title, selected: chosen.contains($0))
            },
            tables: report.breakdowns.map { Self.tableView(BreakdownSheets.sheet($0)) })
        let form = yearForm(title: "Cobertura por instancia", year: year, options: options)
        return try page(.cobertura, PageView(view, form, signedInHeader(session)), status: .ok)
    }

    struct CoverageView: Sendable {
        struct TierCell: Sendable {
            var bar: String
            var text: String
        }

        struct Row: Sendable {
            var name: String
            var code: String
            var meets: String
            var tiers: [TierCell]
        }

        var export: ExportLinks
        var threshold: String
        var orders: [ChoiceView]
        var rows: [Row]
        /// The breakdowns' checkboxes, and a table per breakdown asked for (of the rows shown).
        var breakdowns: [TablesView.Choice] = []
        var tables: [TableView] = []
    }
}

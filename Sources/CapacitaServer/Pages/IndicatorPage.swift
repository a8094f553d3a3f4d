import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// Parámetro 4.2: the card, the options, the series and the sensitivity table.
extension PagesController {
    /// The card as the official report prints it, the options in use (a form), the series against
    /// the goal, and NII under every reading of the ambiguous text side by side.
    func indicator(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let query = Query(request)
        var problem: String?
        var options = CoverageOptions()
        var year = Query.currentYear
        // A bad value is said on the page, which then shows the default reading.
        switch Result(catching: { () throws(APIError) -> (CoverageOptions, Int?) in
            (try ReportsController.options(query), try query.year())
        }) {
        case .success(let (read, asked)):
            options = read
            year = asked ?? year
        case .failure(let error):
            problem = "\(error.message); se muestra la lectura predeterminada."
        }
        let first = max(ReportYears.first, year - 3)
        let (chosen, shown) = (options, year)
        let overview = try await store.run(as: session.identity) {
            try ReportLoader(connection: $0).indicatorOverview(year: shown, firstYear: first, options: chosen)
        }
        if let format = Self.exportFormat(request) { return try Self.download(overview, format) }
        let (series, card) = (overview.series, overview.card)
        let percent = Self.percentLabel
        let goal = IndicatorGoal.goal(for: year)
        let view = IndicatorView(
            problem: problem, export: Self.exportLinks(request, path: "/parametro"), name: IndicatorText.title,
            year: year, nii: card.nii, tii: card.tii, percent: percent(card), formula: card.formula,
            officialFormula: card.officialFormula, preliminary: card.mark == .preliminary,
            goal: goal.map { Exact.shortText($0.percent, places: 2) }, goalYear: goal?.year,
            withoutData: card.withoutData.isEmpty ? nil : card.withoutData.joined(separator: ", "),
            options: OptionsText.line(year, options), firstYear: ReportYears.first,
            lastYear: ReportYears.range(currentYear: Query.currentYear).upperBound,
            threshold: Exact.shortText(options.threshold, places: 4),
            levels: options.levels.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "",
            rules: CoverageOptions.Rule.allCases.map {
                .init(value: $0.rawValue, label: Labels.value($0.rawValue), selected: $0 == options.rule)
            },
            windows: CoverageOptions.Window.allCases.map {
                .init(value: $0.rawValue, label: Labels.value($0.rawValue), selected: $0 == options.window)
            },
            courses: CoverageOptions.Courses.allCases.map {
                .init(
                    value: $0.rawValue, label: Labels.value("courses_" + $0.rawValue), selected: $0 == options.courses)
            },
            seriesFrom: first, chart: SeriesChart.svg(series, goal: goal),
            series: series.map { .init(year: $0.year, nii: $0.nii, tii: $0.tii, percent: percent($0)) },
            sensitivity: overview.readings.map { reading in
                let (value, reading) = (reading.indicator, reading.options)
                return IndicatorView.Reading(
                    courses: Labels.value("courses_" + reading.courses.rawValue),
                    threshold: Exact.shortText(reading.threshold, places: 2), rule: Labels.value(reading.rule.rawValue),
                    window: Labels.value(reading.window.rawValue), nii: value.nii, tii: value.tii,
                    percent: percent(value),
                    current: reading.threshold == options.threshold && reading.rule == options.rule
                        && reading.window == options.window && reading.courses == options.courses)
            })
        return try page(.parametro, PageView(view, signedInHeader(session)), status: .ok)
    }

    /// The percent on a page: `53.85 %`, with the official marks (`53.85 % p/`, `ND`, `N/A`).
    static func percentLabel(_ indicator: Indicator) -> String {
        switch (indicator.percent, indicator.mark) {
        case (_, .notApplicable): return IndicatorMark.notApplicable.rawValue
        case (nil, _): return IndicatorMark.noData.rawValue
        case (let value?, let mark):
            return Rounded.percent(value).description + " %" + (mark == .preliminary ? " p/" : "")
        }
    }

    struct IndicatorView: Sendable {
        struct SeriesLine: Sendable {
            var year: Int
            var nii: Int
            var tii: Int
            var percent: String
        }

        struct Reading: Sendable {
            var courses: String
            var threshold: String
            var rule: String
            var window: String
            var nii: Int
            var tii: Int
            var percent: String
            var current: Bool
        }

        var title = "Parámetro 4.2"
        var problem: String?
        var export: ExportLinks
        var name: String
        var year: Int
        var nii: Int
        var tii: Int
        var percent: String
        var formula: String
        var officialFormula: String
        var preliminary: Bool
        var goal: String?
        var goalYear: Int?
        var withoutData: String?
        var options: String
        var firstYear: Int
        var lastYear: Int
        var threshold: String
        var levels: String
        var rules: [ChoiceView]
        var windows: [ChoiceView]
        var courses: [ChoiceView]
        var seriesFrom: Int
        var chart: String
        var series: [SeriesLine]
        var sensitivity: [Reading]
    }
}

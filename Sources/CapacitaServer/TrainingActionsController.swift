import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// `GET /v1/reports/actions`: the 2010-2012 programme's indicator, as `report actions` prints it.
/// National counts only, open to every role.
struct TrainingActionsController {
    let store: SharedStore
    /// The published counts (db/seed/acciones-capacitacion.csv), read once at start.
    let published: PublishedActions

    func add(to routes: RouteTable) {
        routes.get("/v1/reports/actions", roles: .everyone) { request, context, identity in
            let (baseline, target, series) = try Self.options(Query(request))
            let published = published
            let report = try await store.run(as: identity) {
                try ReportLoader(connection: $0).trainingActions(
                    baselineYear: baseline, target: target, series: series, published: published)
            }
            return try Responses.report(report, request)
        }
    }

    /// `baseline=`, `target=` and `series=`, each with the programme's default when absent.
    static func options(_ query: Query) throws(APIError) -> (baseline: Int, target: Decimal, series: ClosedRange<Int>) {
        let baseline = try query.year("baseline") ?? TrainingActionsIndicator.defaultBaselineYear
        var target = TrainingActionsIndicator.defaultTarget
        if let text = try query.string("target", maxLength: 20) {
            switch TrainingActionsIndicator.target(text) {
            case .success(let value): target = value
            case .failure(let problem): throw .badParameter("target", problem.description)
            }
        }
        var series = TrainingActionsIndicator.defaultSeries
        if let text = try query.string("series", maxLength: 20) {
            switch ReportYears.series(text, currentYear: Query.currentYear) {
            case .success(let range): series = range
            case .failure(let problem): throw .badParameter("series", problem.description)
            }
        }
        return (baseline, target, series)
    }
}

extension ServerConfiguration {
    /// The published counts of training actions: in the seed folder, beside the tier table.
    var publishedActionsFile: String {
        URL(fileURLWithPath: tiersFile).deletingLastPathComponent()
            .appendingPathComponent(URL(fileURLWithPath: PublishedActions.seedFile).lastPathComponent).path
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// `GET /v1/reports/meta41?year=&series=`: Meta 4.1's card, as `report meta41` prints it. The same
/// roles as the other programme indicator (`GET /v1/reports/actions`): every role, since it is
/// made of the catalog every role reads and of published figures, never of people.
struct Meta41Controller {
    let store: SharedStore
    /// The programmed actions (db/seed/acciones-programadas.csv), read once at start.
    let programmed: ProgrammedActions

    func add(to routes: RouteTable) {
        routes.get("/v1/reports/meta41", roles: .everyone) { request, _, identity in
            let (year, series) = try Self.options(Query(request))
            let programmed = programmed
            let report = try await store.run(as: identity) {
                try ReportLoader(connection: $0).meta41(year: year, series: series, programmed: programmed)
            }
            return try Responses.report(report, request)
        }
    }

    /// `year=` (the card's; the last of `series=`, or this year, when absent) and `series=` (from
    /// the goal's first year to the card's, when absent): the API's and the page's one reading.
    static func options(_ query: Query) throws(APIError) -> (year: Int, series: ClosedRange<Int>) {
        var series: ClosedRange<Int>?
        if let text = try query.string("series", maxLength: 20) {
            switch ReportYears.series(text, currentYear: Query.currentYear) {
            case .success(let range): series = range
            case .failure(let problem): throw .badParameter("series", problem.description)
            }
        }
        let year = try query.year() ?? series?.upperBound ?? Query.currentYear
        return (year, series ?? Meta41Report.defaultSeries(year: year))
    }
}

/// The figures the programme indicators' cards take from the seed folder, read once at start:
/// the 2010-2012 programme's published training actions and Meta 4.1's programmed actions.
struct ProgrammeFigures: Sendable {
    var published: PublishedActions
    var programmed: ProgrammedActions
}

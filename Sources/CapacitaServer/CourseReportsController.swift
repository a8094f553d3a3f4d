import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// `GET /v1/reports/courses/{code}?year=|period=|from=&to=&by=`: a course's results in a year or
/// a period (its groups that ended in it), split each way of `by`, as `report course` prints
/// them (JSON, CSV, .xlsx). Every role; each reads the roster row-level security lets it see (an
/// enlace its own agency's people, an instructor its groups'), so the breakdowns count those only.
/// Never cached: the answer depends on who asks.
struct CourseReportsController {
    let store: SharedStore

    func add(to routes: RouteTable) {
        routes.get("/v1/reports/courses/:code", roles: .everyone) { request, context, identity in
            let code = try context.parameters.require("code").uppercased()
            // No catalog code is longer or holds a control character: such a path names no course.
            guard CellText.textProblem(code, limit: 40) == nil else { throw APIError.notFound("el curso") }
            let query = Query(request)
            let period = try query.period()
            let by = try query.breakdowns()
            let report = try await store.run(as: identity) { connection -> CourseReport? in
                guard try CatalogStore(connection: connection).course(code: code) != nil else { return nil }
                return try ReportLoader(connection: connection).course(code: code, period: period, by: by)
            }
            guard let report else { throw APIError.notFound("el curso") }
            return try Responses.report(report, request)
        }
    }
}

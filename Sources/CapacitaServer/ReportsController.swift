import Capacita
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation
import Hummingbird
import Postgres

/// Coverage, Parámetro 4.2, events and a group's report: JSON as `report … --format json` prints
/// it, CSV with `Accept: text/csv`, a workbook with the .xlsx type (written afresh, not cached:
/// it is a download, not a dashboard's poll). National figures are aggregates, open to every role.
struct ReportsController {
    let store: SharedStore
    let cache: ReportCache

    func add(to routes: RouteTable) {
        routes.get("/v1/reports/coverage", roles: .everyone) { request, context, identity in
            let query = Query(request)
            let year = try query.requiredYear()
            let options = try Self.options(query)
            let by = try query.breakdowns()
            let agency = try await store.agencyCode(try query.string("agency"), parameter: "agency", as: identity)
            return try await respond(
                request, context, as: identity,
                key:
                    "coverage \(year) \(agency ?? "*") \(Self.key(options)) \(by.map(\.rawValue).joined(separator: ","))"
            ) {
                try ReportLoader(connection: $0).coverage(year: year, options: options, agency: agency, by: by)
            }
        }
        routes.get("/v1/reports/indicator", roles: .everyone) { request, context, identity in
            let query = Query(request)
            let options = try Self.options(query)
            if let text = try query.string("series", maxLength: 20) {
                let series: ClosedRange<Int>
                switch ReportYears.series(text, currentYear: Query.currentYear) {
                case .success(let range): series = range
                case .failure(let problem): throw APIError.badParameter("series", problem.description)
                }
                return try await respond(
                    request, context, as: identity,
                    key: "indicator \(series.lowerBound)-\(series.upperBound) \(Self.key(options))"
                ) {
                    try ReportLoader(connection: $0).indicatorSeries(years: series, options: options)
                }
            }
            let year = try query.requiredYear()
            return try await respond(request, context, as: identity, key: "indicator \(year) \(Self.key(options))") {
                try ReportLoader(connection: $0).indicator(year: year, options: options)
            }
        }
        routes.get("/v1/reports/events", roles: .everyone) { request, context, identity in
            let query = Query(request)
            let period = try query.period()
            let by = try query.breakdowns()
            return try await respond(request, context, as: identity, key: nil) {
                try ReportLoader(connection: $0).events(period: period, by: by)
            }
        }
        routes.get("/v1/reports/groups/:code", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let by = try Query(request).breakdowns()
            return try await respond(request, context, as: identity, key: nil) {
                guard let report = try ReportLoader(connection: $0).group(code: code, by: by) else {
                    throw APIError.notFound("el grupo")
                }
                return report
            }
        }
    }

    /// A report loaded for the caller and rendered as the request asks. With a `key`, its JSON or
    /// CSV body is kept while the database's report version stands (`cached`); a workbook is a
    /// download, not a dashboard's poll, and is written afresh.
    func respond<R: Report>(
        _ request: Request, _ context: APIContext, as identity: Identity, key: String?,
        load: @escaping @Sendable (Connection) throws -> R
    ) async throws -> Response {
        let format = Responses.reportFormat(request)
        guard let key, format != .xlsx else {
            let report = try await store.run(as: identity, load)
            return try Responses.report(report, request)
        }
        let body = try await cached("\(key) \(format.rawValue)", context, as: identity) { connection in
            switch try load(connection).rendered(format) {
            case .text(let text): return text
            case .workbook: return ""
            }
        }
        return Responses.text(body, format)
    }

    /// A report body from the cache while the database's report version stands; computed
    /// otherwise, and kept when the version was read settled (db/migrations/0013 says why). The
    /// version is read first, so a body is never older than its version; it is one statement on a
    /// connection acting for no one (it names no data); only a miss computes, acting for the caller.
    func cached(
        _ key: String, _ context: APIContext, as identity: Identity,
        compute: @escaping @Sendable (Connection) throws -> String
    ) async throws -> String {
        let read: TokenStore.ReportVersion
        if let known = context.reportVersion {
            read = known
        } else {
            read = try await store.run(as: nil) { try TokenStore.ReportVersion.current($0) }
        }
        let version = String(read.version)
        let settled = read.settled
        if let body = cache.body(key, at: version) { return body }
        let body = try await store.run(as: identity, compute)
        if settled { cache.store(key, at: version, body) }
        return body
    }

    /// The options as a cache key: every reading spelled out, levels sorted.
    static func key(_ options: CoverageOptions) -> String {
        "\(options.threshold) \(options.rule.rawValue) \(options.window.rawValue) \(options.courses.rawValue) "
            + (options.levels.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*")
    }

    /// threshold, rule, window and levels (or only those named), as the command line's flags read them.
    static func options(_ query: Query, only: Set<String>? = nil) throws(APIError) -> CoverageOptions {
        func value(_ name: String, _ length: Int) throws(APIError) -> String? {
            guard only?.contains(name) ?? true else { return nil }
            return try query.string(name, maxLength: length)
        }
        let parsed = CoverageOptions.parse(
            threshold: try value("threshold", 20), rule: try value("rule", 20), window: try value("window", 20),
            levels: try value("levels", 200), courses: try value("courses", 20))
        switch parsed {
        case .success(let options): return options
        case .failure(let problem): throw .badParameter(problem.option, problem.message)
        }
    }
}

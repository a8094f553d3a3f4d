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
            let agency = try await store.agencyCode(try query.string("agency"), parameter: "agency", as: identity)
            if Responses.wantsXLSX(request) {
                let data = try await store.run(as: identity) { connection in
                    try DocumentWriter.data(
                        WorkbookDocument(
                            CoverageTable.table(
                                try CoverageStore(connection: connection).coverage(
                                    year: year, options: options, agency: agency)),
                            sheet: "Cobertura \(year)"))
                }
                return Responses.workbook(data, name: "cobertura-\(year)" + (agency.map { "-\($0)" } ?? ""))
            }
            let wantsCSV = Responses.wantsCSV(request)
            let key = "coverage \(year) \(agency ?? "*") \(Self.key(options)) \(wantsCSV ? "csv" : "json")"
            let body = try await cached(key, context, as: identity) { connection in
                let coverage = try CoverageStore(connection: connection).coverage(
                    year: year, options: options, agency: agency)
                return wantsCSV
                    ? CoverageTable.table(coverage).render(.csv)
                    : JSONOutput.string(
                        CoverageJSON(year: year, options: options, agencies: coverage.map(AgencyCoverageJSON.init)))
            }
            return wantsCSV ? Responses.csv(body) : Responses.json(body)
        }
        routes.get("/v1/reports/indicator", roles: .everyone) { request, context, identity in
            let query = Query(request)
            let options = try Self.options(query)
            let format: OutputFormat = Responses.wantsCSV(request) ? .csv : .json
            let series: ClosedRange<Int>?
            if let text = try query.string("series", maxLength: 20) {
                switch ReportYears.series(text, currentYear: Query.currentYear) {
                case .success(let range): series = range
                case .failure(let problem): throw APIError.badParameter("series", problem.description)
                }
            } else {
                series = nil
            }
            let year = series == nil ? try query.requiredYear() : nil
            let years = series.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "\(year!)"
            if Responses.wantsXLSX(request) {
                let data = try await store.run(as: identity) { connection in
                    let reports = CoverageStore(connection: connection)
                    if let series {
                        let values = try series.map { try reports.indicator(year: $0, options: options) }
                        return try DocumentWriter.data(IndicatorText.workbook(values, years: series, options: options))
                    }
                    return try DocumentWriter.data(
                        IndicatorText.workbook(try reports.indicator(year: year!, options: options), options: options))
                }
                return Responses.workbook(data, name: "parametro-4.2-\(years)")
            }
            let key = "indicator \(years) \(Self.key(options)) \(format.rawValue)"
            let body = try await cached(key, context, as: identity) { connection in
                try Self.indicator(year: year, series: series, options: options, format: format, connection)
            }
            return format == .csv ? Responses.csv(body) : Responses.json(body)
        }
        routes.get("/v1/reports/events", roles: .everyone) { request, context, identity in
            let year = try Query(request).requiredYear()
            let wantsCSV = Responses.wantsCSV(request)
            let wantsXLSX = Responses.wantsXLSX(request)
            let body = try await store.run(as: identity) { connection -> Data in
                let table = EventsTable.build(
                    agencies: try AgencyStore(connection: connection).agencies(),
                    groups: try CoverageStore(connection: connection).eventGroups(year: year))
                if wantsXLSX {
                    return try DocumentWriter.data(
                        WorkbookDocument(EventsReport.table(table), sheet: "Eventos \(year)"))
                }
                return Data(
                    (wantsCSV
                        ? EventsReport.table(table).render(.csv)
                        : JSONOutput.string(EventsReport.json(year: year, table))).utf8)
            }
            if wantsXLSX { return Responses.workbook(body, name: "eventos-\(year)") }
            let text = String(decoding: body, as: UTF8.self)
            return wantsCSV ? Responses.csv(text) : Responses.json(text)
        }
        routes.get("/v1/reports/groups/:code", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let wantsCSV = Responses.wantsCSV(request)
            if Responses.wantsXLSX(request) {
                let data = try await store.run(as: identity) { connection -> Data in
                    let listing = try GroupScope.listing(code, connection: connection)
                    let roster = try EnrollmentStore(connection: connection).roster(group: code)
                    let table = RosterTable.table(roster) { GroupScope.revealsCURP(identity, agency: $0.agencyCode) }
                    return try DocumentWriter.data(
                        GroupWorkbook.document(
                            code: listing.group.code, roster: table,
                            statistics: ResultStatistics.of(roster.map(\.result))))
                }
                return Responses.workbook(data, name: "grupo-\(code)")
            }
            let body = try await store.run(as: identity) { connection -> String in
                let listing = try GroupScope.listing(code, connection: connection)
                let roster = try EnrollmentStore(connection: connection).roster(group: code)
                let reveal = { (entry: EnrollmentStore.RosterEntry) in
                    GroupScope.revealsCURP(identity, agency: entry.agencyCode)
                }
                if wantsCSV { return RosterTable.table(roster, revealCURP: reveal).render(.csv) }
                return JSONOutput.string(
                    GroupReportJSON(
                        group: listing.group.code, course: listing.group.courseCode,
                        roster: roster.map { RosterJSON($0, revealCURP: reveal($0)) },
                        statistics: ResultStatistics.of(roster.map(\.result))))
            }
            return wantsCSV ? Responses.csv(body) : Responses.json(body)
        }
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

    static func indicator(
        year: Int?, series: ClosedRange<Int>?, options: CoverageOptions, format: OutputFormat, _ connection: Connection
    ) throws -> String {
        let store = CoverageStore(connection: connection)
        if let series {
            let values = try series.map { try store.indicator(year: $0, options: options) }
            return IndicatorText.series(values, years: series, options: options, format: format)
        }
        return IndicatorText.single(
            try store.indicator(year: year!, options: options), options: options, format: format)
    }

    /// The options as a cache key: every reading spelled out, levels sorted.
    static func key(_ options: CoverageOptions) -> String {
        "\(options.threshold) \(options.rule.rawValue) \(options.window.rawValue) "
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
            levels: try value("levels", 200))
        switch parsed {
        case .success(let options): return options
        case .failure(let problem): throw .badParameter(problem.option, problem.message)
        }
    }
}

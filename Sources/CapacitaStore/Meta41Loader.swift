import Capacita
import Foundation
import Postgres

extension ReportLoader {
    /// Meta 4.1 for `year` and each year of `series`: NAAC from the catalog's history (the courses
    /// every identified caller reads), TAP from `programmed`.
    public func meta41(year: Int, series: ClosedRange<Int>, programmed: ProgrammedActions) throws -> Meta41Report {
        let courses = try CatalogStore(connection: connection).courses()
        // An empty catalog is no data (ND), not zero actions.
        let actions = courses.isEmpty ? nil : Meta41Action.all(in: courses)
        func value(_ year: Int) -> Meta41Year {
            Meta41Year.compute(year: year, catalog: actions, programmed: programmed, currentYear: currentYear)
        }
        return Meta41Report(card: value(year), series: series, years: series.map(value))
    }
}

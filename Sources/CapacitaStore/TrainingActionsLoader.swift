import Capacita
import Foundation
import Postgres

extension ReportLoader {
    /// The 2010-2012 programme's indicator over `series` against `baselineYear`: each year's
    /// training actions from the groups recorded (every group that started in the year, of either
    /// kind: the events report's TOTAL of events), or from `published` for a year without any.
    public func trainingActions(
        baselineYear: Int, target: Decimal, series: ClosedRange<Int>, published: PublishedActions
    ) throws -> TrainingActionsReport {
        let first = min(series.lowerBound, baselineYear)
        let last = max(series.upperBound, baselineYear)
        // Groups are every identified caller's calendar (row-level security reads them all), so
        // a plain count is the national one whoever asks.
        let rows = try connection.query(
            """
            SELECT extract(year FROM starts_on)::int AS year, count(*)::int AS actions
            FROM training_group
            WHERE starts_on >= make_date($1, 1, 1) AND starts_on < make_date($2 + 1, 1, 1)
            GROUP BY 1
            """, [first, last])
        var recorded: [Int: Int] = [:]
        for row in rows.rows { recorded[try row.decode("year")] = try row.decode("actions") }
        return TrainingActionsReport(
            series: series,
            card: TrainingActionsCard.compute(
                baselineYear: baselineYear, target: target, years: series, recorded: recorded, published: published,
                currentYear: currentYear))
    }
}

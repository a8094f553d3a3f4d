import Foundation

/// Parámetro 4.2's published goals and the readings its text leaves open, as data with their
/// source, for the pages that draw the goal line and the sensitivity table.
public enum IndicatorGoal {
    /// The goal per year as the official card states it: 2024 = 50 % (the report "Avance y
    /// Resultados Enero 2023 – Junio 2024" of the Programa Nacional 2022-2024, the parameter's annex
    /// card). Years without a published goal have none.
    public static let published: [Int: Decimal] = [2024: 50]

    /// The indicator's first year: its baseline, 2021 = 0 on the same card, which gives 2019 and
    /// 2020 as N/A (the parameter belongs to the 2022-2024 programme).
    public static let firstYear = 2021

    /// The thresholds the same report gives: 5 % in the parameter's name, 10 % in its table of
    /// variables.
    public static let thresholds: [Decimal] = [5, 10]

    /// The goal in force for a year: the year's own, or the latest published before it.
    public static func goal(for year: Int) -> (year: Int, percent: Decimal)? {
        let years = published.keys.sorted()
        guard let chosen = years.last(where: { $0 <= year }) ?? years.first, let percent = published[chosen] else {
            return nil
        }
        return (chosen, percent)
    }

    /// Every reading of the ambiguous text: each course selection (every course, approved ones) ×
    /// each threshold × each rule × each window, with the levels given.
    public static func readings(levels: Set<Level>?) -> [CoverageOptions] {
        CoverageOptions.Courses.allCases.flatMap { courses in
            thresholds.flatMap { threshold in
                CoverageOptions.Rule.allCases.flatMap { rule in
                    CoverageOptions.Window.allCases.map { window in
                        CoverageOptions(
                            threshold: threshold, rule: rule, window: window, levels: levels, courses: courses)
                    }
                }
            }
        }
    }
}

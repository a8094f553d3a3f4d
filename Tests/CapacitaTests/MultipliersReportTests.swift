import Capacita
import Testing

/// The multipliers report's arithmetic: rows gathered by person in their order, a person's groups
/// added up, and the total line counting once a group that two multipliers taught.
@Suite struct MultipliersReportTests {
    static let day = CalendarDate(year: 2023, month: 5, day: 5) ?? CalendarDate(clamping: 2023, month: 5, day: 5)

    static func group(_ code: String, enrolled: Int, aggregate: Int = 0) -> TaughtGroup {
        TaughtGroup(
            code: code, course: "PNC22-BAS", agency: "SICT", startsOn: CalendarDate(clamping: 2024, month: 3, day: 4),
            enrolled: enrolled, aggregate: aggregate)
    }

    static func row(_ curp: String, _ group: TaughtGroup?, linked: Bool = true) -> MultipliersReport.Row {
        MultipliersReport.Row(
            curp: Curp(stored: curp), name: PersonName(givenNames: "Ana", firstSurname: "Prueba", secondSurname: nil),
            agency: "SICT", formadorGroup: "SICT-FOR-2023", formadorCourse: "PNC22-FOR", formadorEndedOn: day,
            linked: linked, group: group)
    }

    @Test func aGroupTaughtByTwoMultipliersCountsOnceInTheTotal() {
        let shared = Self.group("SICT-BAS-2024-A", enrolled: 20)
        let rows = [
            Self.row("B", shared), Self.row("B", Self.group("SICT-PLATICA", enrolled: 0, aggregate: 60)),
            Self.row("A", shared), Self.row("C", nil), Self.row("D", nil, linked: false),
        ]
        let graduates = MultipliersReport.graduates(from: rows)
        #expect(graduates.map(\.curp.value) == ["B", "A", "C", "D"], "in the order the store read them")
        #expect(graduates.map(\.groups.count) == [2, 1, 0, 0])
        #expect(graduates[0].enrolled == 20 && graduates[0].aggregate == 60 && graduates[0].reached == 80)
        let report = MultipliersReport(period: .year(2024), graduates: graduates, disclosure: .all)
        #expect(report.multipliers.map(\.curp.value) == ["B", "A"])
        let totals = report.totals
        #expect(totals.multipliers == 2 && totals.groups == 2)
        #expect(totals.enrolled == 20 && totals.aggregate == 60 && totals.reached == 80)
        #expect(totals.graduates == 4 && totals.linked == 3)
        // The sum of the lines is more than the total when a group is shared: each line is a person's.
        #expect(report.multipliers.map(\.reached).reduce(0, +) == 100)
    }

    @Test func anEmptyYearHasZeroTotalsAndSaysWhatItCounts() {
        let report = MultipliersReport(period: .year(2024), graduates: [], disclosure: .none)
        #expect(report.totals == .init(multipliers: 0, groups: 0, enrolled: 0, aggregate: 0, graduates: 0, linked: 0))
        #expect(report.basis.contains("iniciaron en 2024") && report.basis.contains("sin bajas"))
    }
}

import Capacita
import CapacitaOutput
import Foundation
import Testing

/// The report layer's promise: a report states its tables once, and every renderer carries every
/// column of them, so a column added to a report's value and table reaches the terminal, CSV, the
/// workbook and JSON without a change per front end.
@Suite struct ReportRenderingTests {
    static let agencies = [
        Agency(code: "SEGOB", name: "Secretaría de Gobernación", order: .federal, countsInIndicator: true),
        Agency(code: "FGR", name: "Fiscalía General de la República", order: .federal, countsInIndicator: true),
        Agency(code: "DIF-CDMX", name: "DIF de la Ciudad", order: .estatal, state: "CDMX", countsInIndicator: false),
    ]

    static var coverage: [AgencyCoverage] {
        CoverageCalculator.coverage(
            agencies: agencies,
            headcounts: ["SEGOB": Headcount(agencyCode: "SEGOB", year: 2024, alto: 20, medio: 40, operativo: 100)],
            trained: [
                TrainedCount(agencyCode: "SEGOB", tier: .alto, people: 2),
                TrainedCount(agencyCode: "SEGOB", tier: .medio, people: 1),
                TrainedCount(agencyCode: "FGR", tier: .operativo, people: 7),
            ],
            options: CoverageOptions())
    }

    static func person(_ curp: String, _ agency: String, _ status: EnrollmentStatus, group: String = "G-1")
        -> RosterEntry
    {
        RosterEntry(
            groupCode: group, curp: Curp(stored: curp),
            name: PersonName(givenNames: "Ana", firstSurname: "López", secondSurname: nil), tier: .operativo,
            agencyCode: agency,
            result: ParticipantResult(agencyCode: agency, status: status, attendance: 90, pre: 40, post: 80))
    }

    static var group: GroupReport {
        let listing = GroupListing(
            group: TrainingGroup(
                code: "G-1", courseCode: "PNC-B", kind: .capacitacion, agencyCode: "SEGOB",
                startsOn: CalendarDate(year: 2024, month: 3, day: 4) ?? CalendarDate(year: 2024, month: 1, day: 1)!,
                endsOn: nil, modality: nil, state: nil, capacity: 40, generalPublic: 0, publicServants: 2),
            courseTitle: "Curso Básico", enrolled: 2, acreditados: 1, bajas: 0)
        return GroupReport(
            listing: listing,
            roster: [
                person("LOAA800101MDFPNN09", "SEGOB", .acreditado), person("LOAB800101HDFPNN02", "FGR", .noAcreditado),
            ],
            disclosure: .agency("SEGOB"))
    }

    /// Every report the front ends load, built from values alone (no database).
    static var reports: [any Report] {
        let indicator = Indicator.compute(year: 2024, coverage: coverage)
        let events = EventsTable.build(
            agencies: agencies,
            groups: [
                EventGroup(agencyCode: "SEGOB", kind: .capacitacion, generalPublic: 3, publicServants: 12),
                EventGroup(agencyCode: "FGR", kind: .sensibilizacion, generalPublic: 0, publicServants: 30),
            ])
        return [
            CoverageReport(year: 2024, options: CoverageOptions(), agency: nil, agencies: coverage),
            IndicatorReport(options: CoverageOptions(), indicator: indicator),
            IndicatorSeriesReport(
                options: CoverageOptions(), years: 2023...2024,
                values: [Indicator.compute(year: 2023, coverage: coverage), indicator]),
            IndicatorOverview(
                options: CoverageOptions(), year: 2024, series: [indicator],
                readings: [.init(options: CoverageOptions(threshold: 10), indicator: indicator)]),
            EventsReport(year: 2024, rows: events.rows, total: events.total),
            group, RosterReport(group),
            CourseReport(course: "PNC-B", year: 2024, roster: group.roster),
            FichaSummaryReport(year: 2024, summary: FichaSummary.of(year: 2024, fichas: [], agencies: agencies)),
        ]
    }

    @Test func everyColumnOfEveryTableReachesTheWorkbook() {
        for report in Self.reports {
            let tables = report.workbook.sheets.compactMap { sheet -> Table? in
                if case .table(let table) = sheet.content { return table }
                return nil
            }
            for sheet in report.sheets {
                #expect(
                    tables.contains { $0.columns == sheet.table.columns && $0.rows == sheet.table.rows },
                    "\(type(of: report)): «\(sheet.name)» is not in the workbook")
            }
        }
    }

    @Test func theFirstTableLeadsTheCSVWithItsKeysAsTheHeader() {
        for report in Self.reports where !(report is IndicatorReport) {
            guard let first = report.sheets.first else {
                Issue.record("\(type(of: report)) has no table")
                continue
            }
            #expect(
                report.csv.hasPrefix(first.table.columns.joined(separator: ",") + "\n"), "\(type(of: report))")
        }
        // The card leads the indicator's CSV (as the annual report prints it); its agencies follow.
        let card = Self.reports.compactMap { $0 as? IndicatorReport }[0]
        #expect(card.csv.hasPrefix("field,value\n"))
        #expect(card.csv.contains("\n\n" + CoverageTable.table(card.indicator.agencies).render(.csv)))
    }

    @Test func theTerminalShowsTheFirstTableUnderSpanishHeaders() {
        for report in Self.reports {
            guard let first = report.sheets.first else { continue }
            let header = first.table.render(.table).split(separator: "\n").first.map(String.init) ?? ""
            #expect(report.terminal.contains(header), "\(type(of: report))")
            #expect(header.contains(Labels.header(first.table.columns[0])))
        }
    }

    @Test func theFormatIsPickedInOnePlace() throws {
        for report in Self.reports {
            guard case .text(let json) = report.rendered(.json), case .text(let csv) = report.rendered(.csv),
                case .text(let table) = report.rendered(.table), case .workbook(let book) = report.rendered(.xlsx)
            else {
                Issue.record("\(type(of: report)): a format rendered as the wrong kind")
                continue
            }
            #expect(json == report.json && csv == report.csv && table == report.terminal)
            #expect(book.sheets.count == report.workbook.sheets.count)
            #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "\(type(of: report))")
        }
    }

    /// The loader says whose CURPs the caller sees; every rendering of the group obeys it alike.
    @Test func aGroupShowsWholeOnlyTheCURPsItsCallerMaySee() throws {
        let report = Self.group
        let own = "LOAA800101MDFPNN09"
        let other = "LOAB800101HDFPNN02"
        for text in [report.json, report.csv, RosterReport(report).json, RosterReport(report).csv] {
            #expect(text.contains(own))
            #expect(!text.contains(other))
            #expect(text.contains(Curp(stored: other).masked))
        }
        var hidden = report
        hidden.disclosure = .none
        #expect(!hidden.json.contains(own) && !hidden.csv.contains(own) && !hidden.terminal.contains(own))
        hidden.disclosure = .all
        #expect(hidden.csv.contains(own) && hidden.csv.contains(other))
    }

    @Test func aCourseAddsUpItsAgenciesToItsTotal() {
        let report = CourseReport(course: "PNC-B", year: 2024, roster: Self.group.roster)
        #expect(report.groups == 1)
        #expect(report.byAgency.values.map(\.enrolled).reduce(0, +) == report.total.enrolled)
        let rows = report.sheets[0].table.rows
        #expect(rows.last?.first == .text("TOTAL"))
        #expect(rows.dropLast().map { $0[0] } == [.text("FGR"), .text("SEGOB")])
    }

    /// A year with no series yet has a card of zeros and no percentage (ND), not a crash.
    @Test func anEmptySeriesHasAnNDCard() {
        let overview = IndicatorOverview(options: CoverageOptions(), year: 2024, series: [], readings: [])
        #expect(overview.card.year == 2024 && overview.card.tii == 0 && overview.card.percent == nil)
    }
}

import Capacita
import Foundation
import Testing

/// Meta 4.1: PAAC% = NAAC / TAP × 100, NAAC the catalog's approvals and revisions dated in the
/// year, TAP the programmed actions (data with its source); N/A before 2021, ND without TAP or
/// without a catalog (never 0, never a division by 0), p/ for the year in progress.
@Suite struct Meta41Tests {
    static let source = "Informe de prueba"

    static func day(_ text: String) -> CalendarDate {
        CalendarDate.parse(text) ?? CalendarDate(clamping: 1, month: 1, day: 1)
    }

    static func course(_ code: String, _ history: [CourseEvent]) -> Course {
        var course = Course(
            code: code, program: .pnc2022, level: .basico, title: "Curso \(code)", modalities: [.presencial], hours: 10,
            audience: "", objectives: [], temario: [Topic(topic: "t", hours: 10)], evaluation: [],
            passing: PassingRule(minScore: 80, minAttendance: 80), maxGroupSize: 40, prerequisites: [],
            countsForIndicator: true)
        course.history = history
        return course
    }

    /// Two courses approved on one day of 2024, one revised in 2025, a draft with no history.
    static let catalog = Meta41Action.all(in: [
        course(
            "PNC22-SENS",
            [
                CourseEvent(date: day("2024-06-30"), kind: .aprobacion, session: "Segunda Sesión Ordinaria 2024"),
                CourseEvent(date: day("2025-03-10"), kind: .actualizacion, source: "Acta"),
            ]),
        course("PNC22-BAS", [CourseEvent(date: day("2024-06-30"), kind: .aprobacion)]),
        course("PNC22-INT", []),
    ])

    static let programmed = ProgrammedActions([
        .init(year: 2024, actions: 4, source: source), .init(year: 2025, actions: 1, source: source),
        .init(year: 2020, actions: 3, source: source), .init(year: 2026, actions: 2, source: source),
    ])

    func value(_ year: Int, catalog: [Meta41Action]? = Meta41Tests.catalog, currentYear: Int = 2026) -> Meta41Year {
        Meta41Year.compute(year: year, catalog: catalog, programmed: Self.programmed, currentYear: currentYear)
    }

    @Test func naacCountsTheYearsApprovalsAndRevisionsAgainstTheProgrammedActions() {
        let year = value(2024)
        #expect(year.naac == 2 && year.tap == 4 && year.tapSource == Self.source)
        #expect(year.actions.map(\.course) == ["PNC22-BAS", "PNC22-SENS"])
        #expect(year.percent == 50 && year.mark == nil)
        #expect(year.officialFormula == "PAAC%=(2/4)*100")
        #expect(year.formula == "PAAC% = (2/4) × 100 = 50.00" && year.percentText == "50.00")
        // A revision counts as an action as an approval does; more than programmed is over 100 %.
        let revised = value(2025)
        #expect(revised.naac == 1 && revised.actions.first?.event.kind == .actualizacion)
        #expect(revised.percent == 100 && revised.officialFormula == "PAAC%=(1/1)*100")
        #expect(Meta41.countedKinds == CourseEvent.Kind.allCases)
    }

    @Test func aYearWithoutProgrammedActionsIsNDNeverZero() {
        let year = value(2023)
        #expect(year.naac == 0 && year.tap == nil && year.tapSource == nil)
        #expect(year.percent == nil && year.mark == .noData)
        #expect(year.officialFormula == nil && year.percentText == "ND")
        #expect(year.formula == "PAAC% = (0/ND) × 100 = ND")
        // Without a catalog NAAC is ND too, even with a programmed figure: not 0 of 4.
        let noCatalog = value(2024, catalog: nil)
        #expect(noCatalog.naac == nil && noCatalog.tap == 4 && noCatalog.mark == .noData)
        #expect(noCatalog.percent == nil && noCatalog.formula == "PAAC% = (ND/4) × 100 = ND")
        // Nothing done against something programmed is a real 0 %.
        let none = Meta41Year.compute(
            year: 2024, catalog: [], programmed: Self.programmed, currentYear: 2026)
        #expect(none.naac == 0 && none.percent == 0 && none.officialFormula == "PAAC%=(0/4)*100")
    }

    @Test func yearsBeforeTheGoalAreNotApplicableAndTheYearInProgressPreliminary() {
        #expect(Meta41.firstYear == 2021)
        let before = value(2020)
        #expect(before.mark == .notApplicable && before.percent == nil && before.officialFormula == nil)
        #expect(before.tap == 3 && before.percentText == "N/A")
        #expect(value(2019).mark == .notApplicable)
        let now = value(2026)
        #expect(now.mark == .preliminary && now.percent == 0 && now.percentText == "0.00 p/")
        #expect(now.officialFormula == "PAAC%=(0/2)*100")
        // The year in progress without programmed actions is ND, not a preliminary 0.
        let emptyNow = Meta41Year.compute(
            year: 2027, catalog: Self.catalog, programmed: Self.programmed, currentYear: 2027)
        #expect(emptyNow.mark == .noData && emptyNow.percent == nil)
        // A year in progress that is already past its figures for last year: marked p/ only now.
        #expect(value(2025, currentYear: 2025).mark == .preliminary)
        #expect(value(2025, currentYear: 2026).mark == nil)
    }

    @Test func theDefaultSeriesRunsFromTheFirstYearToTheCards() {
        #expect(Meta41Report.defaultSeries(year: 2024) == 2021...2024)
        #expect(Meta41Report.defaultSeries(year: 2019) == 2019...2019)
    }

    @Test func programmedActionsAreCheckedByLineAndZeroIsRefused() {
        let file = """
            anio,acciones,fuente
            2024,4,Programa anual 2024
            2024,5,Otro informe
            2006,1,Antes de la Comisión
            2023,0,Informe
            2022,varias,Informe
            2021,3,
            """
        guard case .failure(let issues) = ProgrammedActions.parse(Array(file.utf8), currentYear: 2026) else {
            Issue.record("a bad file was taken")
            return
        }
        #expect(
            issues.issues.map { "\($0.line):\($0.column)" } == [
                "3:anio", "4:anio", "5:acciones", "6:acciones", "7:fuente",
            ])
        #expect(issues.issues[2].message.contains("mayor que 0"))
        let good = ProgrammedActions.parse(Array("anio;tap;fuente\n2024;4;Programa\n".utf8), currentYear: 2026)
        #expect((try? good.get())?.counts[2024] == .init(year: 2024, actions: 4, source: "Programa"))
    }

    /// The sources give no programmed figure: the seed file has its header and no row, and the
    /// demo's illustrative figures say in their source that they are assumptions.
    @Test func theSeedFileHasNoProgrammedFigureAndTheDemosAreMarkedIllustrative() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let seed = try ProgrammedActions.parse(
            [UInt8](try Data(contentsOf: root.appendingPathComponent(ProgrammedActions.seedFile))), currentYear: 2026
        ).get()
        #expect(seed.counts.isEmpty)
        let demo = try ProgrammedActions.parse(
            [UInt8](try Data(contentsOf: root.appendingPathComponent("examples/acciones-programadas.csv"))),
            currentYear: 2026
        ).get()
        #expect(!demo.counts.isEmpty)
        #expect(demo.counts.values.allSatisfy { $0.source.hasPrefix("Supuesto ilustrativo") })
    }
}

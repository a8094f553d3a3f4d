import Capacita
import CapacitaFiles
import Foundation
import Testing

/// The 2010-2012 programme's indicator: each year's change from the baseline, the target met or
/// not, ND (never 0) where nothing counts, N/A before the baseline and p/ for the year in progress.
@Suite struct TrainingActionsTests {
    static let source = "Programa Nacional para Prevenir y Sancionar la Trata de Personas 2010-2012"
    static let published = PublishedActions([.init(year: 2010, actions: 2817, source: source)])

    private func card(
        years: ClosedRange<Int> = 2010...2012, baseline: Int = 2010, target: Decimal = 20, recorded: [Int: Int] = [:],
        published: PublishedActions = TrainingActionsTests.published, currentYear: Int = 2026
    ) -> TrainingActionsCard {
        TrainingActionsCard.compute(
            baselineYear: baseline, target: target, years: years, recorded: recorded, published: published,
            currentYear: currentYear)
    }

    @Test func theChangeIsFromTheBaselineAndTheTargetIsMetExactly() throws {
        // 3,380 of 2,817 is 19.99 %: short of 20 by the exact figure, not the rounded one;
        // 3,381 is 20.02 %: met.
        let card = card(recorded: [2011: 3380, 2012: 3381])
        #expect(card.baseline.actions == 2817 && card.baseline.source == .published(Self.source))
        #expect(card.targetActions == Decimal(string: "3380.4"))
        #expect(card.years.map(\.actions) == [2817, 3380, 3381])
        #expect(card.years.map(\.change) == [0, Decimal(string: "19.99"), Decimal(string: "20.02")])
        #expect(card.years.map(\.meets) == [false, false, true])
        #expect(card.years.map(\.mark) == [nil, nil, nil])
        #expect(card.years[1].source == .events && card.years[1].sourceText == "eventos registrados en capacita")
        // A fall is a negative change, never met.
        let fewer = self.card(recorded: [2011: 1400])
        #expect(fewer.years[1].change == Decimal(string: "-50.3") && fewer.years[1].meets == false)
        // A target of 0 % is met by keeping the baseline.
        #expect(self.card(target: 0).years[0].meets == true)
    }

    @Test func aYearWithNeitherEventsNorAPublishedFigureIsNDNeverZero() {
        let card = card(recorded: [2012: 3000])
        #expect(card.years[1].actions == nil && card.years[1].mark == .noData)
        #expect(card.years[1].change == nil && card.years[1].meets == nil && card.years[1].source == nil)
        // Without the baseline's count every change is ND, though a year has its own count.
        let noBaseline = self.card(published: PublishedActions([]), currentYear: 2026)
        #expect(noBaseline.baseline.actions == nil && noBaseline.targetActions == nil)
        let withEvents = self.card(recorded: [2012: 3000], published: PublishedActions([]))
        #expect(withEvents.years[2].actions == 3000 && withEvents.years[2].mark == .noData)
        #expect(withEvents.years[2].change == nil)
    }

    @Test func yearsBeforeTheBaselineAreNotApplicable() {
        let card = card(years: 2008...2011, recorded: [2009: 12, 2011: 3400])
        #expect(card.years.map(\.mark) == [.notApplicable, .notApplicable, nil, nil])
        // The count is a fact and is kept; the change from a later baseline is N/A.
        #expect(card.years[1].actions == 12 && card.years[1].change == nil && card.years[1].meets == nil)
        #expect(card.years[3].meets == true)
    }

    @Test func theYearInProgressIsPreliminary() {
        let card = card(
            years: 2024...2026, baseline: 2024, recorded: [2024: 10, 2025: 11, 2026: 13], currentYear: 2026)
        #expect(card.years.map(\.mark) == [nil, nil, .preliminary])
        #expect(card.years[2].change == 30 && card.years[2].meets == true)
        // A year in progress without anything yet is ND, not a preliminary 0.
        let empty = self.card(years: 2024...2026, baseline: 2024, recorded: [2024: 10], currentYear: 2026)
        #expect(empty.years[2].mark == .noData && empty.years[2].actions == nil)
    }

    @Test func recordedEventsComeBeforeAPublishedFigure() {
        let card = card(recorded: [2010: 12])
        #expect(card.baseline.actions == 12 && card.baseline.source == .events)
    }

    @Test func theTargetIsAPercentWithinBounds() {
        #expect(TrainingActionsIndicator.target("20") == .success(20))
        #expect(TrainingActionsIndicator.target(" 12,5 ") == .success(Decimal(string: "12.5")!))
        for wrong in ["", "veinte", "-5", "20%", "1e3", String(repeating: "9", count: 40)] {
            guard case .failure = TrainingActionsIndicator.target(wrong) else {
                Issue.record("«\(wrong)» was taken as a target")
                continue
            }
        }
        #expect(TrainingActionsIndicator.target("1001") == .failure(.outOfRange(1001)))
    }

    /// The defaults are the programme's own: 2010, 20 %, 2010-2012; and the seed file names the
    /// document of the 2010 figure.
    @Test func theSeedFileHoldsTheProgrammesBaseline() throws {
        #expect(TrainingActionsIndicator.defaultBaselineYear == 2010)
        #expect(TrainingActionsIndicator.defaultTarget == 20)
        #expect(TrainingActionsIndicator.defaultSeries == 2010...2012)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(PublishedActions.seedFile)
        let seed = try PublishedActions.parse([UInt8](try Data(contentsOf: url)), currentYear: 2026).get()
        let baseline = try #require(seed.counts[2010])
        #expect(baseline.actions == 2817)
        #expect(baseline.source.contains("2010-2012") && baseline.source.contains("DOF"))
    }

    @Test func publishedCountsAreCheckedByLine() {
        let file = """
            anio,acciones,fuente
            2010,2817,Programa 2010-2012
            2010,3000,Otro informe
            2006,10,Antes de la Comisión
            2011,muchas,Informe
            2012,40,
            """
        guard case .failure(let issues) = PublishedActions.parse(Array(file.utf8), currentYear: 2026) else {
            Issue.record("a bad file was taken")
            return
        }
        #expect(issues.issues.map { "\($0.line):\($0.column)" } == ["3:anio", "4:anio", "5:acciones", "6:fuente"])
        #expect(issues.issues.first?.message == "el año ya aparece en la línea 2")
    }
}

import Capacita
import CapacitaFiles
import Foundation
import TestSupport
import Testing

@Suite struct ExactTests {
    @Test func fixedPlacesRoundHalfAwayFromZero() {
        #expect(Exact.text(Decimal(string: "5.555")!, places: 2) == "5.56")
        #expect(Exact.text(Decimal(5), places: 2) == "5.00")
        #expect(Exact.text(Decimal(string: "53.8461538")!, places: 2) == "53.85")
        #expect(Exact.text(Decimal(string: "0.63667")!, places: 4) == "0.6367")
        #expect(Exact.shortText(Decimal(string: "72.50")!, places: 2) == "72.5")
    }

    @Test func theIndicatorFormulaPrintsTheSameDecimalsAsCoverage() {
        let coverage = CoverageCalculator.tier(headcount: 18, trained: 1, threshold: 5)
        #expect(coverage.percent.map(Indicator.format) == "5.56")
        #expect(
            CoverageCalculator.tier(headcount: 40, trained: 2, threshold: 5).percent.map(Indicator.format) == "5.00")
    }

    @Test func roundedEncodesTheRoundedValueExactly() throws {
        let data = try JSONEncoder().encode([Rounded(5.5600000000000005, places: 2)])
        #expect(String(decoding: data, as: UTF8.self) == "[5.56]")
        #expect(Rounded(Double.nan, places: 2) == nil)
    }
}

@Suite struct ReportYearsTests {
    @Test func yearsOutsideTheProgramAreRefused() {
        #expect(ReportYears.year("2024", currentYear: 2026) == .success(2024))
        #expect(ReportYears.year("2027", currentYear: 2026) == .success(2027))
        #expect(ReportYears.year("2028", currentYear: 2026) == .failure(.outOfRange(2028, 2007...2027)))
        #expect(ReportYears.year("1999", currentYear: 2026) == .failure(.outOfRange(1999, 2007...2027)))
        // The Comisión dates from the 2007 law; the 2010-2012 programme reports training for 2010.
        #expect(ReportYears.year("2007", currentYear: 2026) == .success(2007))
        #expect(ReportYears.year("2006", currentYear: 2026) == .failure(.outOfRange(2006, 2007...2027)))
        #expect(ReportYears.year("24", currentYear: 2026) == .failure(.notAYear("24")))
    }

    @Test func aSeriesIsBoundedInOrderAndLength() {
        #expect(ReportYears.series("2021-2024", currentYear: 2026) == .success(2021...2024))
        #expect(ReportYears.series("1-999999", currentYear: 2026) == .failure(.notAYear("1")))
        #expect(ReportYears.series("2024-2021", currentYear: 2026) == .failure(.badSeries("2024-2021")))
        #expect(ReportYears.series("2021", currentYear: 2026) == .failure(.badSeries("2021")))
        #expect(ReportYears.series("2012-2050", currentYear: 2060) == .failure(.seriesTooLong(39)))
    }
}

@Suite struct SpanishDateTests {
    private func date(_ text: String) -> CalendarDate { CalendarDate.parse(text)! }

    @Test func courseDatesReadAsALongSpanishRange() {
        #expect(CalendarDate.spanishRange(date("2024-03-04"), date("2024-03-08")) == "del 4 al 8 de marzo de 2024")
        #expect(CalendarDate.spanishRange(date("2024-03-04"), nil) == "el 4 de marzo de 2024")
        #expect(CalendarDate.spanishRange(date("2024-03-04"), date("2024-03-04")) == "el 4 de marzo de 2024")
        #expect(
            CalendarDate.spanishRange(date("2024-02-26"), date("2024-03-01"))
                == "del 26 de febrero al 1 de marzo de 2024")
        #expect(
            CalendarDate.spanishRange(date("2024-12-30"), date("2025-01-03"))
                == "del 30 de diciembre de 2024 al 3 de enero de 2025")
    }
}

@Suite struct AgencySuggestionTests {
    let registry: AgencyRegistry = {
        let url = TestDatabase.projectRoot.appendingPathComponent("db/seed/agencies.csv")
        let bytes = [UInt8]((try? Data(contentsOf: url)) ?? Data())
        return AgencyRegistry((try? AgencyFile.parse(bytes).get()) ?? [])
    }()

    @Test func aNearMissSuggestsOneAgency() {
        #expect(registry.agencies.count >= 13)
        #expect(registry.suggestions(for: NameKey.make("Secretaría de Comunicasiones")).map(\.code) == ["SICT"])
        #expect(registry.suggestions(for: NameKey.make("Instituto Nacional de Migrasion")).map(\.code) == ["INM"])
    }

    @Test func nothingCloseSuggestsNothing() {
        #expect(registry.suggestions(for: NameKey.make("Zapatería El Tacón")).isEmpty)
    }
}

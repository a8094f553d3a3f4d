import Capacita
import Testing

@Suite struct CurpTests {
    private func problem(_ text: String) -> Curp.Problem? {
        if case .failure(let problem) = Curp.parse(text) { return problem }
        return nil
    }

    @Test func acceptsPublishedExamplesTrimmedAndUppercased() throws {
        #expect(problem("HEGG560427MVZRRL04") == nil)
        #expect(problem("MAHJ280603MSPRRV09") == nil)
        let curp = try Curp.parse("  hegg560427mvzrrl04 ").get()
        #expect(curp.value == "HEGG560427MVZRRL04")
        #expect(curp.sex == .mujer)
        #expect(curp.birthDate == CalendarDate(year: 1956, month: 4, day: 27))
    }

    @Test func refusesWrongCheckDigitNamingTheExpectedOne() {
        #expect(problem("HEGG560427MVZRRL05") == .checkDigit(expected: "4"))
    }

    @Test func refusesWrongLength() {
        #expect(problem("HEGG560427MVZRRL0") == .length(17))
        #expect(problem("HEGG560427MVZRRL044") == .length(19))
    }

    @Test func refusesEachStructuralPosition() {
        #expect(problem(Curp.completing("1EGG560427MVZRRL0")) == .structure(position: 1, expected: "una letra"))
        #expect(problem(Curp.completing("HBGG560427MVZRRL0")) == .structure(position: 2, expected: "una vocal o X"))
        #expect(
            problem(Curp.completing("HEGG5604A7MVZRRL0"))
                == .structure(position: 9, expected: "un dígito de la fecha de nacimiento"))
        #expect(problem(Curp.completing("HEGG560427QVZRRL0")) == .structure(position: 11, expected: "el sexo H, M o X"))
        #expect(problem(Curp.completing("HEGG560427MVZARL0")) == .structure(position: 14, expected: "una consonante"))
        #expect(
            problem(Curp.completing("HEGG560427MVZRRL-"))
                == .structure(position: 17, expected: "un dígito o una letra (homoclave)"))
    }

    @Test func birthDateMustExistWithTheCenturyFromPosition17() throws {
        // 29 February: 1900 (digit homoclave) was not a leap year, 2000 (letter homoclave) was.
        #expect(problem(Curp.completing("HEGG000229MVZRRL0")) == .birthDate)
        #expect(problem(Curp.completing("HEGG000229MVZRRLA")) == nil)
        #expect(problem(Curp.completing("HEGG560431MVZRRL0")) == .birthDate)
        #expect(problem(Curp.completing("HEGG561327MVZRRL0")) == .birthDate)
        let leapDay = try Curp.parse(Curp.completing("HEGG000229MVZRRLA")).get()
        #expect(leapDay.birthDate == CalendarDate(year: 2000, month: 2, day: 29))
    }

    @Test func stateMustBeOfficialOrBornAbroad() {
        #expect(problem(Curp.completing("HEGG560427MZZRRL0")) == .state("ZZ"))
        #expect(problem(Curp.completing("HEGG560427MNERRL0")) == nil)
    }

    @Test func inconvenientWordsAreRefused() {
        #expect(problem(Curp.completing("PUTO560427HVZRRL0")) == .inconvenientWord)
        #expect(problem(Curp.completing("PXTO560427HVZRRL0")) == nil)
    }

    @Test func maskShowsOnlyTheFirstFourCharacters() throws {
        let curp = try Curp.parse("HEGG560427MVZRRL04").get()
        #expect(curp.masked == "HEGG**************")
        #expect("\(curp)" == "HEGG**************")
        #expect(Curp.mask("AB") == "AB")
    }
}

@Suite struct CalendarDateTests {
    @Test func readsISOAndMexicanSpreadsheetDates() {
        #expect(CalendarDate.parse("2024-03-05") == CalendarDate(year: 2024, month: 3, day: 5))
        #expect(CalendarDate.parse("05/03/2024") == CalendarDate(year: 2024, month: 3, day: 5))
        #expect(CalendarDate.parse("5/3/2024") == CalendarDate(year: 2024, month: 3, day: 5))
        #expect(CalendarDate.parse("2023-02-29") == nil)
        #expect(CalendarDate.parse("03/05/24") == nil)
        #expect(CalendarDate.parse("mañana") == nil)
        #expect(CalendarDate(year: 2024, month: 3, day: 5)!.description == "2024-03-05")
    }
}

@Suite struct TierTableTests {
    static let defaults = TierTable([
        ("G", .alto), ("K", .alto), ("L", .medio), ("O", .medio), ("P", .operativo),
        ("enlace", .operativo), ("base", .operativo),
    ])

    @Test func mapsGradesWordsAndTierNames() {
        #expect(Self.defaults.tier(for: "g") == .alto)
        #expect(Self.defaults.tier(for: "L") == .medio)
        #expect(Self.defaults.tier(for: "Enlace") == .operativo)
        #expect(Self.defaults.tier(for: " BASE ") == .operativo)
        #expect(Self.defaults.tier(for: "Medio") == .medio)
        #expect(Self.defaults.tier(for: "Z") == nil)
    }

    @Test func tableFileIsReadWithEveryBadLineReported() throws {
        let table = try TierTable.parse(Array("nivel,tier\nG,alto\nP,operativo\n".utf8)).get()
        #expect(table.tier(for: "P") == .operativo)
        guard case .failure(let failure) = TierTable.parse(Array("nivel,tier\nG,altísimo\nG,alto\nG,medio\n".utf8))
        else {
            Issue.record("a bad table was accepted")
            return
        }
        #expect(failure.issues.map(\.line) == [2, 4])
    }
}

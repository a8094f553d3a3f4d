import CapacitaFiles
import Foundation
import Testing

@testable import Capacita

/// The pure rules of a person's data on request: working days from a calendar that is data, the
/// 20-working-day deadline, overdue requests, the surrogate's shape, the retention policy.
@Suite struct PersonalDataTests {
    static func day(_ text: String) throws -> CalendarDate { try #require(CalendarDate.parse(text)) }

    static func seedCalendar() throws -> WorkingCalendar {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(WorkingCalendar.seedFile)
        return try WorkingCalendar.parse([UInt8](try Data(contentsOf: url))).get()
    }

    @Test func dayNumbersAndWeekdaysFollowTheCivilCalendar() throws {
        #expect(try Self.day("1970-01-01").dayNumber == 0)
        #expect(try Self.day("2000-03-01").dayNumber == 11017)
        #expect(try Self.day("1970-01-01").weekday == 4, "a Thursday")
        #expect(try Self.day("2024-06-03").weekday == 1, "a Monday")
        #expect(try Self.day("1969-12-28").weekday == 7, "a Sunday before the epoch")
        #expect(try Self.day("2024-02-28").adding(days: 1) == Self.day("2024-02-29"))
        #expect(try Self.day("2023-12-31").adding(days: 1) == Self.day("2024-01-01"))
        for number in stride(from: -719_000, through: 2_900_000, by: 9973) {
            #expect(CalendarDate(dayNumber: number).dayNumber == number)
        }
    }

    @Test func workingDaysSkipWeekendsAndTheListedDays() throws {
        let plain = WorkingCalendar()
        // Received on a Friday: counting starts Monday.
        #expect(try plain.adding(workingDays: 1, after: Self.day("2024-03-15")) == Self.day("2024-03-18"))
        let calendar = try Self.seedCalendar()
        // 18 March 2024 is the third Monday of March (art. 74): the first working day is Tuesday.
        #expect(try calendar.adding(workingDays: 1, after: Self.day("2024-03-15")) == Self.day("2024-03-19"))
        #expect(try !calendar.isWorkingDay(Self.day("2024-03-18")) && calendar.isWorkingDay(Self.day("2024-03-19")))
        #expect(try !calendar.isWorkingDay(Self.day("2024-03-16")), "a Saturday")
        // Received Friday 15 March 2024: 20 working days without 18 March end on Monday 15 April.
        #expect(try ArcoDeadline.due(receivedOn: Self.day("2024-03-15"), calendar: calendar) == Self.day("2024-04-15"))
        #expect(try ArcoDeadline.due(receivedOn: Self.day("2024-03-15"), calendar: plain) == Self.day("2024-04-12"))
        // Received on a Saturday counts from Monday as well.
        #expect(try ArcoDeadline.due(receivedOn: Self.day("2024-06-01"), calendar: calendar) == Self.day("2024-06-28"))
        // Late December: the 25th and 1 January are skipped.
        #expect(try ArcoDeadline.due(receivedOn: Self.day("2024-12-20"), calendar: calendar) == Self.day("2025-01-21"))
    }

    @Test func theSeedCalendarHoldsTheMandatoryRestDaysWithTheirSource() throws {
        let calendar = try Self.seedCalendar()
        for text in [
            "2024-01-01", "2024-02-05", "2024-05-01", "2024-09-16", "2024-10-01", "2024-11-18", "2025-03-17",
            "2027-12-25",
        ] {
            let holiday = try #require(calendar.holidays[try Self.day(text)], "\(text)")
            #expect(holiday.source.contains("art. 74"))
        }
    }

    @Test func aCalendarFileIsRefusedByLine() {
        let text =
            "fecha,motivo,fuente\n2024-01-01,Año nuevo,LFT art. 74\n2024-01-01,otra vez,LFT\n2024-02-30,x,y\n2024-05-01,,LFT\n"
        guard case .failure(let issues) = WorkingCalendar.parse(Array(text.utf8)) else {
            Issue.record("a bad calendar was taken")
            return
        }
        #expect(issues.issues.map { "\($0.line) \($0.column)" } == ["3 fecha", "4 fecha", "5 motivo"])
    }

    @Test func anOpenRequestPastItsLastDayIsOverdueAndAClosedOneNever() throws {
        let calendar = WorkingCalendar()
        var request = ArcoRequest(
            id: 1, kind: .acceso, curp: Curp(stored: "QUBZ800101MDFTRN05"), channel: .escrito,
            receivedOn: try Self.day("2024-06-03"), dueOn: try Self.day("2024-07-01"), detail: nil, state: .recibida,
            outcome: nil, filedBy: "st", closedBy: nil, closedOn: nil)
        #expect(try !request.isOverdue(today: Self.day("2024-07-01")))
        #expect(try request.isOverdue(today: Self.day("2024-07-02")))
        #expect(try request.workingDaysLeft(today: Self.day("2024-06-28"), calendar: calendar) == 1)
        #expect(try request.workingDaysLeft(today: Self.day("2024-07-01"), calendar: calendar) == 0)
        #expect(try request.workingDaysLeft(today: Self.day("2024-07-02"), calendar: calendar) == nil)
        request.state = .enProceso
        #expect(try request.isOverdue(today: Self.day("2024-08-01")))
        request.state = .atendida
        #expect(try !request.isOverdue(today: Self.day("2024-08-01")))
    }

    struct Counter: RandomNumberGenerator {
        var state: UInt64 = 1
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    @Test func aSurrogateKeepsTheShapeAndTheSexAndNothingElse() throws {
        var generator = Counter()
        let regex = try Regex("^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]$")
        for original in ["QUBZ800101MDFTRN05", "PELA750505HDFLSR09", "XEXX010101XNELRR03"] {
            var drawn = Set<String>()
            for _ in 0..<200 {
                let surrogate = SurrogateCurp.make(for: Curp(stored: original), using: &generator)
                #expect(surrogate.wholeMatch(of: regex) != nil, "\(surrogate): the tables' CHECK")
                #expect(SurrogateCurp.isSurrogate(surrogate))
                #expect(Curp(stored: surrogate).sex == Curp(stored: original).sex)
                #expect(surrogate.hasPrefix("XXXX") && Array(surrogate)[6...7] == ["0", "0"])
                // No real CURP has month 00: checked in full, a surrogate is refused.
                #expect(Curp.problem(in: surrogate) != nil)
                drawn.insert(surrogate)
            }
            #expect(drawn.count > 190, "drawn at random, not from the CURP")
        }
        #expect(!SurrogateCurp.isSurrogate("QUBZ800101MDFTRN05"))
        #expect(!SurrogateCurp.isSurrogate("XXXX120112HXXBCD01"), "month 01 is a CURP's")
    }

    @Test func theRetentionPolicyIsDataWithItsBasis() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(RetentionPolicy.seedFile)
        let policy = try RetentionPolicy.parse([UInt8](try Data(contentsOf: url))).get()
        #expect(policy.years == 5 && policy.basis.hasPrefix("Supuesto"))
        #expect(try policy.cutoff(today: Self.day("2026-03-10")) == Self.day("2021-03-10"))
        #expect(
            try RetentionPolicy(years: 1, basis: "x").cutoff(today: Self.day("2024-02-29")) == Self.day("2023-02-28"))
        for bad in ["anios,fundamento\n0,x\n", "anios,fundamento\n5,\n", "anios,fundamento\n5,x\n6,y\n", "anios\n5\n"] {
            #expect(throws: ImportIssues.self, "\(bad)") { try RetentionPolicy.parse(Array(bad.utf8)).get() }
        }
    }
}

import Capacita
import CapacitaFiles
import Foundation
import Testing

@Suite struct AttendanceRuleTests {
    /// Five sessions counted: three attended, one justified, one missed.
    static let tally = AttendanceTally(present: 3, excused: 1, counted: 5)

    @Test func aJustifiedAbsenceCountsAsTheCourseSays() {
        #expect(Self.tally.absent == 1)
        #expect(Self.tally.percent(.asistencia) == 80)  // 4 of 5
        #expect(Self.tally.percent(.excluida) == 75)  // 3 of 4: the justified session leaves the count
        #expect(Self.tally.percent(.falta) == 60)  // 3 of 5
    }

    @Test func percentagesAreExactDecimalsRoundedHalfUp() {
        #expect(AttendanceTally(present: 2, excused: 0, counted: 3).percent(.falta) == Decimal(string: "66.67"))
        #expect(AttendanceTally(present: 1, excused: 0, counted: 3).percent(.falta) == Decimal(string: "33.33"))
        #expect(AttendanceTally(present: 1, excused: 0, counted: 32).percent(.falta) == Decimal(string: "3.13"))
        #expect(AttendanceTally(present: 7, excused: 1, counted: 8).percent(.excluida) == 100)
    }

    @Test func noSessionThatCountsGivesNoPercentage() {
        #expect(AttendanceTally(present: 0, excused: 0, counted: 0).percent(.asistencia) == nil)
        // Every counted session justified: left out of the count, nothing is left to count.
        let allJustified = AttendanceTally(present: 0, excused: 2, counted: 2)
        #expect(allJustified.percent(.excluida) == nil)
        #expect(allJustified.percent(.asistencia) == 100)
        #expect(allJustified.percent(.falta) == 0)
    }

    @Test func theDefaultLeavesJustifiedAbsencesOutOfTheCount() {
        #expect(JustifiedAbsences.default == .excluida)
        #expect(PassingRule(minScore: 80, minAttendance: 80).justifiedAbsences == .excluida)
    }

    @Test func marksAreReadAsPeopleWriteThem() {
        for text in ["sí", "Sí", "SI", "si", "1", "Asistió", "present"] {
            #expect(AttendanceMark.parse(text) == .present, "\(text)")
        }
        for text in ["no", "No", "NO", "0", "faltó", "No asistió", "absent"] {
            #expect(AttendanceMark.parse(text) == .absent, "\(text)")
        }
        for text in ["justificada", "Justificada", "JUSTIFICADA", "falta justificada", "excused"] {
            #expect(AttendanceMark.parse(text) == .excused, "\(text)")
        }
        for text in ["", "x", "2", "tal vez", String(repeating: "si ", count: 30)] {
            #expect(AttendanceMark.parse(text) == nil, "\(text)")
        }
    }
}

@Suite struct AttendanceRegisterModelTests {
    static let day1 = CalendarDate(year: 2024, month: 3, day: 4)!
    static let day2 = CalendarDate(year: 2024, month: 3, day: 5)!
    static let day3 = CalendarDate(year: 2024, month: 3, day: 6)!

    static func listing() -> GroupListing {
        GroupListing(
            group: TrainingGroup(
                code: "G1", courseCode: "PNC22-BAS", kind: .capacitacion, agencyCode: "SICT", startsOn: day1,
                endsOn: day3, modality: .presencial, state: nil, capacity: 30, generalPublic: 0, publicServants: 0),
            courseTitle: "Básico", enrolled: 4, acreditados: 0, bajas: 1)
    }

    static func person(_ curp: String, _ agency: String, _ status: EnrollmentStatus = .inscrito) -> RosterEntry {
        RosterEntry(
            groupCode: "G1", curp: Curp(stored: curp),
            name: PersonName(givenNames: "Persona", firstSurname: curp, secondSurname: nil), tier: .medio,
            agencyCode: agency, result: ParticipantResult(agencyCode: agency, status: status))
    }

    static func register(_ marks: [(String, CalendarDate, AttendanceMark)], rule: JustifiedAbsences = .excluida)
        -> AttendanceRegister
    {
        let sessions = [day1, day2, day3].map {
            GroupSession(groupCode: "G1", date: $0, startsAt: nil, endsAt: nil, place: nil, scheduled: false)
        }
        return AttendanceRegister.build(
            listing: listing(), rule: rule, sessions: sessions,
            roster: [person("A1", "SICT"), person("A2", "SICT"), person("B1", "INM"), person("A3", "SICT", .baja)],
            marks: marks.map { .init(curp: $0.0, date: $0.1, startsAt: nil, mark: $0.2) }, disclosure: .all)
    }

    @Test func aSessionCountsOnceSomeoneOfTheAgencyIsMarkedInIt() throws {
        let register = Self.register([
            ("A1", Self.day1, .present), ("A1", Self.day2, .excused), ("A2", Self.day1, .absent),
            ("B1", Self.day3, .present),
        ])
        let (a1, a2, b1, a3) = (
            register.participants[0], register.participants[1], register.participants[2], register.participants[3]
        )
        // SICT has marks on days 1 and 2; day 3 (marked only for INM's person) does not count for it.
        #expect(register.countedSessions(agency: "SICT") == [0, 1])
        #expect(register.tally(a1) == AttendanceTally(present: 1, excused: 1, counted: 2))
        #expect(register.percent(a1) == 100)  // 1 of 1: the justified day is left out
        // A2 has no mark on day 2, which counts: an absence.
        #expect(register.tally(a2) == AttendanceTally(present: 0, excused: 0, counted: 2))
        #expect(register.percent(a2) == 0)
        // INM's figures come from INM's marks alone.
        #expect(register.tally(b1) == AttendanceTally(present: 1, excused: 0, counted: 1))
        #expect(register.percent(b1) == 100)
        #expect(register.tally(a3) == nil)  // a baja has no percentage
        #expect(register.isKept)
    }

    @Test func anAgencyWithoutMarksHasNoRegisterYet() {
        let register = Self.register([("A1", Self.day1, .present)])
        #expect(register.tally(register.participants[2]) == nil)
        #expect(register.percent(register.participants[2]) == nil)
        #expect(!Self.register([]).isKept)
    }

    @Test func eachRuleGivesItsPercentage() {
        let marks: [(String, CalendarDate, AttendanceMark)] = [
            ("A1", Self.day1, .present), ("A1", Self.day2, .excused), ("A1", Self.day3, .absent),
        ]
        let expected: [JustifiedAbsences: Decimal] = [
            .asistencia: Decimal(string: "66.67")!, .excluida: 50, .falta: Decimal(string: "33.33")!,
        ]
        for (rule, percent) in expected {
            let register = Self.register(marks, rule: rule)
            #expect(register.percent(register.participants[0]) == percent, "\(rule)")
        }
    }
}

@Suite struct AttendanceValidatorTests {
    private func validate(_ cells: [String: String], group: String? = nil) -> (AttendanceRow?, [ImportIssue]) {
        let header = ["curp", "grupo", "fecha", "inicio", "asistencia"]
        var issues: [ImportIssue] = []
        let columns = CSVColumns(header: header, specs: AttendanceValidator.columns, issues: &issues)
        let row = CSVRow(line: 4, cells: header.map { cells[$0] ?? "" }, columns: columns)
        let result = AttendanceValidator(group: group, groups: ["G1", "G2"]).validate(row, issues: &issues)
        return (result, issues)
    }

    @Test func readsARowWithOrWithoutItsStart() throws {
        let (row, issues) = validate([
            "curp": "HEGG560427MVZRRL04", "grupo": "g1", "fecha": "05/03/2024", "inicio": "9:00",
            "asistencia": "Sí",
        ])
        #expect(issues.isEmpty)
        let checked = try #require(row)
        #expect(checked.groupCode == "G1" && checked.date.description == "2024-03-05")
        #expect(checked.startsAt?.description == "09:00" && checked.mark == .present)
        let (withoutStart, none) = validate(
            ["curp": "HEGG560427MVZRRL04", "fecha": "2024-03-05", "asistencia": "0"], group: "G1")
        #expect(none.isEmpty && withoutStart?.startsAt == nil && withoutStart?.mark == .absent)
    }

    @Test func namesEveryProblemOfTheRowByColumn() {
        let (row, issues) = validate([
            "curp": "HEGG560427MVZRRL05", "grupo": "NO-EXISTE", "fecha": "31/02/2024", "inicio": "9.00",
            "asistencia": "quizá",
        ])
        #expect(row == nil)
        #expect(issues.map(\.column) == ["curp", "grupo", "fecha", "inicio", "asistencia"])
        #expect(issues.allSatisfy { $0.line == 4 })
        #expect(issues[0].value == "HEGG**************")
        #expect(issues[4].message == "asistencia no válida: escriba sí, no o justificada (también 1 o 0)")
        let (_, empty) = validate(["curp": "HEGG560427MVZRRL04", "grupo": "G1", "fecha": "2024-03-05"])
        #expect(empty.map(\.message) == ["falta la asistencia: sí, no o justificada"])
    }

    @Test func aFileForOneGroupRefusesRowsOfAnother() {
        let (row, issues) = validate(
            ["curp": "HEGG560427MVZRRL04", "grupo": "G2", "fecha": "2024-03-05", "asistencia": "no"], group: "g1")
        #expect(row == nil)
        #expect(issues.map(\.message) == ["este archivo es del registro del grupo G1; quite las filas de otros grupos"])
    }
}

@Suite struct JustifiedAbsencesCatalogTests {
    @Test func theCourseFileSaysHowJustifiedAbsencesCount() throws {
        let yaml = CatalogTests.valid.replacingOccurrences(
            of: "  min_attendance: 80", with: "  min_attendance: 80\n  justified_absences: asistencia")
        let course = try CourseDecoder.decode(yaml: yaml, file: "pnc-2022/prueba.yaml").get()
        #expect(course.passing.justifiedAbsences == .asistencia)
        // Left out, the documented default.
        let plain = try CourseDecoder.decode(yaml: CatalogTests.valid, file: "pnc-2022/prueba.yaml").get()
        #expect(plain.passing.justifiedAbsences == .excluida)
        let wrong = CatalogTests.valid.replacingOccurrences(
            of: "  min_attendance: 80", with: "  min_attendance: 80\n  justified_absences: a veces")
        guard case .failure(let failure) = CourseDecoder.decode(yaml: wrong, file: "pnc-2022/prueba.yaml") else {
            Issue.record("a rule that is not one of the three was taken")
            return
        }
        #expect(failure.issues.map(\.field) == ["passing.justified_absences"])
    }

    @Test func aStoredCourseWithoutTheRuleDecodesWithTheDefault() throws {
        let json = #"{"min_score": 80, "min_attendance": 70}"#
        let rule = try JSONDecoder().decode(PassingRule.self, from: Data(json.utf8))
        #expect(rule == PassingRule(minScore: 80, minAttendance: 70, justifiedAbsences: .excluida))
        let encoded = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
        #expect(encoded.contains(#""justified_absences":"excluida""#))
    }
}

import Capacita
import CapacitaFiles
import Testing

@Suite struct SessionFileTests {
    static let context = SessionFile.Context(groups: [
        "BAS-1": .init(
            agencyCode: "SICT", startsOn: CalendarDate(year: 2024, month: 3, day: 4)!,
            endsOn: CalendarDate(year: 2024, month: 3, day: 8)),
        "FERIA": .init(agencyCode: "SEGOB", startsOn: CalendarDate(year: 2024, month: 7, day: 30)!, endsOn: nil),
    ])

    private func parse(_ rows: String, context: SessionFile.Context = context) -> Result<
        [NumberedSession], ImportIssues
    > {
        SessionFile.parse(Array(("grupo,fecha,inicio,fin,lugar\n" + rows).utf8), context: context)
    }

    private func issues(_ rows: String, context: SessionFile.Context = context) -> [ImportIssue] {
        guard case .failure(let issues) = parse(rows, context: context) else { return [] }
        return issues.issues
    }

    @Test func timesAreReadAsPeopleAndExcelWriteThem() {
        #expect(ClockTime.parse("9:00")?.description == "09:00")
        #expect(ClockTime.parse("09:30")?.minutes == 9 * 60 + 30)
        #expect(ClockTime.parse(" 14:05:00 ")?.description == "14:05")
        #expect(ClockTime.parse("0.375")?.description == "09:00")
        #expect(ClockTime.parse("23:59")?.compact == "2359")
        for bad in [
            "24:00", "9:60", "9", "9:5", "09:00:30", "-1:00", "1.5", "0.", "9h", "", "0:00:00:00",
            String(repeating: "0", count: 40), "12:3O",
        ] {
            #expect(ClockTime.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func aGoodFileGivesItsSessionsWithStableCodes() throws {
        let sessions = try parse(
            """
            bas-1,2024-03-04,9:00,13:00,Aula 3
            BAS-1,05/03/2024,09:00,13:00,https://reuniones.example.mx/bas-1
            BAS-1,2024-03-05,15:00,17:00,
            """
        ).get()
        #expect(sessions.map(\.line) == [2, 3, 4])
        #expect(
            sessions.map(\.session.code) == ["BAS-1-S20240304-0900", "BAS-1-S20240305-0900", "BAS-1-S20240305-1500"])
        #expect(sessions[0].session.place == .place("Aula 3"))
        #expect(sessions[1].session.place == .link("https://reuniones.example.mx/bas-1"))
        #expect(sessions[1].session.place?.kind == "link")
        #expect(sessions[2].session.place == nil)
        #expect(sessions.allSatisfy { $0.session.scheduled })
    }

    @Test func eachProblemIsNamedByLineAndColumn() {
        let found = issues(
            """
            NOPE,2024-03-04,09:00,10:00,Aula
            BAS-1,2024-03-09,09:00,10:00,Aula
            BAS-1,2024-03-04,25:00,26:00,Aula
            BAS-1,2024-03-04,11:00,11:00,Aula
            BAS-1,2024-03-04,12:00,13:00,http://inseguro.example.mx
            BAS-1,2024-03-05,09:00,12:00,Aula
            BAS-1,2024-03-05,09:00,10:00,Aula
            BAS-1,2024-03-05,11:00,13:00,Aula
            BAS-1,2024-03-06,09:00,12:00,"Aula
            2"
            ,2024-03-06,13:00,14:00,Aula
            """)
        #expect(
            found.map { "\($0.line) \($0.column)" } == [
                "2 grupo", "3 fecha", "4 fin", "4 inicio", "5 fin", "6 lugar", "8 inicio", "9 inicio", "10 lugar",
                "12 grupo",
            ], "\(found)")
        #expect(found.first { $0.line == 3 }?.message.contains("fuera de las del grupo") == true)
        #expect(found.first { $0.line == 5 }?.message.contains("posterior a la de inicio") == true)
        #expect(found.first { $0.line == 6 }?.message == "los enlaces deben ser https://")
        #expect(found.first { $0.line == 8 }?.message == "la sesión ya aparece en la línea 7")
        #expect(found.first { $0.line == 9 }?.message == "se traslapa con la sesión de la línea 7")
        #expect(found.first { $0.line == 12 }?.message == "falta la clave del grupo")
    }

    @Test func oneGroupsFileTakesAnEmptyCellAsThatGroupAndRefusesOthers() throws {
        let only = SessionFile.Context(groups: Self.context.groups, onlyGroup: "BAS-1")
        let sessions = try parse(",2024-03-04,09:00,10:00,\n", context: only).get()
        #expect(sessions.map(\.session.groupCode) == ["BAS-1"])
        let other = issues("FERIA,2024-07-30,09:00,10:00,\n", context: only)
        #expect(other.map(\.column) == ["grupo"] && other.first?.message.contains("BAS-1") == true)
    }

    @Test func aGroupWithoutSessionsHasOneADayFromStartToEnd() {
        let group = TrainingGroup(
            code: "BAS-1", courseCode: nil, kind: .capacitacion, agencyCode: "SICT",
            startsOn: CalendarDate(year: 2024, month: 2, day: 27)!, endsOn: CalendarDate(year: 2024, month: 3, day: 2),
            modality: nil, state: nil, capacity: nil, generalPublic: 0, publicServants: 0)
        let days = GroupSession.defaults(for: group)
        #expect(
            days.map(\.code) == [
                "BAS-1-S20240227", "BAS-1-S20240228", "BAS-1-S20240229", "BAS-1-S20240301", "BAS-1-S20240302",
            ])
        #expect(days.allSatisfy { !$0.scheduled && $0.startsAt == nil && $0.place == nil })
        var oneDay = group
        oneDay.endsOn = nil
        #expect(GroupSession.defaults(for: oneDay).count == 1)
        var years = group
        years.endsOn = CalendarDate(year: 2030, month: 1, day: 1)
        #expect(GroupSession.defaults(for: years).count == GroupSession.defaultDayLimit)
        #expect(CalendarDate(year: 2024, month: 12, day: 31)?.nextDay?.description == "2025-01-01")
    }
}

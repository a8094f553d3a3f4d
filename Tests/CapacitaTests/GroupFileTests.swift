import Capacita
import CapacitaFiles
import Testing

@Suite struct GroupFileTests {
    static let context = GroupFile.Context(
        registry: AgencyRegistry([
            Agency(
                code: "SICT", name: "Secretaría de Infraestructura, Comunicaciones y Transportes",
                formerNames: ["SCT"], order: .federal, countsInIndicator: true)
        ]),
        catalog: Catalog(courses: [
            Course(
                code: "PNC22-BAS", program: .pnc2022, level: .basico, title: "Básico", modalities: [.presencial],
                hours: 20,
                audience: "", objectives: [], temario: [], evaluation: [],
                passing: PassingRule(minScore: 80, minAttendance: 80),
                maxGroupSize: 40, prerequisites: [], countsForIndicator: true),
            Course(
                code: "PNC22-SENS", program: .pnc2022, level: .sensibilizacion, title: "Taller",
                modalities: [.presencial, .enLinea],
                hours: 4, audience: "", objectives: [], temario: [], evaluation: [],
                passing: PassingRule(minScore: 0, minAttendance: 80),
                maxGroupSize: 40, prerequisites: [], countsForIndicator: true),
        ]))

    static let header =
        "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos\n"

    private func parse(_ rows: String) -> Result<[NumberedGroup], ImportIssues> {
        GroupFile.parse(Array((Self.header + rows).utf8), context: Self.context)
    }

    @Test func kindComesFromTheCourseAndCupoFromItsMaximum() throws {
        let groups = try parse(
            """
            bas-1,PNC22-BAS,,SCT,2024-03-04,08/03/2024,Presencial,df,,,
            sens-1,PNC22-SENS,,SICT,2024-03-04,,En línea,,25,,
            feria,,Sensibilización,SICT,2024-05-01,,,,,"4,000",120
            """
        ).get().map(\.group)
        #expect(groups.map(\.code) == ["BAS-1", "SENS-1", "FERIA"])
        #expect(groups.map(\.kind) == [.capacitacion, .sensibilizacion, .sensibilizacion])
        #expect(groups.map(\.capacity) == [40, 25, nil])
        #expect(groups[0].endsOn == CalendarDate(year: 2024, month: 3, day: 8))
        #expect(groups[0].state == "DF")
        #expect(groups[1].modality == .enLinea)
        #expect(groups[2].generalPublic == 4000 && groups[2].publicServants == 120)
    }

    /// An online group of the Curso Básico may hold 100 when the course allows 200 online; the
    /// same cupo in a classroom is refused with the modality's maximum.
    @Test func cupoIsCheckedAgainstTheModalitysMaximum() throws {
        var online = Self.context.catalog.courses[0]
        online.modalities = [.presencial, .enLinea]
        online.groupSizes = ["presencial": 40, "en_linea": 200]
        let context = GroupFile.Context(registry: Self.context.registry, catalog: Catalog(courses: [online]))
        let file =
            Self.header
            + "b-1,PNC22-BAS,,SICT,2024-03-04,,en_linea,,100,,\nb-2,PNC22-BAS,,SICT,2024-03-04,,presencial,,100,,\n"
        guard case .failure(let issues) = GroupFile.parse(Array(file.utf8), context: context) else {
            Issue.record("a classroom of 100 was accepted")
            return
        }
        #expect(issues.issues.map { "\($0.line):\($0.column)" } == ["3:cupo"])
        #expect(issues.issues.first?.message == "el cupo máximo del curso PNC22-BAS en modalidad presencial es 40")
        let groups = try GroupFile.parse(
            Array((Self.header + "b-3,PNC22-BAS,,SICT,2024-03-04,,en_linea,,,,\n").utf8), context: context
        ).get()
        #expect(groups.first?.group.capacity == 200)
    }

    @Test func everyBadCellIsReported() {
        let result = parse(
            """
            A,PNC22-XXX,,SICT,2024-03-04,,,,,,
            B,PNC22-SENS,capacitacion,SICT,2024-03-04,,,,,,
            C,,,SICT,2024-03-04,,,,,,
            D,PNC22-BAS,,Nadie,2024-03-04,,,,,,
            E,PNC22-BAS,,SICT,2024-02-30,,,,,,
            F,PNC22-BAS,,SICT,2024-03-04,2024-03-01,,,,,
            G,PNC22-BAS,,SICT,2024-03-04,,en_linea,,,,
            H,PNC22-BAS,,SICT,2024-03-04,,,,41,,
            I,PNC22-BAS,,SICT,2024-03-04,,,XX,,-3,
            a,PNC22-BAS,,SICT,2024-03-04,,,,,,
            """)
        guard case .failure(let failure) = result else {
            Issue.record("a bad file was accepted")
            return
        }
        #expect(
            failure.issues.map { "\($0.line):\($0.column)" } == [
                "2:curso", "3:tipo", "4:tipo", "5:dependencia", "6:inicio", "7:fin", "8:modalidad", "9:cupo",
                "10:entidad", "10:publico_general", "11:grupo",
            ])
    }
}

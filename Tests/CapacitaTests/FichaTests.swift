import Capacita
import CapacitaFiles
import TestSupport
import Testing

@Suite struct FichaTests {
    static let registry = AgencyRegistry([
        Agency(
            code: "SICT", name: "Secretaría de Infraestructura, Comunicaciones y Transportes", formerNames: ["SCT"],
            order: .federal,
            countsInIndicator: true),
        Agency(code: "INM", name: "Instituto Nacional de Migración", order: .federal, countsInIndicator: true),
        Agency(
            code: "FGJNL", name: "Fiscalía General de Justicia de Nuevo León", order: .estatal, state: "NL",
            countsInIndicator: false),
    ])
    static let reader = FichaReader(registry: registry, years: 2010...2030)

    static let yaml = Fixtures.fichaYAML

    static let csv = """
        dependencia,anio,total,hombres,mujeres,otro,edad_18_29,edad_30_44,edad_45_59,edad_60_mas,escolaridad_secundaria,escolaridad_medio_superior,escolaridad_licenciatura_o_superior,area_economico_administrativo,area_leyes,area_ingenierias,area_tecnologias_de_la_informacion,area_ciencias_sociales,area_medicina_general,area_otra,necesidades_capacitacion,necesidades_especializacion,necesidades_formador,puestos,cursos_previos,observaciones
        Secretaría de Infraestructura Comunicaciones y Transportes,2024,10,6,4,,1,5,3,1,1,2,7,2,2,2,2,1,1,,8,,2,Jefe de departamento:medio:4|Analista:operativo:6,Taller 2019:3,Prueba
        """

    private func paths(_ result: Result<[FichaReader.Read], ImportIssues>) -> [String] {
        guard case .failure(let failure) = result else { return [] }
        return failure.issues.map(\.column)
    }

    @Test func yamlJSONAndCSVGiveTheSameFicha() throws {
        let fromYAML = try Self.reader.read(yaml: Self.yaml).get()
        let fromCSV = try Self.reader.read(csv: Array(Self.csv.utf8)).get()
        #expect(fromYAML.map(\.ficha) == fromCSV.map(\.ficha))
        let ficha = try #require(fromYAML.first?.ficha)
        #expect(ficha.agencyCode == "SICT" && ficha.otro == 0 && ficha.area["otra"] == 0)
        #expect(ficha.peopleByTier == [.medio: 4, .operativo: 6])
        #expect(fromCSV.first?.line == 2)
        let json = """
            [{"dependencia": "INM", "anio": 2024, "total": 1, "hombres": 1, "mujeres": 0,
              "edad": {"18-29": 1, "30-44": 0, "45-59": 0, "60+": 0},
              "escolaridad": {"secundaria": 0, "medio_superior": 0, "licenciatura_o_superior": 1},
              "area": {"economico_administrativo": 0, "leyes": 1, "ingenierias": 0, "tecnologias_de_la_informacion": 0,
                       "ciencias_sociales": 0, "medicina_general": 0}}]
            """
        #expect(try Self.reader.read(yaml: json).get().first?.ficha.agencyCode == "INM")
    }

    @Test func sexesMustAddUpToTheTotal() {
        #expect(
            paths(Self.reader.read(yaml: Self.yaml.replacingOccurrences(of: "mujeres: 4", with: "mujeres: 5"))) == [
                "total"
            ])
    }

    @Test func eachBreakdownMustAddUpToTheTotal() {
        #expect(paths(Self.reader.read(yaml: Self.yaml.replacingOccurrences(of: "60+: 1", with: "60+: 2"))) == ["edad"])
        #expect(
            paths(Self.reader.read(yaml: Self.yaml.replacingOccurrences(of: "secundaria: 1", with: "secundaria: 0")))
                == ["escolaridad"])
        #expect(
            paths(
                Self.reader.read(
                    yaml: Self.yaml.replacingOccurrences(
                        of: "medicina_general: 1}", with: "medicina_general: 1, otra: 3}"))) == ["area"])
    }

    @Test func puestosMayNotExceedTheTotal() {
        #expect(
            paths(Self.reader.read(yaml: Self.yaml.replacingOccurrences(of: "personas: 6}", with: "personas: 7}"))) == [
                "puestos"
            ])
    }

    @Test func badValuesAreNamedByFieldPath() {
        let yaml = Self.yaml.replacingOccurrences(of: "hombres: 6", with: "hombres: -6")
            .replacingOccurrences(of: "nivel: medio", with: "nivel: jefe")
            .replacingOccurrences(of: "ingenierias: 2", with: "ingenieria: 2")
            .replacingOccurrences(of: "observaciones: Prueba", with: "notas: Prueba")
        #expect(
            Set(paths(Self.reader.read(yaml: yaml))) == [
                "hombres", "puestos[1].nivel", "area.ingenieria", "area.ingenierias", "notas",
            ])
    }

    @Test func agencyMustBeKnownAndYearPlausible() {
        #expect(
            paths(
                Self.reader.read(
                    yaml: Self.yaml.replacingOccurrences(of: "dependencia: SCT", with: "dependencia: Nadie"))) == [
                    "dependencia"
                ])
        #expect(
            paths(Self.reader.read(yaml: Self.yaml.replacingOccurrences(of: "anio: 2024", with: "anio: 1990"))) == [
                "anio"
            ])
    }

    @Test func csvProblemsCarryTheirLine() {
        let bad = Self.csv.replacingOccurrences(of: ",2024,10,6,4,", with: ",2024,10,6,5,")
        guard case .failure(let failure) = Self.reader.read(csv: Array(bad.utf8)) else {
            Issue.record("a bad CSV ficha was accepted")
            return
        }
        #expect(failure.issues.map { "\($0.line):\($0.column)" } == ["2:total"])
    }

    @Test func summaryAddsUpByOrderSexAndNeedsAndListsMissingMembers() throws {
        var state = try Self.reader.read(yaml: Self.yaml).get()[0].ficha
        state.agencyCode = "FGJNL"
        let sict = try Self.reader.read(yaml: Self.yaml).get()[0].ficha
        let summary = FichaSummary.of(year: 2024, fichas: [sict, state], agencies: Self.registry.agencies)
        #expect(summary.total == 20)
        #expect(summary.byOrder == ["federal": 10, "estatal": 10, "municipal": 0])
        #expect(summary.bySex == ["hombres": 12, "mujeres": 8, "otro": 0])
        #expect(summary.necesidades == ["capacitacion": 16, "especializacion": 0, "formador": 4])
        #expect(summary.edad["30-44"] == 10)
        #expect(summary.missing == ["INM"])
    }

    @Test func planCountsGroupsFromNeedsAndProjectsTiers() throws {
        let ficha = try Self.reader.read(yaml: Self.yaml).get()[0].ficha
        let basic = Course(
            code: "PNC22-BAS", program: .pnc2022, level: .basico, title: "B", modalities: [.presencial], hours: 20,
            audience: "", objectives: [], temario: [], evaluation: [],
            passing: PassingRule(minScore: 80, minAttendance: 80),
            maxGroupSize: 3, prerequisites: [], countsForIndicator: true)
        let plan = FichaPlan.make(
            fichas: [ficha], catalog: Catalog(courses: [basic]), program: .pnc2022,
            needLevels: NeedLevels(["capacitacion": .basico, "formador": .formador]),
            headcounts: ["SICT": Headcount(agencyCode: "SICT", year: 2024, alto: 10, medio: 81, operativo: 100)],
            trained: [TrainedCount(agencyCode: "SICT", tier: .operativo, people: 1)], threshold: 5)
        #expect(plan.groups.first { $0.need == "capacitacion" }?.groups == 3)  // 8 people, groups of 3
        #expect(plan.groups.first { $0.need == "formador" }?.groups == nil)  // no Formador course in this catalog
        let operativo = try #require(plan.tiers.first { $0.tier == .operativo })
        #expect(operativo.trainedNow == 1 && operativo.toTrain == 6 && operativo.projected?.meets == true)  // 7 of 100
        #expect(plan.tiers.first { $0.tier == .medio }?.projected?.meets == false)  // 4 of 81
    }
}

import Capacita
import CapacitaStore
import Testing

@Suite struct FichaStoreTests {
    static let yaml = """
        dependencia: SCT
        anio: 2024
        total: 10
        hombres: 6
        mujeres: 4
        edad: {18-29: 1, 30-44: 5, 45-59: 3, 60+: 1}
        escolaridad: {secundaria: 1, medio_superior: 2, licenciatura_o_superior: 7}
        area: {economico_administrativo: 2, leyes: 2, ingenierias: 2, tecnologias_de_la_informacion: 2, ciencias_sociales: 1, medicina_general: 1}
        puestos:
          - {puesto: Jefe de departamento, nivel: medio, personas: 4}
          - {puesto: Analista, nivel: operativo, personas: 6}
        cursos_previos:
          - {curso: Taller 2019, personas: 3}
        necesidades: {capacitacion: 8, formador: 2}
        observaciones: Prueba
        """

    @Test func importingAgainReplacesAndKeepsTheHistory() throws {
        try withLoadedDatabase { connection in
            let reader = FichaReader(registry: try AgencyStore(connection: connection).registry(), years: 2010...2030)
            let first = try reader.read(yaml: Self.yaml).get().map(\.ficha)
            let store = FichaStore(connection: connection)
            let sha = String(repeating: "b", count: 64)
            #expect(try store.importFichas(first, fileName: "a.yaml", sha256: sha, ranBy: "t").imported == 1)
            #expect(try store.importFichas(first, fileName: "a.yaml", sha256: sha, ranBy: "t").unchanged == 1)
            let corrected = try reader.read(yaml: Self.yaml.replacingOccurrences(of: "Prueba", with: "Corregida")).get().map(\.ficha)
            #expect(try store.importFichas(corrected, fileName: "b.yaml", sha256: sha, ranBy: "t").updated == 1)
            let history = try store.history(agency: "SICT", year: 2024)
            #expect(history.map(\.version) == [2, 1])
            #expect(history[0].supersededAt == nil && history[1].supersededAt != nil)
            #expect(history[1].ficha.observaciones == "Prueba")
            #expect(try store.current(agency: "SICT", year: 2024)?.ficha.observaciones == "Corregida")
            #expect(try store.current(year: 2024).count == 1)
        }
    }
}

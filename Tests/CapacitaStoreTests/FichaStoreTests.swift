import Capacita
import CapacitaStore
import TestSupport
import Testing

@Suite struct FichaStoreTests {
    static let yaml = Fixtures.fichaYAML

    @Test func importingAgainReplacesAndKeepsTheHistory() throws {
        try withLoadedDatabase { connection in
            let reader = FichaReader(registry: try AgencyStore(connection: connection).registry(), years: 2010...2030)
            let first = try reader.read(yaml: Self.yaml).get().map(\.ficha)
            let store = FichaStore(connection: connection)
            let sha = String(repeating: "b", count: 64)
            #expect(try store.importFichas(first, fileName: "a.yaml", sha256: sha, ranBy: "t").imported == 1)
            #expect(try store.importFichas(first, fileName: "a.yaml", sha256: sha, ranBy: "t").unchanged == 1)
            let corrected = try reader.read(yaml: Self.yaml.replacingOccurrences(of: "Prueba", with: "Corregida")).get()
                .map(\.ficha)
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

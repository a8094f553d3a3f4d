import Capacita
import CapacitaFiles
import CapacitaStore
import TestSupport
import Testing

@Suite struct FichaStoreTests {
    static let yaml = Fixtures.fichaYAML

    /// A YAML ficha is decided like a CSV: Windows-1252 reads with its accents; UTF-8 with a stray
    /// byte (a mixed file) is refused naming its line, and nothing is stored.
    @Test func aYAMLFichaInAMixedEncodingIsRefusedByLine() throws {
        try withLoadedDatabase { connection in
            let imports = FileImports(connection: connection)
            // «observaciones: Año», the ñ as Windows-1252 writes it (0xF1), in an otherwise ASCII file.
            func with(_ observation: [UInt8], accent: Bool) -> [UInt8] {
                let text =
                    accent ? Self.yaml.replacingOccurrences(of: "total: 10", with: "total: 10 # señal") : Self.yaml
                let parts = text.components(separatedBy: "observaciones: Prueba")
                return Array(parts[0].utf8) + Array("observaciones: ".utf8) + observation + Array(parts[1].utf8)
            }
            let latin = with([0x41, 0xF1, 0x6F], accent: false)
            let read = try imports.fichas(try InputFile(bytes: latin, name: "f.yaml"), ranBy: "t", currentYear: 2026)
            #expect(read.accepted, "\(read.rejected)")
            #expect(
                try connection.query("SELECT document->>'observaciones' AS o FROM ficha").map {
                    try $0.decode("o", as: String?.self)
                } == ["Año"])
            // The same byte in a file whose comment is UTF-8 («señal»): a mixed file.
            let mixed = with([0x41, 0xF1, 0x6F], accent: true)
            let refused = try imports.fichas(try InputFile(bytes: mixed, name: "g.yaml"), ranBy: "t", currentYear: 2026)
            #expect(!refused.accepted)
            let line = Self.yaml.components(separatedBy: "observaciones").first!.split(
                separator: "\n", omittingEmptySubsequences: false
            ).count
            #expect(refused.rejected.map(\.line) == [line])
            #expect(refused.rejected.first?.message.contains("mezcla de codificaciones") == true)
            #expect(try count("ficha", connection) == 1)
        }
    }

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

import CapacitaFiles
import Testing

@Suite struct NameKeyTests {
    @Test func keyIgnoresCaseAccentsPunctuationAndRepeatedSpaces() {
        #expect(
            NameKey.make("Secretaría de Comunicaciones  y Transportes.") == "secretaria de comunicaciones y transportes"
        )
        #expect(NameKey.make("  SIS. NAC. para el Desarrollo ") == NameKey.make("Sis Nac para el desarrollo"))
        #expect(NameKey.make("Migración") == NameKey.make("MIGRACION"))
    }

    @Test func headerTreatsSpaceHyphenAndUnderscoreAlike() {
        #expect(NameKey.header("Apellido Paterno") == "apellido_paterno")
        #expect(NameKey.header(" apellido-paterno ") == "apellido_paterno")
        #expect(NameKey.header("AÑO") == "ano")
    }
}

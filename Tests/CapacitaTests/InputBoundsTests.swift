import Capacita
import Testing

/// Hostile or broken input is refused by line, bounded in memory, and never echoes personal data.
@Suite struct InputBoundsTests {
    @Test(arguments: [
        ("Pérez\u{202E}orolF", "dirección"), ("Ana\u{200B}", "invisibles"), ("Ana\u{9B}", "C1"), ("12345", "letra"),
        ("---", "letra"), (String(repeating: "a", count: 121), "120"), ("Ana\tMaría", "control"),
    ])
    func namesMustBeLettersWithoutHiddenCharacters(name: String, reason: String) {
        let problem = CellText.nameProblem(name)
        #expect(problem?.contains(reason) == true, "\(name.unicodeScalars.map(\.value)): \(problem ?? "nil")")
    }

    @Test func realNamesAreAccepted() {
        for name in [
            "José María", "O'Connor", "Xicoténcatl", "Ñañez-Ibáñez", "Gómez de la Peña",
            String(repeating: "á", count: 120),
        ] {
            #expect(CellText.nameProblem(name) == nil, "\(name)")
        }
    }

    @Test func groupCodesTakeLettersDigitsAndThreeMarks() {
        for code in ["SICT-BAS-2024-01", "INM_2024.3", "G1"] { #expect(TrainingGroup.isValidCode(code), "\(code)") }
        for code in ["G\u{200B}ZW", "GRUPO😀", "ГРУПО", "G 1", "", String(repeating: "A", count: 41)] {
            #expect(!TrainingGroup.isValidCode(code), "\(code)")
        }
    }

    @Test func yamlAliasesAreRefusedInFichas() {
        let reader = FichaReader(registry: AgencyRegistry([]), years: 2012...2030)
        let laughs =
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]\n"
        guard case .failure(let issues) = reader.read(yaml: laughs) else {
            Issue.record("an alias was accepted")
            return
        }
        #expect(issues.issues.first?.line == 1)
        #expect(issues.issues.first?.message.contains("alias") == true)
        #expect(FichaReader.firstAliasLine("observaciones: \"precio *especial* & más\"\n# comentario *x\n") == nil)
    }
}

@Suite struct RedactionTests {
    @Test func anythingShapedLikeACurpIsMaskedWherever() {
        #expect(
            Curp.redact("Key (group_code, curp)=(G1, GOMC800101HDFMRR09) already exists")
                == "Key (group_code, curp)=(G1, GOMC**************) already exists")
        #expect(Curp.redact("nivel gomc800101hdfmrr09 desconocido") == "nivel gomc************** desconocido")
        #expect(Curp.redact("HEGG560427") == "HEGG******")
        #expect(Curp.redact("SICT-BAS-2024-01 y PNC-2024-000123") == "SICT-BAS-2024-01 y PNC-2024-000123")
        #expect(Curp.redact("XAB1234567") == "XAB1234567")
    }
}

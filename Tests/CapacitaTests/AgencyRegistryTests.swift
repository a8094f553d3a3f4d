import Capacita
import Testing

@Suite struct AgencyRegistryTests {
    let registry = AgencyRegistry([
        Agency(
            code: "SICT", name: "Secretaría de Infraestructura, Comunicaciones y Transportes",
            formerNames: ["SCT", "Secretaría de Comunicaciones y Transportes"], order: .federal, countsInIndicator: true
        ),
        Agency(
            code: "INM", name: "Instituto Nacional de Migración", formerNames: ["INAMI"], order: .federal,
            countsInIndicator: true),
        Agency(
            code: "FGE-JC", name: "Fiscalía del Estado de Jalisco", formerNames: ["Fiscalía"], order: .estatal,
            state: "JC",
            countsInIndicator: false),
        Agency(
            code: "FGE-NL", name: "Fiscalía General de Justicia de Nuevo León", formerNames: ["Fiscalía"],
            order: .estatal,
            state: "NL", countsInIndicator: false),
    ])

    @Test func resolvesCodeNameAndFormerName() {
        for text in [
            "SICT", "sict", "Secretaría de Infraestructura, Comunicaciones y Transportes",
            "secretaria de comunicaciones y transportes", "S.C.T.",
        ] {
            guard case .found(let agency) = registry.resolve(text) else {
                Issue.record("\(text) did not resolve")
                continue
            }
            #expect(agency.code == "SICT", "\(text)")
        }
    }

    @Test func unknownNameSuggestsTheClosest() {
        guard case .unknown(let suggestions) = registry.resolve("Instituto Nacional de Migracion y Extranjeria") else {
            Issue.record("an unknown name resolved")
            return
        }
        #expect(suggestions.first?.code == "INM")
    }

    @Test func nameSharedByTwoAgenciesIsAmbiguous() {
        guard case .ambiguous(let agencies) = registry.resolve("fiscalia") else {
            Issue.record("a shared name resolved to one agency")
            return
        }
        #expect(Set(agencies.map(\.code)) == ["FGE-JC", "FGE-NL"])
    }
}

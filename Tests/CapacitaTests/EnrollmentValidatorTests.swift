import Capacita
import CapacitaFiles
import Testing

@Suite struct EnrollmentValidatorTests {
    static let registry = AgencyRegistry([
        Agency(
            code: "SICT", name: "Secretaría de Infraestructura, Comunicaciones y Transportes", formerNames: ["SCT"],
            order: .federal, countsInIndicator: true),
        Agency(
            code: "SECTUR", name: "Secretaría de Turismo", formerNames: ["Turismo"], order: .federal,
            countsInIndicator: true),
    ])

    private func validator(agency: String? = nil, group: String? = nil) -> EnrollmentValidator {
        EnrollmentValidator(
            registry: Self.registry, tiers: TierTableTests.defaults,
            agency: agency.flatMap { Self.registry.agency(code: $0) }, group: group, groups: ["G1", "G2"])
    }

    private func check(_ header: String, _ line: String, agency: String? = nil, group: String? = nil)
        -> (row: EnrollmentRow?, issues: [ImportIssue], headerIssues: [ImportIssue])
    {
        var issues: [ImportIssue] = []
        let columns = CSVColumns(
            header: header.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
            specs: EnrollmentValidator.columns, issues: &issues)
        var validator = validator(agency: agency, group: group)
        let headerIssues = issues + validator.headerIssues(columns)
        let row = CSVRow(
            line: 2,
            cells: line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() },
            columns: columns)
        var rowIssues: [ImportIssue] = []
        let valid = validator.validate(row, issues: &rowIssues)
        return (valid, rowIssues, headerIssues)
    }

    static let header = "CURP,Nombre(s),Apellido Paterno,Apellido-Materno,Sexo,Correo,Dependencia,Nivel,Puesto,Grupo"

    @Test func validRowKeepsAccentsAndMapsEveryColumn() throws {
        let result = check(
            Self.header, "hegg560427mvzrrl04,Gloria,Hernández,Núñez,,gloria@sct.gob.mx,SCT,enlace,Analista,g1")
        #expect(result.headerIssues.isEmpty)
        #expect(result.issues.isEmpty)
        let row = try #require(result.row)
        #expect(row.curp.value == "HEGG560427MVZRRL04")
        #expect(row.firstSurname == "Hernández" && row.secondSurname == "Núñez")
        #expect(row.sex == .mujer)  // taken from the CURP
        #expect(row.agencyCode == "SICT" && row.tier == .operativo && row.groupCode == "G1")
    }

    @Test func eachRowCheckReportsItsColumnWithTheCurpMasked() {
        let result = check(Self.header, "HEGG560427MVZRRL05,,,,H,gloria@,Nadie,Z,,G9")
        #expect(result.row == nil)
        #expect(
            result.issues.map(\.column) == [
                "curp", "nombre", "primer_apellido", "correo", "dependencia", "nivel", "grupo",
            ])
        #expect(result.issues.first?.value == "HEGG**************")
        #expect(!result.issues.contains { $0.value.contains("560427") })
    }

    @Test func controlCharactersInANameAreRefused() {
        let result = check(Self.header, "HEGG560427MVZRRL04,Glo\tria,Hernández,Gar\u{1F}cía,M,,SCT,L,,G1")
        #expect(result.row == nil)
        #expect(result.issues.map(\.column) == ["nombre", "segundo_apellido"])
    }

    @Test func sexMustAgreeWithTheCurp() {
        let result = check(Self.header, "HEGG560427MVZRRL04,Gloria,Hernández,,H,,SCT,L,,G1")
        #expect(result.issues.map(\.column) == ["sexo"])
    }

    @Test func agencyAndGroupOptionsFillMissingColumnsAndMustAgree() {
        let header = "curp,nombre,primer_apellido,nivel"
        let missing = check(header, "HEGG560427MVZRRL04,Gloria,Hernández,L")
        #expect(Set(missing.headerIssues.map(\.column)) == ["grupo", "dependencia"])
        let filled = check(header, "HEGG560427MVZRRL04,Gloria,Hernández,L", agency: "SICT", group: "G2")
        #expect(filled.headerIssues.isEmpty && filled.row?.agencyCode == "SICT" && filled.row?.groupCode == "G2")
        let disagree = check(
            Self.header, "HEGG560427MVZRRL04,Gloria,Hernández,,,,Turismo,L,,G1", agency: "SICT", group: "G2")
        #expect(disagree.issues.map(\.column) == ["dependencia", "grupo"])
    }
}

@Suite struct EmailTests {
    @Test func onlyPlausibleAddressesPass() {
        for good in ["a@b.mx", "maria.lopez@sct.gob.mx", "x+y@dominio.com.mx"] {
            #expect(emailIssues(good).isEmpty, "\(good)")
        }
        for bad in ["a@", "@b.mx", "a@b", "a@.mx", "a@b.", "a@@b.mx", "a b@c.mx", "a@b..mx"] {
            #expect(emailIssues(bad) == ["correo"], "\(bad)")
        }
    }

    private func emailIssues(_ email: String) -> [String] {
        var issues: [ImportIssue] = []
        let columns = CSVColumns(
            header: ["curp", "nombre", "primer_apellido", "nivel", "correo", "grupo", "dependencia"],
            specs: EnrollmentValidator.columns, issues: &issues)
        var validator = EnrollmentValidator(
            registry: EnrollmentValidatorTests.registry, tiers: TierTableTests.defaults,
            agency: nil, group: nil, groups: ["G1"])
        let row = CSVRow(
            line: 2, cells: ["HEGG560427MVZRRL04", "Gloria", "Hernández", "L", email, "G1", "SICT"], columns: columns)
        _ = validator.validate(row, issues: &issues)
        return issues.map(\.column)
    }
}

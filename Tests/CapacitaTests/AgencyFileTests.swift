import Capacita
import CapacitaFiles
import Foundation
import Testing

@Suite struct AgencyFileTests {
    static let header = "codigo,nombre,nombres_anteriores,orden,entidad,cuenta_en_indicador\n"

    private func parse(_ text: String, existing: [Agency] = []) -> Result<[Agency], ImportIssues> {
        AgencyFile.parse(Array(text.utf8), existing: existing)
    }

    @Test func seedFileHoldsTheThirteenMembersAndThoseTakingPart() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../db/seed/agencies.csv")
        let agencies = try parse(String(contentsOf: url, encoding: .utf8)).get()
        #expect(agencies.count == 17)
        #expect(agencies.filter(\.countsInIndicator).count == 13)
        // Taking part, not counted in TII: INACIPE, FGR, and the two the 2018 programme's table of
        // 2017 events lists beside the ministries.
        #expect(Set(agencies.filter { !$0.countsInIndicator }.map(\.code)) == ["INACIPE", "FGR", "CNS", "CAMDIP"])
        let registry = AgencyRegistry(agencies)
        let expectations = [
            "SCT": "SICT", "SEDESOL": "BIENESTAR", "Procuraduría General de la República": "FGR",
            "inami": "INM", "Procuraduria Social de Atencion a Victimas del Delito": "CEAV",
            "Secretaría de Seguridad Pública": "SSPC", "DIF": "SNDIF",
            // The names the 2018 programme's table of 2017 events uses.
            "Comunicaciones y Transportes": "SICT", "Trabajo y Previsión Social": "STPS",
            "Comisión Nacional de Seguridad": "CNS", "Cámara de Diputados": "CAMDIP",
        ]
        for (name, code) in expectations {
            guard case .found(let agency) = registry.resolve(name) else {
                Issue.record("\(name) did not resolve")
                continue
            }
            #expect(agency.code == code)
        }
    }

    @Test func everyBadCellIsReportedWithItsLine() {
        let text =
            Self.header + """
                OK1,Uno,,federal,,true
                bad code,Dos,,federal,,true
                TRES,,,federal,,si
                CUATRO,Cuatro,,provincial,,no
                CINCO,Cinco,,federal,JC,no
                SEIS,Seis,,estatal,,no
                SIETE,Siete,,municipal,ZZ,no
                OCHO,Ocho,,federal,,quizá
                OK1,Uno otra vez,,federal,,true
                """
        guard case .failure(let failure) = parse(text) else {
            Issue.record("a bad file was accepted")
            return
        }
        let found = Set(failure.issues.map { "\($0.line):\($0.column)" })
        #expect(
            found == [
                "3:codigo", "4:nombre", "5:orden", "6:entidad", "7:entidad", "8:entidad", "9:cuenta_en_indicador",
                "10:codigo",
            ])
    }

    @Test func missingRequiredColumnIsReportedOnTheHeader() {
        guard case .failure(let failure) = parse("codigo,nombre\nX,Y\n") else {
            Issue.record("a file without orden was accepted")
            return
        }
        #expect(failure.issues.contains { $0.line == 1 && $0.column == "orden" })
        #expect(failure.issues.contains { $0.line == 1 && $0.column == "cuenta_en_indicador" })
    }

    @Test func nameGivenToTwoAgenciesIsRefused() {
        let existing = [
            Agency(
                code: "SEGOB", name: "Secretaría de Gobernación", formerNames: ["Gobernación"], order: .federal,
                countsInIndicator: true)
        ]
        guard
            case .failure(let failure) = parse(
                Self.header + "NUEVA,Nueva,gobernacion,federal,,false\n", existing: existing)
        else {
            Issue.record("a clashing name was accepted")
            return
        }
        #expect(
            failure.issues == [
                ImportIssue(
                    line: 2, column: "nombres_anteriores", value: "gobernacion",
                    message: "el nombre ya identifica a la instancia SEGOB")
            ])
    }

    @Test func semicolonWindows1252FileFromExcelIsRead() throws {
        var bytes = Array("codigo;nombre;nombres_anteriores;orden;entidad;cuenta_en_indicador\r\n".utf8)
        bytes +=
            Array("FGE-NL;Fiscal".utf8) + [0xED] + Array("a de Nuevo Le".utf8) + [0xF3]
            + Array("n;;estatal;nl;no\r\n".utf8)
        let agencies = try AgencyFile.parse(bytes).get()
        #expect(
            agencies == [
                Agency(
                    code: "FGE-NL", name: "Fiscalía de Nuevo León", order: .estatal, state: "NL",
                    countsInIndicator: false)
            ])
    }
}

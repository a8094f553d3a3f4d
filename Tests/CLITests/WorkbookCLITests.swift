import CapacitaFiles
import CapacitaStore
import Foundation
import TestSupport
import Testing

/// `--format xlsx --out` and `capacita template`, run as a user would.
@Suite struct WorkbookCLITests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capacita-cli-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func text(_ path: String, sheet: String? = nil) throws -> String {
        String(decoding: try InputFile(path: path, sheet: sheet).readAll(), as: UTF8.self)
    }

    @Test func theIndicatorWorkbookHasTheCardThenTheAgencies() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(
                url, then: [["headcount", "import", TestDatabase.projectRoot.path + "/examples/plantillas-2024.csv"]])
            let out = try Self.folder().appendingPathComponent("p42.xlsx").path
            // The format follows the file's extension.
            let written = CLI.run(["report", "indicator", "--year", "2024", "--out", out], url: url)
            #expect(written.status == 0, "\(written.error)")
            #expect(written.output.isEmpty && written.error.contains("Libro escrito en"))
            let card = try Self.text(out)
            #expect(card.contains("Parámetro 4.2") && card.contains("NII,") && card.contains("PII%"))
            #expect(card.contains("umbral,5"))
            let agencies = try Self.text(out, sheet: "Instancias")
            #expect(agencies.hasPrefix("instancia,nivel de mando,plantilla"))
            #expect(agencies.contains("SICT,alto,"))
            // The same report as JSON says the same NII.
            let json = CLI.run(["report", "indicator", "--year", "2024", "--format", "json"], url: url)
            let nii = try #require(
                (try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])?["nii"] as? Int)
            #expect(card.contains("NII,\(nii)\n"))
        }
    }

    @Test func aWorkbookNeedsAFileAndATokenIsNeverWrittenInOne() {
        let bare = CLI.run(["agency", "list", "--format", "xlsx"], url: nil)
        #expect(bare.status == 2 && bare.error.contains("--out ARCHIVO.xlsx"))
        let token = CLI.run(
            ["token", "create", "--role", "admin", "--name", "x", "--format", "xlsx", "--out", "/tmp/t.xlsx"], url: nil)
        #expect(token.status == 2 && token.error.contains("un token no se escribe en un libro"))
        let template = CLI.run(["template", "enroll", "--out", "plantilla.csv"], url: nil)
        #expect(template.status == 2 && template.error.contains(".xlsx"))
        let kind = CLI.run(["template", "personas", "--out", "p.xlsx"], url: nil)
        #expect(kind.status == 2 && kind.error.contains("enroll, groups, results, headcounts"))
    }

    @Test func aListAsCSVGoesToItsFileAndAnImportReportToAWorkbook() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            let folder = try Self.folder()
            let csv = folder.appendingPathComponent("grupos.csv").path
            #expect(CLI.run(["group", "list", "--year", "2024", "--out", csv], url: url).status == 0)
            #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("group,course,"))
            // A refused file's problems as a workbook: line, column, value and reason, to fix.
            let report = folder.appendingPathComponent("problemas.xlsx").path
            let refused = CLI.run(
                [
                    "enroll", "import", TestDatabase.projectRoot.path + "/examples/inscripcion-sict.csv", "--agency",
                    "SICT", "--out", report,
                ], url: url)
            #expect(refused.status == 1)
            let problems = try Self.text(report, sheet: "Problemas")
            #expect(problems.hasPrefix("línea,columna,valor,motivo\n"))
            #expect(problems.split(separator: "\n").count > 1)
            #expect(try Self.text(report, sheet: "Resumen").contains("problemas,"))
        }
    }

    @Test func aTemplateForAnAgencyOffersItsGroups() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            let out = try Self.folder().appendingPathComponent("plantilla.xlsx").path
            let run = CLI.run(["template", "enroll", "--agency", "SICT", "--year", "2024", "--out", out], url: url)
            #expect(run.status == 0, "\(run.error)")
            #expect(try Self.text(out).hasPrefix("curp,nombre,primer_apellido"))
            let lists = try Self.text(out, sheet: "Listas")
            #expect(lists.contains("SICT-BAS-2024-01"))
        }
    }
}

import Foundation
import TestSupport
import Testing

/// `report meta41` through the built executable on the demo catalog (Sensibilización and Básico
/// approved on 30 June 2024): ND with the seed file's programmed actions (none are published),
/// the filled-in card with the demo's illustrative ones, N/A before 2021 and p/ for a year in
/// progress.
@Suite struct Meta41CLITests {
    static func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    static let demo = TestDatabase.projectRoot.appendingPathComponent("examples/acciones-programadas.csv").path

    @Test func withoutProgrammedActionsEveryYearIsNDNeverZero() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            let run = CLI.run(["report", "meta41", "--year", "2024"], url: url)
            try #require(run.status == 0, "\(run.error)")
            for line in [
                "Meta 4.1. Avance en la actualización del contenido temático del Programa Nacional de Capacitación, 2024",
                "NAAC (acciones de actualización realizadas en 2024): 2",
                "TAP (acciones de actualización programadas para 2024): ND",
                "Método de cálculo: PAAC%=(NAAC/TAP)*100",
                "Sustitución en método de cálculo: ND", "PAAC% = (2/ND) × 100 = ND", "Serie 2021-2024:",
            ] {
                #expect(run.output.contains(line), "\(line)\n\(run.output)")
            }
            let series = try #require(run.output.components(separatedBy: "Serie 2021-2024:").last)
            let years = series.split(separator: "\n").filter { $0.hasPrefix("202") }
            #expect(years.map { $0.prefix(4) } == ["2021", "2022", "2023", "2024"])
            #expect(years.allSatisfy { $0.contains("ND") && !$0.contains("0.00") })
        }
    }

    @Test func theCardIsFilledInAsTheOfficialReportPrintsIt() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            let run = CLI.run(
                [
                    "report", "meta41", "--year", "2024", "--series", "2019-2024", "--programmed", Self.demo,
                    "--format", "json",
                ],
                url: url)
            try #require(run.status == 0, "\(run.error)")
            let report = try Self.json(run.output)
            #expect(report["method"] as? String == "PAAC%=(NAAC/TAP)*100")
            #expect(report["counted_kinds"] as? [String] == ["aprobacion", "actualizacion"])
            let card = try #require(report["card"] as? [String: Any])
            #expect(card["naac"] as? Int == 2 && card["tap"] as? Int == 4 && card["percent"] as? Int == 50)
            #expect(card["formula_official"] as? String == "PAAC%=(2/4)*100" && card["mark"] is NSNull)
            #expect((card["tap_source"] as? String)?.hasPrefix("Supuesto ilustrativo") == true)
            let actions = try #require(report["actions"] as? [[String: Any]])
            #expect(actions.compactMap { $0["course"] as? String } == ["PNC22-BAS", "PNC22-SENS"])
            #expect(
                actions.allSatisfy { $0["kind"] as? String == "aprobacion" && $0["date"] as? String == "2024-06-30" })
            let years = try #require(report["years"] as? [[String: Any]])
            #expect(years.map { $0["year"] as? Int } == [2019, 2020, 2021, 2022, 2023, 2024])
            #expect(years.map { $0["mark"] as? String } == ["N/A", "N/A", "ND", "ND", nil, nil])
            #expect(years.map { $0["percent"] as? Int } == [nil, nil, nil, nil, 0, 50])
            // 2023: nothing done against 2 programmed is a real 0 %.
            #expect(years[4]["formula_official"] as? String == "PAAC%=(0/2)*100")

            let table = CLI.run(["report", "meta41", "--year", "2024", "--programmed", Self.demo], url: url)
            #expect(table.output.contains("Sustitución en método de cálculo: PAAC%=(2/4)*100"))
            #expect(table.output.contains("PAAC% = (2/4) × 100 = 50.00"))
            #expect(table.output.contains("2024-06-30  PNC22-BAS"))

            let out = FileManager.default.temporaryDirectory.appendingPathComponent("meta41-\(UUID()).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            #expect(CLI.run(["report", "meta41", "--programmed", Self.demo, "--out", out], url: url).status == 0)
            let sheet = try WorkbookCLITests.text(out, sheet: "Meta 4.1")
            #expect(sheet.contains("método de cálculo,PAAC%=(NAAC/TAP)*100"))
            let csv = CLI.run(
                ["report", "meta41", "--year", "2024", "--programmed", Self.demo, "--format", "csv"], url: url)
            #expect(csv.output.hasPrefix("field,value\n") && csv.output.contains("formula_official,PAAC%=(2/4)*100"))
            #expect(csv.output.contains("year,naac,tap,percent,mark,formula_official,tap_source\n2021,0,ND,ND,ND,ND,"))
        }
    }

    @Test func aYearInProgressIsPreliminaryAndABadFileIsRefused() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            // Next year is always at or after the year in progress, whatever the clock says.
            let next = Calendar(identifier: .gregorian).component(.year, from: Date()) + 1
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tap-\(UUID()).csv").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            try "anio,acciones,fuente\n\(next),3,Programa de prueba\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            let run = CLI.run(
                ["report", "meta41", "--year", "\(next)", "--programmed", file, "--format", "json"], url: url)
            try #require(run.status == 0, "\(run.error)")
            let card = try #require(try Self.json(run.output)["card"] as? [String: Any])
            #expect(card["mark"] as? String == "p/" && card["naac"] as? Int == 0 && card["tap"] as? Int == 3)

            try "anio,acciones,fuente\n2024,0,Programa\n".write(toFile: file, atomically: true, encoding: .utf8)
            let refused = CLI.run(["report", "meta41", "--programmed", file], url: url)
            #expect(
                refused.status == 1 && refused.error.contains("acciones programadas no válidas"), "\(refused.error)")
            #expect(refused.error.contains("mayor que 0"))
            let usage = CLI.run(["report", "meta41", "--series", "2024-2019"], url: url)
            #expect(usage.status == 2 && usage.error.contains("no es una serie"))
        }
    }
}

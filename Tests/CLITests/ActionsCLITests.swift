import Foundation
import TestSupport
import Testing

/// `report actions` (the 2010-2012 programme's indicator) and the events report's tables by
/// formato and partner, through the built executable on the example groups.
@Suite struct ActionsCLITests {
    static func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    @Test func theProgrammesCardPrintsItsBaselineTargetAndEachYear() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            let table = CLI.run(["report", "actions"], url: url)
            try #require(table.status == 0, "\(table.error)")
            for line in [
                "Capacitaciones y formación en materia de trata de personas, 2010-2012", "«Aumentar en un 20%»",
                "Año base: 2010 = 2817 acciones (Programa Nacional para Prevenir y Sancionar la Trata de Personas 2010-2012",
                "3380.4 acciones o más",
            ] {
                #expect(table.output.contains(line), "\(line)")
            }
            let years = table.output.split(separator: "\n").filter { $0.hasPrefix("201") }
            #expect(years.count == 3)
            #expect(years.first?.hasPrefix("2010  2817") == true)
            #expect(years.dropFirst().allSatisfy { $0.hasPrefix("201") && $0.contains("ND") && !$0.contains(" 0 ") })

            // The example groups are 2024's: against that year with no change asked, it is met.
            let run = CLI.run(
                [
                    "report", "actions", "--baseline", "2010", "--target", "12.5", "--series", "2023-2024", "--format",
                    "json",
                ],
                url: url)
            try #require(run.status == 0, "\(run.error)")
            let report = try Self.json(run.output)
            #expect(report["target_percent"] as? Double == 12.5)
            let rows = try #require(report["years"] as? [[String: Any]])
            #expect(rows.map { $0["year"] as? Int } == [2023, 2024])
            #expect(rows[0]["actions"] is NSNull && rows[0]["mark"] as? String == "ND")
            #expect(rows[1]["actions"] as? Int == 5 && rows[1]["meets"] as? Bool == false)
            #expect(rows[1]["source"] as? String == "eventos registrados en capacita")

            // A workbook as every report: the card, then the years.
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("acciones-\(UUID()).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            #expect(CLI.run(["report", "actions", "--out", out], url: url).status == 0)
            let card = try WorkbookCLITests.text(out, sheet: "Indicador")
            #expect(card.contains("acciones del año base,2817") && card.contains("meta (variación %),20"))
            let series = try WorkbookCLITests.text(out, sheet: "Serie 2010-2012")
            #expect(series.hasPrefix("año,acciones,origen,variación %,cumple,nota\n2010,2817,"))
            #expect(series.contains("2011,ND,,ND,ND,ND"))

            for (wrong, message) in [
                (["--target", "veinte"], "no es un porcentaje"), (["--baseline", "2005"], "fuera de los años"),
                (["--series", "2012-2010"], "no es una serie"),
            ] {
                let refused = CLI.run(["report", "actions"] + wrong, url: url)
                #expect(refused.status == 2 && refused.error.contains(message), "\(wrong): \(refused.error)")
            }
        }
    }

    @Test func theEventsReportSplitsItsTotalByFormatAndPartner() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            let run = CLI.run(["report", "events", "--year", "2024", "--format", "json"], url: url)
            try #require(run.status == 0, "\(run.error)")
            let report = try Self.json(run.output)
            let total = try #require(report["total"] as? [String: [String: Int]])
            let events = total.values.map { $0["eventos"] ?? 0 }.reduce(0, +)
            let people = total.values.map { ($0["publico_general"] ?? 0) + ($0["servidores_publicos"] ?? 0) }
                .reduce(0, +)
            let splits = try #require(report["splits"] as? [[String: Any]])
            #expect(splits.compactMap { $0["by"] as? String } == ["formato", "aliado"])
            for split in splits {
                let rows = try #require(split["rows"] as? [[String: Any]])
                #expect(rows.compactMap { $0["eventos"] as? Int }.reduce(0, +) == events)
                #expect(rows.compactMap { $0["personas"] as? Int }.reduce(0, +) == people)
            }
            let formats = try #require(splits.first?["rows"] as? [[String: Any]])
            let byKey = Dictionary(
                uniqueKeysWithValues: formats.compactMap { row in
                    (row["key"] as? String).map { ($0, row["eventos"] as? Int ?? -1) }
                })
            // The examples: SICT's Taller and SEGOB's fair (otro); the other three say none.
            #expect(byKey["taller"] == 1 && byKey["otro"] == 1 && byKey["sin_formato"] == 3 && byKey["video"] == 0)
            // The table per agency is what it was.
            let rows = try #require(report["rows"] as? [[String: Any]])
            #expect(rows.count == 13)
            let shown = CLI.run(["group", "show", "SEGOB-FERIA-2024"], url: url)
            #expect(shown.output.contains("formato: otro"))
            #expect(shown.output.contains("aliado: Organización Internacional para las Migraciones (OIM)"))
        }
    }
}

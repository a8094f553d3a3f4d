import Foundation
import TestSupport
import Testing

/// `group sessions` and `group sessions-import` through the built executable.
@Suite struct SessionsCLITests {
    @Test func theExampleSessionsImportOnceAndListInEveryFormat() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            let file = "\(TestDatabase.projectRoot.path)/examples/sesiones.csv"
            let perDay = CLI.run(["group", "sessions", "SICT-BAS-2024-01", "--format", "json"], url: url)
            #expect(perDay.status == 0, "\(perDay.error)")
            let days = try #require(
                try JSONSerialization.jsonObject(with: Data(perDay.output.utf8)) as? [[String: Any]])
            #expect(days.map { $0["session"] as? String }.first == "SICT-BAS-2024-01-S20240304")

            let dry = CLI.run(["group", "sessions-import", file, "--dry-run"], url: url)
            #expect(dry.status == 0 && dry.output.contains("Prueba (--dry-run)"), "\(dry.output) \(dry.error)")
            let first = CLI.run(["group", "sessions-import", file, "--format", "json"], url: url)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
            #expect(first.status == 0 && report["imported"] as? Int == 8, "\(first.output)")
            let again = CLI.run(["group", "sessions-import", file], url: url)
            #expect(again.status == 0 && again.output.contains("8 sin cambios"), "\(again.output)")

            let listed = CLI.run(["group", "sessions", "sict-int-2024-01", "--format", "csv"], url: url)
            #expect(listed.status == 0)
            let lines = listed.output.split(separator: "\n")
            #expect(lines.first == "session,group,date,starts_at,ends_at,place,place_kind,source")
            #expect(
                lines.dropFirst().first?.hasPrefix(
                    "SICT-INT-2024-01-S20240610-1000,SICT-INT-2024-01,2024-06-10,10:00,13:00,") == true)
            let table = CLI.run(["group", "sessions", "SICT-INT-2024-01"], url: url)
            #expect(table.output.contains("hora de inicio") && table.output.contains("programada"), "\(table.output)")

            let bad = "\(NSTemporaryDirectory())sesiones-\(UUID().uuidString).csv"
            try Data("grupo,fecha,inicio,fin,lugar\nSICT-BAS-2024-01,2024-03-04,14:00,09:00,Aula\n".utf8).write(
                to: URL(fileURLWithPath: bad))
            defer { try? FileManager.default.removeItem(atPath: bad) }
            let refused = CLI.run(["group", "sessions-import", bad], url: url)
            #expect(refused.status == 1 && refused.output.contains("fin"), "\(refused.output) \(refused.error)")
            #expect(CLI.run(["group", "sessions", "NO-EXISTE"], url: url).status == 1)
        }
    }
}

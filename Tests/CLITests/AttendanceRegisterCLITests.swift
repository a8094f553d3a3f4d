import Foundation
import TestSupport
import Testing

/// `attendance import` and `attendance show` through the built executable, on the demo's data.
@Suite struct AttendanceRegisterCLITests {
    @Test func theExampleRegisterImportsOnceAndDecidesThePercentages() throws {
        try TestDatabase.withFresh { url in
            let root = TestDatabase.projectRoot.path
            try CLI.prepare(
                url,
                then: [
                    ["group", "sessions-import", "\(root)/examples/sesiones.csv"],
                    ["enroll", "import", "\(root)/examples/inscripcion-sict-corregida.csv", "--agency", "SICT"],
                    ["results", "import", "\(root)/examples/resultados-sict-bas.csv"],
                ])
            let file = "\(root)/examples/asistencia.csv"
            let dry = CLI.run(["attendance", "import", file, "--dry-run"], url: url)
            #expect(dry.status == 0 && dry.output.contains("Prueba (--dry-run)"), "\(dry.output) \(dry.error)")
            let first = CLI.run(["attendance", "import", file], url: url)
            #expect(first.status == 0, "\(first.output) \(first.error)")
            #expect(
                first.output.contains("Porcentajes de asistencia recalculados con el registro: 7."), "\(first.output)")
            #expect(first.output.contains("1 emitida, 1 revocada"), "\(first.output)")
            let again = CLI.run(["attendance", "import", file], url: url)
            #expect(again.status == 0 && again.output.contains("50 sin cambios"), "\(again.output)")

            let shown = CLI.run(["attendance", "show", "SICT-BAS-2024-01", "--format", "json"], url: url)
            #expect(shown.status == 0, "\(shown.error)")
            let register = try #require(
                try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any])
            let people = try #require(register["participants"] as? [[String: Any]])
            let lopez = try #require(people.first { $0["curp"] as? String == "LOPM900315MJCPRR00" })
            #expect(lopez["percent"] as? Double == 60 && lopez["status"] as? String == "no_acreditado")
            let table = CLI.run(["attendance", "show", "SICT-BAS-2024-01"], url: url)
            #expect(table.output.contains("asistió") && table.output.contains("no asistió"), "\(table.output)")

            // A results file afterwards keeps the register's percentage, and says so.
            let results = CLI.run(["results", "import", "\(root)/examples/resultados-sict-bas.csv"], url: url)
            #expect(results.status == 0, "\(results.output) \(results.error)")
            #expect(
                results.output.contains("Asistencia tomada del registro de asistencia del grupo"), "\(results.output)")

            let bad = "\(NSTemporaryDirectory())asistencia-\(UUID().uuidString).csv"
            try Data("curp,grupo,fecha,asistencia\nLOPM900315MJCPRR00,SICT-BAS-2024-01,2024-03-09,sí\n".utf8).write(
                to: URL(fileURLWithPath: bad))
            defer { try? FileManager.default.removeItem(atPath: bad) }
            let refused = CLI.run(["attendance", "import", bad], url: url)
            #expect(
                refused.status == 1 && refused.output.contains("el grupo no tiene sesión en esa fecha"),
                "\(refused.output)")
            #expect(CLI.run(["attendance", "show", "NO-EXISTE"], url: url).status == 1)
        }
    }
}

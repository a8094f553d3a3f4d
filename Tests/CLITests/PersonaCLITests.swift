import Foundation
import Postgres
import TestSupport
import Testing

/// A person's data on request through the built executable: `persona export` writes the workbook
/// and the JSON, `arco file|list|close` keeps the register (a request received long ago is listed
/// «vencida»), `persona anonymize` leaves the constancia annulled at `constancia verify` and every
/// report's figures as they were, and `persona retention` lists and cancels who is due under the
/// retention file given (CAPACITA_RETENCION). The example groups, SICT's people and their results.
@Suite struct PersonaCLITests {
    static let carlos = "GOMC820101HDFMRR04"
    static let gloria = "HEGG560427MVZRRL04"

    static func prepared(_ body: (String, URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-persona-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = TestDatabase.projectRoot.path
        try TestDatabase.withFresh { url in
            try CLI.prepare(
                url,
                then: [
                    ["enroll", "import", "\(root)/examples/inscripcion-sict-corregida.csv", "--agency", "SICT"],
                    ["results", "import", "\(root)/examples/resultados-sict-bas.csv"],
                    ["headcount", "import", "\(root)/examples/plantillas-2024.csv"],
                ])
            try body(url, folder)
        }
    }

    /// The executable with more of the environment (`CLI.run`'s, plus `extra`).
    static func run(_ arguments: [String], url: String, extra: [String: String]) -> (
        status: Int32, output: String, error: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url
        environment["CAPACITA_ROOT"] = TestDatabase.projectRoot.path
        environment["CAPACITA_PUBLIC_URL"] = nil
        environment["CAPACITA_VERIFY_URL"] = nil
        environment.merge(extra) { _, new in new }
        return TestDatabase.runCapturing(CLITests.executable, arguments, environment: environment)
    }

    static func reports(_ url: String) throws -> [String] {
        try [
            ["report", "indicator", "--year", "2024", "--format", "json"],
            ["report", "coverage", "--year", "2024", "--format", "json"],
            ["report", "events", "--year", "2024", "--format", "json"],
        ].map { arguments in
            let result = CLI.run(arguments, url: url)
            try #require(result.status == 0, "\(arguments): \(result.error)")
            return result.output
        }
    }

    @Test func anExportWritesTheWorkbookAndTheJSONOfOnePerson() throws {
        try Self.prepared { url, folder in
            let base = folder.appendingPathComponent("expediente").path
            let written = CLI.run(["persona", "export", Self.carlos, "--out", base], url: url)
            try #require(written.status == 0, "\(written.error)")
            #expect(written.error.contains("GOMC**************") && !written.error.contains(Self.carlos))
            let json = try String(contentsOfFile: base + ".json", encoding: .utf8)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let tables = try #require(body["tables"] as? [String: [[String: Any]]])
            #expect(tables["enrollment"]?.count == 1 && tables["constancia"]?.count == 1)
            #expect(!json.contains(Self.gloria), "Gloria sits in the same group")
            let book = try Data(contentsOf: URL(fileURLWithPath: base + ".xlsx"))
            #expect(Array(book.prefix(2)) == [0x50, 0x4B])
            // Only the JSON when the name says so.
            let only = folder.appendingPathComponent("solo.json").path
            #expect(CLI.run(["persona", "export", Self.carlos, "--out", only], url: url).status == 0)
            #expect(!FileManager.default.fileExists(atPath: only + ".xlsx"))
            // A CURP that is not one is a usage error that does not repeat it.
            let bad = CLI.run(["persona", "export", "GOMC820101HDFMRR0X", "--out", only], url: url)
            #expect(bad.status == 2 && !bad.error.contains("GOMC820101HDFMRR0X"))
        }
    }

    @Test func theRegisterMarksAnOverdueRequestAndClosesIt() throws {
        try Self.prepared { url, _ in
            let filed = CLI.run(
                ["arco", "file", "acceso", Self.carlos, "--received", "2024-06-03", "--detail", "pide sus datos"],
                url: url)
            try #require(filed.status == 0, "\(filed.error)")
            #expect(filed.output.contains("vence el 2024-07-01") && !filed.output.contains(Self.carlos))
            let listed = CLI.run(["arco", "list", "--format", "json"], url: url)
            try #require(listed.status == 0, "\(listed.error)")
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
            #expect(rows.count == 1 && rows[0]["overdue"] as? Bool == true && rows[0]["status"] as? String == "vencida")
            let table = CLI.run(["arco", "list"], url: url)
            #expect(table.output.contains("VENCIDA") && table.error.contains("1 vencida"))
            let id = try #require(rows[0]["id"] as? Int)
            // An export linked to the request moves it on; one of another person's is refused.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("arco-\(UUID()).json").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let wrong = CLI.run(["persona", "export", Self.gloria, "--out", file, "--request", "\(id)"], url: url)
            #expect(wrong.status == 1 && !FileManager.default.fileExists(atPath: file))
            let linked = CLI.run(["persona", "export", Self.carlos, "--out", file, "--request", "\(id)"], url: url)
            #expect(linked.status == 0, "\(linked.error)")
            #expect(
                try Connection(url).query("SELECT state FROM arco_request WHERE id = $1", [id]).scalar(String.self)
                    == "en_proceso")
            #expect(CLI.run(["arco", "close", "\(id)"], url: url).status == 2, "closing says what was done")
            let closed = CLI.run(["arco", "close", "\(id)", "--outcome", "Se entregó la exportación."], url: url)
            #expect(closed.status == 0, "\(closed.error)")
            let after = CLI.run(["arco", "list", "--open", "--format", "json"], url: url)
            #expect((try JSONSerialization.jsonObject(with: Data(after.output.utf8)) as? [Any])?.isEmpty == true)
            #expect(CLI.run(["arco", "close", "\(id)", "--outcome", "otra vez"], url: url).status == 1)
        }
    }

    @Test func aCancellationAnnulsTheConstanciaAndKeepsEveryFigure() throws {
        try Self.prepared { url, _ in
            let before = try Self.reports(url)
            let code = try #require(
                try Connection(url).query("SELECT code FROM constancia WHERE curp = $1", [Self.carlos]).scalar(
                    String.self))
            let filed = CLI.run(["arco", "file", "cancelacion", Self.carlos], url: url)
            try #require(filed.status == 0, "\(filed.error)")
            let named = CLI.run(["persona", "anonymize", Self.carlos, "--reason", "lo pidió Carlos"], url: url)
            #expect(named.status == 1 && named.error.contains("no debe contener"))
            let done = CLI.run(
                ["persona", "anonymize", Self.carlos, "--reason", "solicitud por escrito", "--request", "1"], url: url)
            try #require(done.status == 0, "\(done.error)")
            #expect(done.output.contains("solicitud 1 atendida") && !done.output.contains("XXXX"))
            #expect(try Self.reports(url) == before)
            let verified = CLI.run(["constancia", "verify", code, "--format", "json"], url: url)
            #expect(verified.output.contains("\"cancelled\"") && !verified.output.contains("Carlos"))
            let gone = CLI.run(["persona", "anonymize", Self.carlos, "--reason", "otra vez"], url: url)
            #expect(gone.status == 1 && gone.error.contains("no tiene datos"))
        }
    }

    @Test func retentionListsWhoIsDueAndCancelsThemWithTheFiguresKept() throws {
        try Self.prepared { url, folder in
            let policy = folder.appendingPathComponent("retencion.csv")
            try Data("anios,fundamento\n1,prueba de un año\n".utf8).write(to: policy)
            let extra = ["CAPACITA_RETENCION": policy.path]
            // Their records changed today: nobody is due yet.
            let fresh = Self.run(["persona", "retention", "--dry-run", "--format", "json"], url: url, extra: extra)
            try #require(fresh.status == 0, "\(fresh.error)")
            #expect((try JSONSerialization.jsonObject(with: Data(fresh.output.utf8)) as? [Any])?.isEmpty == true)
            // As if nothing had changed since their 2024 groups.
            try Connection(url).execute(
                """
                UPDATE person SET updated_at = '2024-03-08'; UPDATE person_agency SET updated_at = '2024-03-08';
                UPDATE enrollment SET updated_at = '2024-03-08'
                """)
            let before = try Self.reports(url)
            let due = Self.run(["persona", "retention", "--dry-run", "--format", "json"], url: url, extra: extra)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(due.output.utf8)) as? [[String: Any]])
            #expect(
                rows.count == 10 && rows.allSatisfy { ($0["curp"] as? String)?.hasSuffix("**************") == true })
            let applied = Self.run(["persona", "retention", "--apply", "--format", "json"], url: url, extra: extra)
            try #require(applied.status == 0, "\(applied.error)")
            let outcome = try #require(
                try JSONSerialization.jsonObject(with: Data(applied.output.utf8)) as? [String: Any])
            #expect(outcome["cancelled"] as? Int == 10)
            #expect(try Self.reports(url) == before)
            #expect(
                try Connection(url).query("SELECT count(*) FROM person WHERE curp NOT LIKE 'XXXX%'").scalar(Int.self)
                    == 0)
        }
    }
}

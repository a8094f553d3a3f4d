import Foundation
import Postgres
import SampleData
import TestSupport
import Testing

/// Enrollment through the built executable: exit codes, the JSON report, and a kill half-way.
@Suite struct EnrollCLITests {
    private func capacita(_ arguments: [String], url: String) -> (status: Int32, output: String, error: String) {
        CLI.run(arguments, url: url)
    }

    private func prepared(_ url: String) throws {
        try CLI.prepare(url)
    }

    @Test func refusedExampleExitsOneWithAJSONReportAndWritesNothing() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let run = capacita(
                [
                    "enroll", "import", "\(TestDatabase.projectRoot.path)/examples/inscripcion-sict.csv", "--agency",
                    "SICT",
                    "--format", "json",
                ], url: url)
            #expect(run.status == 1)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
            #expect(report["rows"] as? Int == 10)
            #expect(report["imported"] as? Int == 0)
            let rejected = try #require(report["rejected"] as? [[String: Any]])
            #expect(
                rejected.map { "\($0["line"] as? Int ?? 0):\($0["column"] as? String ?? "")" } == [
                    "3:curp", "5:sexo", "7:dependencia", "9:nivel",
                ])
            #expect(rejected.first?["value"] as? String == "HEGG**************")
            #expect(!run.output.contains("HEGG560427"))
            let connection = try Connection(url)
            #expect(try connection.query("SELECT count(*) FROM enrollment").scalar(Int.self) == 0)
        }
    }

    @Test func correctedExampleImportsThenReimportsUnchanged() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let file = "\(TestDatabase.projectRoot.path)/examples/inscripcion-sict-corregida.csv"
            let first = capacita(["enroll", "import", file, "--agency", "SICT", "--format", "json"], url: url)
            #expect(first.status == 0, "\(first.output)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
            #expect(report["imported"] as? Int == 10)
            let again = capacita(["enroll", "import", file, "--agency", "SICT"], url: url)
            #expect(again.status == 0 && again.output.contains("0 nuevas, 0 actualizadas, 10 sin cambios"))
            let show = capacita(["group", "show", "sict-bas-2024-01", "--format", "json"], url: url)
            let group = try #require(try JSONSerialization.jsonObject(with: Data(show.output.utf8)) as? [String: Any])
            #expect(group["enrolled"] as? Int == 10 && group["capacity"] as? Int == 30)
        }
    }

    @Test func importKilledHalfWayLeavesNothingOfTheFile() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "capacita-kill-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let sample = SampleFiles(rows: 150_000, people: 60_000, seed: 7)
            try sample.writeGroups(to: folder.appendingPathComponent("groups.csv").path)
            try sample.writeEnrollment(to: folder.appendingPathComponent("enrollment.csv").path)
            #expect(
                capacita(["group", "import", folder.appendingPathComponent("groups.csv").path], url: url).status == 0)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLITests.executable)
            process.arguments = ["enroll", "import", folder.appendingPathComponent("enrollment.csv").path]
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = url
            environment["CAPACITA_ROOT"] = TestDatabase.projectRoot.path
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait until the rows are streaming into the server, then kill without warning.
            let observer = try Connection(url)
            var copying = false
            for _ in 0..<600 where !copying {
                copying =
                    try observer.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY enrollment_stage%' AND pid <> pg_backend_pid()"
                    )
                    .scalar(Int.self) == 1
                if !copying { usleep(10_000) }
            }
            #expect(copying, "the import never reached its COPY")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            // The server notices the dead client and rolls its transaction back.
            var open = 1
            for _ in 0..<500 where open > 0 {
                open =
                    try observer.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    .scalar(Int.self) ?? 0
                if open > 0 { usleep(10_000) }
            }
            #expect(try observer.query("SELECT count(*) FROM enrollment").scalar(Int.self) == 0)
            #expect(try observer.query("SELECT count(*) FROM person").scalar(Int.self) == 0)
            #expect(
                try observer.query("SELECT count(*) FROM import_batch WHERE kind = 'enrollment'").scalar(Int.self) == 0)
        }
    }
}

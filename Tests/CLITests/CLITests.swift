import Foundation
import TestSupport
import Testing

/// Runs the built `capacita` executable as a user would, against a fresh database.
@Suite struct CLITests {
    static var executable: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "capacita"
            ).path,
            TestDatabase.projectRoot.appendingPathComponent(".build/debug/capacita").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    private func capacita(_ arguments: String..., url: String?, cwd: URL = TestDatabase.projectRoot) -> Run {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url
        environment["CAPACITA_ROOT"] = TestDatabase.projectRoot.path
        let result = TestDatabase.runCapturing(Self.executable, arguments, environment: environment)
        return Run(status: result.status, output: result.output, error: result.error)
    }

    @Test func fullSetUpThenResolveAndListAsJSON() throws {
        try TestDatabase.withFresh { url in
            #expect(capacita("db", "migrate", url: url).status == 0)
            let again = capacita("db", "migrate", url: url)
            #expect(again.status == 0 && again.output.contains("al día"))
            let load = capacita(
                "catalog", "load", TestDatabase.projectRoot.appendingPathComponent("Courses").path, url: url)
            #expect(load.status == 0, "\(load.error)")
            #expect(
                capacita(
                    "agency", "import", TestDatabase.projectRoot.appendingPathComponent("db/seed/agencies.csv").path,
                    url: url
                ).status == 0)

            let resolved = capacita("agency", "resolve", "secretaria de comunicaciones y transportes", url: url)
            #expect(resolved.status == 0)
            #expect(resolved.output == "SICT\n")

            let list = capacita("catalog", "list", "--format", "json", url: url)
            #expect(list.status == 0)
            let courses = try #require(
                try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [[String: Any]])
            #expect(courses.count == 14)
            for course in courses {
                for key in ["code", "program", "level", "title", "hours"] { #expect(course[key] != nil, "\(key)") }
            }
            #expect(courses.contains { $0["code"] as? String == "PNC22-SENS" && $0["hours"] as? Int == 4 })

            let agencies = capacita("agency", "list", "--format", "csv", url: url)
            #expect(agencies.output.split(separator: "\n").count == 18)
            let show = capacita("catalog", "show", "PNC22-BAS", url: url)
            #expect(show.status == 0 && show.output.contains("Curso Básico"))
        }
    }

    @Test func unknownAgencyExitsOneWithSuggestions() throws {
        try TestDatabase.withFresh { url in
            _ = capacita("db", "migrate", url: url)
            _ = capacita(
                "agency", "import", TestDatabase.projectRoot.appendingPathComponent("db/seed/agencies.csv").path,
                url: url)
            let run = capacita("agency", "resolve", "Instituto Nacional de Migrasion", url: url)
            #expect(run.status == 1)
            #expect(run.error.contains("INM"))
        }
    }

    @Test func badCatalogExitsOneNamingFileFieldAndLoadsNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
            .appendingPathComponent("pnc-2022")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let good = try String(
            contentsOf: TestDatabase.projectRoot.appendingPathComponent("Courses/pnc-2022/basico.yaml"), encoding: .utf8
        )
        try good.write(to: folder.appendingPathComponent("basico.yaml"), atomically: true, encoding: .utf8)
        try good.replacingOccurrences(of: "PNC22-BAS", with: "PNC22-MAL").replacingOccurrences(
            of: "level: basico", with: "level: experto"
        )
        .write(to: folder.appendingPathComponent("malo.yaml"), atomically: true, encoding: .utf8)
        try TestDatabase.withFresh { url in
            _ = capacita("db", "migrate", url: url)
            let run = capacita("catalog", "load", folder.deletingLastPathComponent().path, url: url)
            #expect(run.status == 1)
            #expect(run.error.contains("pnc-2022/malo.yaml: level: "))
            let list = capacita("catalog", "list", "--format", "json", url: url)
            #expect(list.status == 0)
            let courses = try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [Any]
            #expect(courses?.isEmpty == true)
        }
    }

    @Test func usageErrorExitsTwo() {
        #expect(capacita("catalog", "list", "--format", "xml", url: nil).status == 2)
        #expect(capacita("nonsense", url: nil).status == 2)
    }

    @Test func unreachableDatabaseExitsThreeNamingHostAndPort() {
        let run = capacita("agency", "list", url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
        #expect(run.status == 3)
        #expect(run.error.contains("127.0.0.1") && run.error.contains("1"))
    }

    @Test func unmigratedDatabaseExitsThreeSayingWhatToRun() throws {
        try TestDatabase.withFresh { url in
            let run = capacita("catalog", "list", url: url)
            #expect(run.status == 3)
            #expect(run.error.contains("capacita db migrate"))
        }
    }
}

extension CLITests {
    @Test func missingInputFileIsARefusalNotADatabaseFailure() throws {
        try TestDatabase.withFresh { url in
            #expect(capacita("db", "migrate", url: url).status == 0)
            let run = capacita("enroll", "import", "/nonexistent/hoja.csv", url: url)
            #expect(run.status == 1)
            #expect(run.error.contains("/nonexistent/hoja.csv"))
        }
    }
}

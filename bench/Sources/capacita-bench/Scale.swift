import ArgumentParser
import Capacita
import CapacitaStore
import Dispatch
import Foundation
import Postgres
import SampleData

/// The national scale (#31): 5 M people in one file through `capacita enroll import` as the
/// application role beside `psql \copy` of the same file; 5 M more in 2,000 files of 2,500
/// through `POST /v1/enrollments` from concurrent clients beside one such file through the CLI;
/// Parámetro 4.2, coverage and the events report at 10 M enrollments, cold and kept, beside the
/// plainest SQL count of trained people; the database's size, a backup and a restore. Phases
/// run one at a time (`--phases`) on one database, so each can be timed on a quiet machine.
struct Scale: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Times import, uploads, reports, backup and restore at 10 M enrollments.")

    @Option(help: "Phases, comma-separated: generate, import, uploads, settle, reports, backup.")
    var phases: String = "generate,import,uploads,settle,reports,backup"

    // The one file and the files sent to the service.
    @Option(help: "People of the one-file import (each in one group).") var people: Int = 5_000_000
    @Option(help: "Files sent to the service.") var files: Int = 2_000
    @Option(help: "Rows (new people) of each file sent to the service.") var fileRows: Int = 2_500

    // One uploads run: part of the files, so each part fits in a quiet stretch.
    @Option(help: ArgumentHelp("First file of this uploads run.", valueName: "index")) var from = 0
    @Option(help: "Files of this uploads run (default: to the last).") var count: Int?
    @Option(help: ArgumentHelp("Concurrent upload clients.", valueName: "n")) var clients = 4

    // The reports and the generated data.
    @Option(help: ArgumentHelp("Requests of each report while kept.", valueName: "n")) var kept = 50
    @Option(help: ArgumentHelp("Year of the reports.", valueName: "año")) var year = 2024
    @Option(help: "Seed of the generator.") var seed: UInt64 = 2031
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"

    static let name = "capacita_bench_scale"
    static let years = 2022...2026

    func run() throws {
        let tools = try Tools.locate()
        let folder = "\(data)/scale"
        let chosen = Set(phases.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let known: Set = ["generate", "import", "uploads", "settle", "reports", "backup"]
        guard chosen.isSubset(of: known) else { throw BenchError("unknown phases: \(chosen.subtracting(known))") }
        if chosen.contains("generate") { try generate(folder) }
        if chosen.contains("import") { try importOne(tools, folder) }
        let database = tools.url(database: Self.name)
        if chosen.contains("uploads") { try uploads(tools, database, folder) }
        if chosen.contains("settle") {
            let start = DispatchTime.now().uptimeNanoseconds
            try Reports.settle(database, acreditado: 0.7)
            print(String(format: "settle (UPDATE, headcounts, VACUUM ANALYZE): %.1f s", Self.since(start)))
        }
        if chosen.contains("reports") { try reports(tools, database) }
        if chosen.contains("backup") { try backup(tools, database, folder) }
    }

    /// One population, so the file's people and the uploads' people never meet: the first
    /// `people` go to the one file (each once), the rest to the uploads.
    func generate(_ folder: String) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let uploadPeople = (files + 1) * fileRows
        let total = people + uploadPeople
        let population = SampleFiles(rows: total, people: total, seed: seed).population()
        let one = SampleFiles(
            rows: people, people: people, seed: seed, firstYear: Self.years.lowerBound, years: Self.years.count)
        try one.writeGroups(to: "\(folder)/groups.csv")
        try one.writeEnrollment(to: "\(folder)/enrollment.csv", population: Array(population[0..<people]))
        // Files c0/0.csv … c{files-1}/0.csv and cli.csv, the baseline.
        _ = try Service.writeUploads(
            folder: "\(folder)/uploads", connections: files - 1, uploads: 1, stamp: "S\(seed)", rows: fileRows,
            people: population[people...], years: Self.years)
        print(
            String(
                format: "generate: %d people (seed %d): one file of %d rows in %d groups, %d files of %d rows: %.1f s",
                total, seed, people, one.groupCount, files, fileRows, Self.since(start)))
    }

    func importOne(_ tools: Tools, _ folder: String) throws {
        print("uptime: \(try Child.output("/usr/bin/uptime", []))")
        let database = try tools.freshDatabase(Self.name)
        let start = DispatchTime.now().uptimeNanoseconds
        try tools.prepare(database, groups: "\(folder)/groups.csv")
        print(String(format: "prepare (schema, catalog, agencies, groups of the file): %.1f s", Self.since(start)))
        let file = "\(folder)/enrollment.csv"
        let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        func copy(_ table: String, key: String) throws -> Child.Measure {
            try Child.must(
                tools.psql,
                [
                    database, "-q", "-c",
                    """
                    CREATE TABLE \(table) (curp text COLLATE "C", nombre text, paterno text, materno text, sexo text,
                        correo text, dependencia text, nivel text, puesto text, grupo text COLLATE "C"\(key))
                    """,
                ])
            return try Child.must(
                tools.psql, [database, "-q", "-c", "\\copy \(table) FROM '\(file)' WITH (FORMAT csv, HEADER true)"])
        }
        let bare = try copy("bare", key: "")
        let keyed = try copy("keyed", key: ", PRIMARY KEY (grupo, curp)")
        try Child.must(tools.psql, [database, "-q", "-c", "DROP TABLE bare, keyed"])
        let run = try Child.must(
            tools.capacita, ["enroll", "import", file],
            environment: ["DATABASE_URL": tools.withUser("capacita_app", database), "CAPACITA_TIMINGS": "1"])
        let checkpoint = try Child.must(tools.psql, [database, "-q", "-c", "CHECKPOINT"])
        print("one file of \(people) rows (\(bytes / 1_000_000) MB), each a new person in a group of 40")
        print("                                         seconds     rows/s  peak_MB  ratio to keyed")
        for (label, measure, peak) in [
            ("psql \\copy, bare table", bare, ""), ("psql \\copy, keyed (grupo, curp)", keyed, ""),
            ("capacita enroll import (capacita_app)", run, String(format: "%.1f", run.ownPeakMegabytes)),
        ] {
            print(
                Self.padded(label, 40)
                    + String(
                        format: " %8.1f %10.0f", measure.seconds, Double(people) / measure.seconds)
                    + Self.padded(peak, 9, left: true)
                    + String(format: " %6.2f", measure.seconds / keyed.seconds))
        }
        print(String(format: "checkpoint after the import: %.1f s", checkpoint.seconds))
        print("phases of the import (CAPACITA_TIMINGS=1):\n" + run.standardError, terminator: "")
    }

    func uploads(_ tools: Tools, _ database: String, _ folder: String) throws {
        let last = min(files, from + (count ?? files))
        let uploads = "\(folder)/uploads"
        let environment = ["DATABASE_URL": database, "CAPACITA_ROOT": tools.root]
        let owner = try Connection(database)
        let before = try owner.query("SELECT count(*) FROM enrollment").scalar(Int.self) ?? 0
        if from == 0 {
            var start = DispatchTime.now().uptimeNanoseconds
            try Child.must(tools.capacita, ["group", "import", "\(uploads)/groups.csv"], environment: environment)
            print(String(format: "group import of every upload's groups (untimed setup): %.1f s", Self.since(start)))
            start = DispatchTime.now().uptimeNanoseconds
            let single = try Child.must(
                tools.capacita, ["enroll", "import", "\(uploads)/cli.csv"],
                environment: ["DATABASE_URL": tools.withUser("capacita_app", database)])
            print(
                String(
                    format:
                        "baseline: one %d-row file through the CLI as capacita_app (%d enrollments before): %.0f ms",
                    fileRows, before, single.seconds * 1000))
        }
        let token = try Self.token(tools, database)
        let port = 18_900 + Int(getpid()) % 100
        let server = try Service.serve(tools: tools, database: database, port: port)
        defer { if server.isRunning { server.terminate() } }
        print("uptime: \(try Child.output("/usr/bin/uptime", []))")
        let url = "http://127.0.0.1:\(port)/v1/enrollments"
        let results = Results()
        let start = DispatchTime.now().uptimeNanoseconds
        // A thread per client: concurrentPerform would run only as many at once as there are cores.
        let done = DispatchGroup()
        for client in 0..<clients {
            done.enter()
            Thread.detachNewThread { [from, clients, token, results] in
                defer { done.leave() }
                for index in stride(from: from + client, to: last, by: clients) {
                    let (status, seconds) = Self.curl(
                        [
                            "-X", "POST", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: text/csv",
                            "--data-binary", "@\(uploads)/c\(index)/0.csv", url,
                        ])
                    results.add(seconds, error: (200..<300).contains(status) ? nil : "file \(index): \(status)")
                }
            }
        }
        done.wait()
        let wall = Self.since(start)
        server.interrupt()
        server.waitUntilExit()
        let after = try owner.query("SELECT count(*) FROM enrollment").scalar(Int.self) ?? 0
        let (times, errors) = results.taken()
        let sorted = times.sorted()
        print(
            String(
                format:
                    "POST /v1/enrollments: files %d-%d (%d of %d rows) from %d clients: %.1f s, %.2f uploads/s, %.0f rows/s, p50 %.0f ms, p99 %.0f ms, max %.0f ms, errors %d",
                from, last - 1, times.count, fileRows, clients, wall, Double(times.count) / wall,
                Double(after - before) / wall, Self.percentile(sorted, 0.5) * 1000,
                Self.percentile(sorted, 0.99) * 1000,
                (sorted.last ?? 0) * 1000, errors.count))
        for error in errors.prefix(5) { print("  error: \(error)") }
        print("enrollments: \(before) before, \(after) after (+\(after - before))")
    }

    func reports(_ tools: Tools, _ database: String) throws {
        print("uptime: \(try Child.output("/usr/bin/uptime", []))")
        let owner = try Connection(database)
        let enrollments = try owner.query("SELECT count(*) FROM enrollment").scalar(Int.self) ?? 0
        let persons = try owner.query("SELECT count(*) FROM person").scalar(Int.self) ?? 0
        print("reports at \(enrollments) enrollments, \(persons) people, year \(year)")
        let token = try Self.token(tools, database)
        let paths = [
            ("indicator", "/v1/reports/indicator?year=\(year)"), ("coverage", "/v1/reports/coverage?year=\(year)"),
            ("events", "/v1/reports/events?year=\(year)"),
        ]
        let port = 18_800 + Int(getpid()) % 100
        func get(_ path: String) throws -> Double {
            let (status, seconds) = Self.curl(
                ["-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)\(path)"])
            guard status == 200 else { throw BenchError("GET \(path): \(status)") }
            return seconds * 1000
        }
        for round in ["first after the service starts (the cluster as the run found it)", "kept", "service restarted"] {
            let server = try Service.serve(tools: tools, database: database, port: port)
            defer { if server.isRunning { server.terminate() } }
            for (name, path) in paths {
                let first = try get(path)
                if round == "kept" {
                    let times = try (0..<kept).map { _ in try get(path) }.sorted()
                    print(
                        String(
                            format: "GET %@ kept: first %8.1f ms, then %d requests p50 %6.2f ms p99 %6.2f ms",
                            Self.padded(name, 9), first, kept, Self.percentile(times, 0.5), Self.percentile(times, 0.99)
                        ))
                } else {
                    print("GET \(Self.padded(name, 9)) \(round): " + String(format: "%.1f ms", first))
                }
            }
            server.interrupt()
            server.waitUntilExit()
        }
        let environment = ["DATABASE_URL": tools.withUser("capacita_app", database)]
        for name in ["indicator", "coverage", "events"] {
            let run = try Child.must(
                tools.capacita, ["report", name, "--year", String(year), "--format", "json"], environment: environment)
            print(
                "capacita report \(Self.padded(name, 9)) --year \(year) (one process): "
                    + String(format: "%.1f ms", run.seconds * 1000))
        }
        // The baseline, as `reports` measures it: the plainest count of the trained people.
        let connection = try Connection(database)
        connection.act(as: .admin("capacita-bench"))
        let levels = Level.allCases.map(\.rawValue)
        var times: [Double] = []
        for _ in 0..<8 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try connection.query(
                CoverageStore.trainedSQL, ["\(Self.years.lowerBound)-01-01", "\(year)-12-31", levels])
            times.append(Self.since(start) * 1000)
        }
        let warm = times.dropFirst().sorted()
        print(
            String(
                format:
                    "baseline: plain SQL count of trained people (cumulative to %d): first %.1f ms, median of 7 %.1f ms",
                year, times[0], warm[warm.count / 2]))
    }

    func backup(_ tools: Tools, _ database: String, _ folder: String) throws {
        print("uptime: \(try Child.output("/usr/bin/uptime", []))")
        let owner = try Connection(database)
        let size = try owner.query("SELECT pg_database_size(current_database())::bigint").scalar(Int.self) ?? 0
        print(String(format: "database size: %.2f GB", Double(size) / 1e9))
        let biggest = try owner.query(
            """
            SELECT c.relname AS name, c.relkind::text AS kind, pg_relation_size(c.oid)::bigint AS own,
                   pg_total_relation_size(c.oid)::bigint AS total, c.reltuples::bigint AS estimate
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'i', 'm')
            ORDER BY pg_relation_size(c.oid) DESC LIMIT 15
            """)
        print("biggest relations (r table, i index; own size, with indexes and TOAST for tables, rows estimated):")
        for row in biggest.rows {
            let own: Int = try row.decode("own")
            let total: Int = try row.decode("total")
            let name: String = try row.decode("name")
            let kind: String = try row.decode("kind")
            let estimate: Int = try row.decode("estimate")
            print(
                "  " + Self.padded(name, 45) + " " + kind
                    + String(format: " %9.1f MB %9.1f MB %12d", Double(own) / 1e6, Double(total) / 1e6, estimate))
        }
        let out = "\(folder)/backup"
        try? FileManager.default.removeItem(atPath: out)
        let dump = try Child.must(
            tools.capacita, ["db", "backup", "--out", out], environment: ["DATABASE_URL": database])
        let bytes = (try FileManager.default.attributesOfItem(atPath: "\(out)/capacita.dump")[.size] as? Int) ?? 0
        print(String(format: "capacita db backup: %.1f s, dump %.2f GB", dump.seconds, Double(bytes) / 1e9))
        let target = try tools.freshDatabase(Self.name + "_restore")
        let restore = try Child.must(tools.capacita, ["db", "restore", out, "--into", target])
        print(String(format: "capacita db restore (empty database, same cluster): %.1f s", restore.seconds))
        try tools.dropDatabase(Self.name + "_restore")
        try FileManager.default.removeItem(atPath: out)
    }

    static func token(_ tools: Tools, _ database: String) throws -> String {
        // `token create` prints the token alone on its last line.
        try Service.output(
            tools.capacita,
            ["token", "create", "--role", "admin", "--name", "scale-\(UUID().uuidString.prefix(8))"],
            environment: ["DATABASE_URL": database, "CAPACITA_ROOT": tools.root]
        ).split(separator: "\n").last.map(String.init) ?? ""
    }

    /// One request through curl: its status and curl's own total time (connect, send, answer),
    /// written to standard error so the body can go to /dev/null.
    static func curl(_ arguments: [String]) -> (status: Int, seconds: Double) {
        let run = try? Child.run(
            "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{stderr}%{http_code} %{time_total}"] + arguments)
        let parts = (run?.standardError ?? "").split(separator: " ")
        return (Int(parts.first ?? "") ?? 0, Double(parts.last ?? "") ?? 0)
    }

    static func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? fill + text : text + fill
    }

    /// The upload clients' answers, gathered from their threads.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var times: [Double] = []
        private var errors: [String] = []

        func add(_ seconds: Double, error: String?) {
            lock.withLock {
                times.append(seconds)
                if let error { errors.append(error) }
            }
        }

        func taken() -> ([Double], [String]) { lock.withLock { (times, errors) } }
    }

    static func percentile(_ sorted: [Double], _ share: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * share).rounded(.up)) - 1)]
    }

    static func since(_ start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

import ArgumentParser
import Capacita
import Dispatch
import Foundation
import Postgres
import SampleData

/// The service under wrk on loopback, on the 1 M-enrollment database of `reports`: the indicator
/// at 1, 16 and 64 connections beside the same report through one CLI process; 200-row uploads on
/// 8 connections, each into groups of its own, beside the same upload through the CLI; and a soak
/// with the server's resident memory sampled every 10 s.
struct Service: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Times the HTTP service under wrk.")

    @Option(help: "Enrollments of the database.") var rows: Int = 1_000_000
    @Option(help: "People of the database.") var people: Int = 300_000
    @Option(help: "Seconds of each read run.") var seconds: Int = 15
    @Option(help: "Uploads per connection.") var uploads: Int = 60
    @Option(help: "Seconds of the soak.") var soak: Int = 300
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"
    @Flag(help: "Reuse the database of a previous run.") var reuse = false
    @Flag(help: "Only the indicator at 1, 16 and 64 connections.") var readsOnly = false
    @Flag(help: "Only the uploads (their CLI baseline, 1 connection, 8 connections).") var uploadsOnly = false

    func run() throws {
        let tools = try Tools.locate()
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile)
        else { throw BenchError("wrk is needed: apt-get install wrk") }
        let files = SampleFiles(rows: rows, people: people, firstYear: 2022, years: 5)
        let database = try Reports.database(
            tools: tools, files: files, acreditado: 0.7, data: data, reuse: reuse)
        let environment = ["DATABASE_URL": database, "CAPACITA_ROOT": tools.root]
        let stamp = String(Int(Date().timeIntervalSince1970))
        // `token create` prints the token alone on its last line.
        let token =
            try Self.output(
                tools.capacita, ["token", "create", "--role", "admin", "--name", "bench-\(stamp)"],
                environment: environment
            ).split(separator: "\n").last.map(String.init) ?? ""

        // Baseline: the same report through one CLI process each time (start, connect, query, print).
        let indicatorArguments = ["report", "indicator", "--year", "2024", "--format", "json"]
        let cli =
            try (0..<(uploadsOnly ? 0 : 7)).map { _ in
                try Child.must(tools.capacita, indicatorArguments, environment: environment).seconds * 1000
            }.sorted().dropFirst(3).first ?? .nan

        let port = 18_700 + Int(stamp)! % 200
        let server = try Self.serve(tools: tools, database: database, port: port)
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"

        print("service on \(rows) enrollments (wrk on loopback, \(seconds) s each)")
        let url = "\(base)/v1/reports/indicator?year=2024"
        if !uploadsOnly {
            print(String(format: "baseline: report indicator through one CLI process  %8.1f ms (median of 7)", cli))
        }
        for connections in uploadsOnly ? [] : [1, 16, 64] {
            let run = try Self.wrk(
                wrk,
                [
                    "-t", String(min(connections, 2)), "-c", String(connections), "-d", "\(seconds)s", "--latency",
                    "-H", "Authorization: Bearer \(token)", url,
                ])
            print(
                String(
                    format:
                        "GET /v1/reports/indicator  %2d connections  %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d",
                    connections, run.requestsPerSecond, run.p50, run.p99, run.errors))
        }

        if readsOnly {
            server.interrupt()
            server.waitUntilExit()
            return
        }
        // Uploads: files of 200 new people in 5 new groups each, 8 wrk processes of one connection.
        let folder = "\(data)/service-\(stamp)"
        let connections = 8
        let groups = try Self.writeUploads(
            folder: folder, connections: connections, uploads: uploads, stamp: stamp)
        try Child.must(tools.capacita, ["group", "import", groups], environment: environment)
        let single =
            try Child.must(
                tools.capacita, ["enroll", "import", "\(folder)/cli.csv"], environment: environment
            ).seconds * 1000
        print(String(format: "baseline: one 200-row file through the CLI (enroll import)  %8.1f ms", single))
        let script = "\(folder)/upload.lua"
        try Self.uploadScript.write(toFile: script, atomically: true, encoding: .utf8)
        let owner = try Connection(database)
        /// wrk processes of one connection each, set `index` posting its own files; wrk keeps
        /// running to `-d` after its thread stops, so throughput is read from the batches' times.
        func uploadPass(_ sets: Range<Int>, files: Int, seconds: Int) throws -> (runs: [WrkRun], perSecond: Double) {
            let firstBatch = try owner.query("SELECT coalesce(max(id), 0) FROM import_batch").scalar(Int.self) ?? 0
            let processes = try sets.map { index -> Process in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: wrk)
                process.arguments = [
                    "-t", "1", "-c", "1", "-d", "\(seconds)s", "--latency", "-s", script, base, "--",
                    "\(folder)/c\(index)", String(files), token,
                ]
                process.standardOutput = Pipe()
                try process.run()
                return process
            }
            var runs: [WrkRun] = []
            for process in processes {
                let text = String(
                    decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(),
                    as: UTF8.self)
                process.waitUntilExit()
                runs.append(WrkRun(parsing: text))
            }
            let row = try owner.query(
                """
                SELECT count(*)::int AS n, extract(epoch FROM max(ran_at) - min(ran_at))::float8 AS span
                FROM import_batch WHERE id > $1 AND kind = 'enrollment'
                """, [firstBatch]
            ).rows.first
            let batches: Int = try row?.decode("n") ?? 0
            let span: Double = try row?.decode("span", as: Double?.self) ?? 0
            return (runs, span > 0 ? Double(batches - 1) / span : 0)
        }
        // One connection, uploads one after another: the service's own latency.
        let alone = try uploadPass(connections..<(connections + 1), files: uploads / 2, seconds: 25)
        print(
            String(
                format:
                    "POST /v1/enrollments (200 rows)  1 connection  × %d uploads  p50 %7.1f ms  p99 %7.1f ms  %.1f uploads/s  errors %d",
                uploads / 2, alone.runs[0].p50, alone.runs[0].p99, alone.perSecond, alone.runs[0].errors))
        let parallel = try uploadPass(0..<connections, files: uploads, seconds: uploads + 15)
        let p50s = parallel.runs.map(\.p50).sorted()
        print(
            String(
                format:
                    "POST /v1/enrollments (200 rows)  %d connections × %d uploads  p50 %7.1f ms (median over connections; range %.1f-%.1f)  p99 %7.1f ms  %.1f uploads/s  errors %d",
                connections, uploads, p50s[p50s.count / 2], p50s.first!, p50s.last!, parallel.runs.map(\.p99).max()!,
                parallel.perSecond, parallel.runs.map(\.errors).reduce(0, +)))
        let landed =
            try owner.query("SELECT count(*) FROM enrollment WHERE group_code LIKE $1", ["U\(stamp)-%"]).scalar(
                Int.self) ?? 0
        print(
            "enrollments landed through the service and the CLI: \(landed) of \((connections * uploads + uploads / 2 + 1) * 200)"
        )

        if uploadsOnly {
            server.interrupt()
            server.waitUntilExit()
            return
        }
        // Soak: mixed reads at 16 connections; resident memory every 10 s.
        try Self.soakScript.write(toFile: "\(folder)/soak.lua", atomically: true, encoding: .utf8)
        let soakRun = Process()
        soakRun.executableURL = URL(fileURLWithPath: wrk)
        soakRun.arguments = [
            "-t", "2", "-c", "16", "-d", "\(soak)s", "--latency", "-s", "\(folder)/soak.lua", base, "--", token,
        ]
        soakRun.standardOutput = Pipe()
        try soakRun.run()
        var samples: [Double] = []
        while soakRun.isRunning {
            samples.append(Self.residentMegabytes(server.processIdentifier))
            Thread.sleep(forTimeInterval: 10)
        }
        let soakText = String(
            decoding: (soakRun.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let soakResult = WrkRun(parsing: soakText)
        print(
            String(
                format: "soak %d s, 16 connections, mixed reads: %.1f req/s  p50 %.2f ms  p99 %.2f ms  errors %d",
                soak, soakResult.requestsPerSecond, soakResult.p50, soakResult.p99, soakResult.errors))
        print("resident memory (MB, every 10 s): " + samples.map { String(format: "%.0f", $0) }.joined(separator: " "))
        server.interrupt()
        server.waitUntilExit()
    }

    /// `capacita serve` (release, `--pool 16 --max-imports 8`) connected as `capacita_app`, answering /health.
    static func serve(tools: Tools, database: String, port: Int) throws -> Process {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: tools.capacita)
        server.arguments = ["serve", "--port", String(port), "--pool", "16", "--max-imports", "8"]
        server.environment = ProcessInfo.processInfo.environment.merging(
            [
                "DATABASE_URL": tools.withUser("capacita_app", database), "CAPACITA_ROOT": tools.root,
                "CAPACITA_LOG_LEVEL": "warning",
            ]) { _, new in new }
        server.standardError = FileHandle.nullDevice
        try server.run()
        do {
            try Self.waitForHealth("http://127.0.0.1:\(port)")
        } catch {
            server.terminate()
            throw error
        }
        return server
    }

    /// Groups CSV of every upload's groups; files c{i}/{k}.csv of `rows` new people in groups of
    /// 40 (their years taken in turn from `years`); cli.csv. The people are generated from the
    /// stamp unless given (at least `((connections + 1) * uploads + 1) * rows` of them).
    static func writeUploads(
        folder: String, connections: Int, uploads: Int, stamp: String, rows: Int = 200,
        people given: ArraySlice<SamplePerson>? = nil, years: ClosedRange<Int> = 2026...2026
    ) throws -> String {
        let total = ((connections + 1) * uploads + 1) * rows
        let people =
            given.map(Array.init) ?? SampleFiles(rows: total, people: total, seed: UInt64(stamp) ?? 0).population()
        guard people.count >= total else { throw BenchError("\(total) people needed, \(people.count) given") }
        var groups = ["grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo"]
        var next = 0
        func file(_ path: String, _ prefix: String) throws {
            var lines = ["curp,nombre,primer_apellido,segundo_apellido,sexo,correo,dependencia,nivel,puesto,grupo"]
            for row in 0..<rows {
                let person = people[next]
                next += 1
                let group = "\(prefix)-\(row / 40)"
                if row % 40 == 0 {
                    let year = years.lowerBound + (groups.count - 1) % years.count
                    groups.append("\(group),PNC22-SENS,,SEGOB,\(year)-03-02,\(year)-03-02,presencial,,40")
                }
                lines.append(
                    [
                        person.curp, person.givenNames, person.firstSurname, person.secondSurname, person.sex.rawValue,
                        person.email, person.agency, person.tier, person.position, group,
                    ].map(Self.csvField).joined(separator: ","))
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        for connection in 0...connections {
            try FileManager.default.createDirectory(
                atPath: "\(folder)/c\(connection)", withIntermediateDirectories: true)
            for upload in 0..<uploads {
                try file("\(folder)/c\(connection)/\(upload).csv", "U\(stamp)-\(connection)-\(upload)")
            }
        }
        try file("\(folder)/cli.csv", "U\(stamp)-cli")
        let path = "\(folder)/groups.csv"
        try (groups.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Each request posts the next file; after the last answer the thread stops. (wrk may build the
    /// next request before it reads an answer: at most one file is sent twice, an unchanged import.)
    static let uploadScript = """
        local files, sent, received, count, token = {}, 0, 0, 0, ""
        function init(args)
          count = tonumber(args[2]); token = args[3]
          for k = 0, count - 1 do
            local f = assert(io.open(args[1] .. "/" .. k .. ".csv", "rb")); files[k + 1] = f:read("*a"); f:close()
          end
        end
        function request()
          sent = sent + 1
          return wrk.format("POST", "/v1/enrollments",
            {["Content-Type"] = "text/csv", ["Authorization"] = "Bearer " .. token}, files[((sent - 1) % count) + 1])
        end
        function response(status, headers, body)
          received = received + 1
          if received >= count then wrk.thread:stop() end
        end
        """

    /// The pages an enlace and the Secretaría Técnica read most, in turn.
    static let soakScript = """
        local paths = {"/v1/reports/indicator?year=2024", "/v1/reports/coverage?year=2024&agency=SICT",
          "/v1/groups?year=2024&agency=SICT", "/v1/headcounts?year=2024", "/v1/courses", "/health"}
        local i, token = 0, ""
        function init(args) token = args[1] end
        function request()
          i = i + 1
          return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Bearer " .. token})
        end
        """

    struct WrkRun {
        var requestsPerSecond = 0.0
        var p50 = 0.0
        var p99 = 0.0
        var errors = 0

        /// wrk's own summary: Requests/sec, the latency distribution, non-2xx and socket errors.
        init(parsing text: String) {
            for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                if line.hasPrefix("Requests/sec:"), parts.count > 1 { requestsPerSecond = Double(parts[1]) ?? 0 }
                if line.hasPrefix("50%"), parts.count > 1 { p50 = Self.milliseconds(parts[1]) }
                if line.hasPrefix("99%"), parts.count > 1 { p99 = Self.milliseconds(parts[1]) }
                if line.hasPrefix("Non-2xx"), let last = parts.last { errors += Int(last) ?? 0 }
                if line.hasPrefix("Socket errors:") {
                    errors += line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
                }
            }
        }

        static func milliseconds(_ text: String) -> Double {
            for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)]
            where text.hasSuffix(suffix) {
                return (Double(text.dropLast(suffix.count)) ?? 0) * factor
            }
            return Double(text) ?? 0
        }
    }

    static func wrk(_ wrk: String, _ arguments: [String]) throws -> WrkRun {
        WrkRun(parsing: try output(wrk, arguments, environment: [:]))
    }

    static func output(_ path: String, _ arguments: [String], environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(path) exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    static func waitForHealth(_ base: String) throws {
        for _ in 0..<200 {
            if (try? Child.run("/usr/bin/curl", ["-sf", "\(base)/health"]).status) == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw BenchError("the service did not answer /health")
    }

    static func residentMegabytes(_ pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}

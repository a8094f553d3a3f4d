import ArgumentParser
import Capacita
import CapacitaPDF
import CapacitaStore
import Dispatch
import Foundation
import Postgres
import SampleData

/// A group's paper, timed beside reading the same data from the database: (a) the listas de
/// asistencia of every session of a 200-person group as one PDF, (b) its 200 constancias as a ZIP,
/// each goal under one second; (c) a ZIP of 10,000 constancias with resident memory sampled as it
/// grows. The work is the service's and the command line's, step by step, in this process,
/// connected as the application role acting as the Secretaría Técnica (row-level security applies).
struct Documents: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract:
            "Times the lists and the constancias' ZIP of a 200-person group, and a 10,000-constancia ZIP's memory.")

    @Option(help: "People in the group of (a) and (b).") var people: Int = 200
    @Option(help: "Constancias in the ZIP of (c).") var large: Int = 10_000
    @Option(help: "Timed runs of (a) and (b) (the median is printed).") var runs: Int = 5
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"
    @Flag(help: "Reuse the database of a previous run.") var reuse = false

    static let publicURL = "https://capacita.example.gob.mx"
    static let small = "BENCH-DOCS-0200"
    static let big = "BENCH-DOCS-10000"

    func run() throws {
        let tools = try Tools.locate()
        let name = "capacita_bench_documents"
        let database = reuse ? tools.url(database: name) : try tools.freshDatabase(name)
        if !reuse { try setUp(tools, database) }
        let connection = try Connection(tools.withUser("capacita_app", database))
        connection.act(as: .admin("capacita-bench"))
        let documents = ConstanciaDocuments(connection: connection, publicURL: Self.publicURL)
        let folder = URL(fileURLWithPath: data).appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

        func median(_ body: () throws -> Void) rethrows -> Double {
            try body()  // warm-up
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return times.sorted()[times.count / 2]
        }

        // (a) The lists: reading the sessions, roster and instructors, then drawing every list.
        let loader = AttendanceSheetLoader(connection: connection)
        var sheets: [AttendanceSheet] = []
        let readLists = try median {
            guard case .sheets(let found) = try loader.sheets(group: Self.small, date: nil, blankRows: 5) else {
                throw BenchError("no lists for \(Self.small)")
            }
            sheets = found
        }
        var listBytes = 0
        let drawLists = try median { listBytes = try AttendanceSheetPDF.render(sheets).count }
        let listTotal = try median {
            guard case .sheets(let found) = try loader.sheets(group: Self.small, date: nil, blankRows: 5) else {
                return
            }
            _ = try AttendanceSheetPDF.render(found)
        }
        let pages = sheets.map(AttendanceSheetPDF.pageCount).reduce(0, +)
        print("documents of a \(people)-person group (median of \(runs) warm runs; as capacita_app)")
        print(
            String(
                format:
                    "(a) lists: %d sessions, %d pages, %.0f KB: read %.1f ms, draw %.1f ms, read+draw %.1f ms (ratio %.1f to the read)",
                sheets.count, pages, Double(listBytes) / 1024, readLists, drawLists, listTotal, listTotal / readLists))

        // (b) The constancias' ZIP: the same pages read alone, then read, drawn, archived, recorded.
        var count = 0
        let readConstancias = try median {
            count = 0
            var after: String?
            repeat {
                let page = try documents.page(group: Self.small, after: after)
                count += page.documents.count
                after = page.next
            } while after != nil
        }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        var zipBytes: Int64 = 0
        let zipTotal = try median {
            zipBytes = try Self.writeArchive(Self.small, documents, into: folder, threads: threads, sample: nil).bytes
        }
        let oneThread = try median {
            _ = try Self.writeArchive(Self.small, documents, into: folder, threads: 1, sample: nil)
        }
        print(
            String(
                format:
                    "(b) ZIP of %d constancias, %.1f MB: read %.1f ms; read+draw+zip+record %.1f ms on %d threads, %.1f ms on one (%.2f ms a constancia); ratio %.1f to the read",
                count, Double(zipBytes) / 1e6, readConstancias, zipTotal, threads, oneThread,
                oneThread / Double(max(count, 1)), zipTotal / readConstancias))

        // (c) 10,000 constancias: resident memory every 1,000, and the peak.
        var samples: [(Int, Double)] = [(0, Self.residentMegabytes("VmRSS"))]
        let start = DispatchTime.now().uptimeNanoseconds
        let (entries, bytes) = try Self.writeArchive(Self.big, documents, into: folder, threads: threads) { done in
            if done / 1000 > (samples.last?.0 ?? 0) / 1000 { samples.append((done, Self.residentMegabytes("VmRSS"))) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(
            String(
                format:
                    "(c) ZIP of %d constancias, %.0f MB, in %.1f s; resident memory (VmRSS) by constancias written:",
                entries, Double(bytes) / 1e6, seconds))
        print(samples.map { String(format: "%d: %.1f MB", $0.0, $0.1) }.joined(separator: ", "))
        print(String(format: "peak resident memory of this process (VmHWM): %.1f MB", Self.residentMegabytes("VmHWM")))

        try throughTheCommandLine(tools, database, folder: folder)
        try overHTTP(tools, database)
    }

    /// The same two through the command line, one process each time (start, connect, read, draw,
    /// write the file): `attendance sheet G` (every session) and `constancia pdf --group G`.
    func throughTheCommandLine(_ tools: Tools, _ database: String, folder: URL) throws {
        let environment = [
            "DATABASE_URL": database, "CAPACITA_ROOT": tools.root, "CAPACITA_PUBLIC_URL": Self.publicURL,
        ]
        let out = folder.appendingPathComponent("cli-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: out.appendingPathExtension("pdf"))
            try? FileManager.default.removeItem(at: out.appendingPathExtension("zip"))
        }
        func median(_ arguments: [String]) throws -> Double {
            try (0...runs).map { _ in try Child.must(tools.capacita, arguments, environment: environment).seconds * 1000
            }
            .dropFirst().sorted()[runs / 2]
        }
        let lists = try median(["attendance", "sheet", Self.small, "--out", out.appendingPathExtension("pdf").path])
        let zip = try median([
            "constancia", "pdf", "--group", Self.small, "--out", out.appendingPathExtension("zip").path,
        ])
        print("through the command line, one process each (median of \(runs)):")
        print(String(format: "capacita attendance sheet %@ (every session)   %7.1f ms", Self.small, lists))
        print(String(format: "capacita constancia pdf --group %@      %7.1f ms", Self.small, zip))
    }

    /// The same through `capacita serve` (release, as `capacita_app`) on loopback, with curl: the
    /// lists' PDF of one day and the 200-constancia ZIP (median of `runs`, curl's total time), and
    /// the 10,000-constancia ZIP with the server's resident memory sampled every half second.
    func overHTTP(_ tools: Tools, _ database: String) throws {
        let environment = ["DATABASE_URL": database, "CAPACITA_ROOT": tools.root]
        let stamp = String(Int(Date().timeIntervalSince1970))
        let token =
            try Service.output(
                tools.capacita, ["token", "create", "--role", "admin", "--name", "bench-documents-\(stamp)"],
                environment: environment
            ).split(separator: "\n").last.map(String.init) ?? ""
        let port = 18_900 + Int(stamp)! % 100
        let server = Process()
        server.executableURL = URL(fileURLWithPath: tools.capacita)
        server.arguments = ["serve", "--port", String(port)]
        server.environment = ProcessInfo.processInfo.environment.merging(
            [
                "DATABASE_URL": tools.withUser("capacita_app", database), "CAPACITA_ROOT": tools.root,
                "CAPACITA_LOG_LEVEL": "warning", "CAPACITA_PUBLIC_URL": Self.publicURL,
            ]) { _, new in new }
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        try Service.waitForHealth(base)
        func get(_ path: String) throws -> (seconds: Double, bytes: Int) {
            let out = try Service.output(
                "/usr/bin/curl",
                [
                    "-sf", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "-H",
                    "Authorization: Bearer \(token)",
                    base + path,
                ], environment: [:])
            let fields = out.split(separator: " ")
            guard fields.count == 2, let seconds = Double(fields[0]), let bytes = Int(fields[1]) else {
                throw BenchError("curl \(path): \(out)")
            }
            return (seconds, bytes)
        }
        func median(_ path: String) throws -> (milliseconds: Double, bytes: Int) {
            _ = try get(path)
            let runs = try (0..<runs).map { _ in try get(path) }
            return (runs.map(\.seconds).sorted()[runs.count / 2] * 1000, runs[0].bytes)
        }
        print("over HTTP: capacita serve (release, capacita_app) and curl on loopback, median of \(runs)")
        let day = try median("/v1/groups/\(Self.small)/sessions/2024-05-06/lista.pdf")
        print(
            String(
                format: "GET …/sessions/2024-05-06/lista.pdf (2 sessions)  %7.1f ms  %6.0f KB", day.milliseconds,
                Double(day.bytes) / 1024))
        let zip = try median("/v1/groups/\(Self.small)/constancias.zip")
        print(
            String(
                format: "GET …/%@/constancias.zip             %7.1f ms  %6.1f MB", Self.small, zip.milliseconds,
                Double(zip.bytes) / 1e6))
        let pid = server.processIdentifier
        let before = Service.residentMegabytes(pid)
        let sampling = Process()
        sampling.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        sampling.arguments = [
            "-sf", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "-H", "Authorization: Bearer \(token)",
            "\(base)/v1/groups/\(Self.big)/constancias.zip",
        ]
        let pipe = Pipe()
        sampling.standardOutput = pipe
        try sampling.run()
        var samples: [Double] = []
        while sampling.isRunning {
            samples.append(Service.residentMegabytes(pid))
            Thread.sleep(forTimeInterval: 0.5)
        }
        let result = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let sorted = samples.sorted()
        print(
            String(
                format:
                    "GET …/%@/constancias.zip: %@ (s, bytes); server VmRSS before %.1f MB, during: min %.1f, median %.1f, max %.1f MB (%d samples)",
                Self.big, result, before, sorted.first ?? 0, sorted.isEmpty ? 0 : sorted[sorted.count / 2],
                sorted.last ?? 0, samples.count))
        server.interrupt()
        server.waitUntilExit()
    }

    /// The group's ZIP as the service makes it: page by page, read, drawn, added to the archive's
    /// file, recorded as issued, and the bytes that became final read back (the service sends them)
    /// and let go. `sample` is told the constancias written after each page.
    static func writeArchive(
        _ group: String, _ documents: ConstanciaDocuments, into folder: URL, threads: Int, sample: ((Int) -> Void)?
    ) throws -> (entries: Int, bytes: Int64) {
        let url = folder.appendingPathComponent("\(group)-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        let archive = try ConstanciaArchive(creatingAt: url)
        var sent: Int64 = 0
        var after: String?
        repeat {
            let page = try documents.page(group: group, after: after)
            var issued: [(folio: String, sha256: String)] = []
            // Drawn on `threads` threads, as the command line does (the service uses its drawing
            // threads, two by default), then written in folio order.
            let drawn = try ConstanciaPDF.render(page.documents, threads: threads)
            for (document, pdf) in zip(page.documents, drawn) {
                try archive.add(name: document.fileName, pdf: pdf, issuedOn: document.issuedOn)
                issued.append((document.folio, ConstanciaDocuments.sha256(pdf)))
            }
            try documents.recordIssued(issued)
            let finished = try archive.finishedLength()
            if finished > sent {
                sent += Int64(try archive.read(from: sent, count: Int(finished - sent)).count)
            }
            sample?(archive.entries)
            after = page.next
        } while after != nil
        return (archive.entries, try archive.length())
    }

    /// A line of /proc/self/status, in megabytes.
    static func residentMegabytes(_ key: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }

    /// The two groups, made as the command line makes them: a groups file, SICT's people, a
    /// sessions file (two sessions a day for five days), results that make everyone acreditado
    /// (so each gets a constancia). The 10,000-person group is no real group: its cupo is raised in
    /// SQL past the course's online limit of 200.
    func setUp(_ tools: Tools, _ database: String) throws {
        let folder = "\(data)/documents"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let groups =
            "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos\n"
            + "\(Self.small),PNC22-BAS,,SICT,2024-05-06,2024-05-10,en línea,,200,,\n"
            + "\(Self.big),PNC22-BAS,,SICT,2024-06-03,2024-06-07,en línea,,200,,\n"
        try groups.write(toFile: "\(folder)/groups.csv", atomically: true, encoding: .utf8)
        try tools.prepare(database, groups: "\(folder)/groups.csv")
        let setup = try Connection(database)
        try setup.query("UPDATE training_group SET capacity = $1 WHERE code = $2", [large, Self.big])
        var sessions = "grupo,fecha,inicio,fin,lugar\n"
        for day in 6...10 {
            sessions += "\(Self.small),2024-05-\(String(format: "%02d", day)),09:00,13:00,Aula virtual Ñuu Savi\n"
            sessions += "\(Self.small),2024-05-\(String(format: "%02d", day)),15:00,18:00,Aula virtual Ñuu Savi\n"
        }
        try sessions.write(toFile: "\(folder)/sessions.csv", atomically: true, encoding: .utf8)
        let environment = ["DATABASE_URL": database, "CAPACITA_ROOT": tools.root]
        try Child.must(
            tools.capacita, ["group", "sessions-import", "\(folder)/sessions.csv"], environment: environment)
        let population = SampleFiles(rows: people + large, people: people + large, seed: 2028).population()
        for (group, persons) in [
            (Self.small, population.prefix(people)), (Self.big, population.dropFirst(people).prefix(large)),
        ] {
            let enrollment =
                "curp,nombre,primer_apellido,segundo_apellido,sexo,dependencia,nivel\n"
                + persons.map {
                    "\($0.curp),\($0.givenNames),\($0.firstSurname),\($0.secondSurname),\($0.sex.rawValue),SICT,M"
                }.joined(separator: "\n") + "\n"
            let results =
                "curp,grupo,asistencia,calificacion\n"
                + persons.map { "\($0.curp),\(group),100,95" }.joined(
                    separator: "\n") + "\n"
            try enrollment.write(toFile: "\(folder)/enrollment-\(group).csv", atomically: true, encoding: .utf8)
            try results.write(toFile: "\(folder)/results-\(group).csv", atomically: true, encoding: .utf8)
            try Child.must(
                tools.capacita,
                [
                    "enroll", "import", "\(folder)/enrollment-\(group).csv", "--agency", "SICT", "--group", group,
                    "--skip-prerequisites",
                ], environment: environment)
            try Child.must(
                tools.capacita, ["results", "import", "\(folder)/results-\(group).csv"], environment: environment)
        }
        try setup.execute("VACUUM ANALYZE")
    }
}

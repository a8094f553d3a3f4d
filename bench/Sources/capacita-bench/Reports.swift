import ArgumentParser
import Capacita
import CapacitaStore
import Dispatch
import Foundation
import Postgres
import SampleData

/// Coverage and Parámetro 4.2 at national scale, on a warm database, against the plainest SQL
/// that counts the same trained people, timed in the same process.
struct Reports: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Times report coverage and indicator against plain SQL.")

    @Option(help: "Enrollments.") var rows: Int = 1_000_000
    @Option(help: "People.") var people: Int = 300_000
    @Option(help: "Share of enrollments acreditado.") var acreditado: Double = 0.7
    @Option(help: "Timed runs of each query (the median is printed).") var runs: Int = 7
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"
    @Flag(help: "Reuse the database of a previous run.") var reuse = false

    func run() throws {
        let tools = try Tools.locate()
        let files = SampleFiles(rows: rows, people: people, firstYear: 2022, years: 5)
        let database = try Self.database(
            tools: tools, files: files, acreditado: acreditado, data: data, reuse: reuse)
        let connection = try Connection(database)
        // The reports' definer functions answer only a transaction that names its caller.
        connection.act(as: .admin("capacita-bench"))
        let store = CoverageStore(connection: connection)
        let year = 2024
        let options = CoverageOptions()
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
        let levels = Level.allCases.map(\.rawValue)
        let plain = try median {
            _ = try connection.query(CoverageStore.trainedSQL, ["2022-01-01", "\(year)-12-31", levels])
        }
        let coverage = try median { _ = try store.coverage(year: year, options: options) }
        let indicator = try median { _ = try store.indicator(year: year, options: options) }
        let enrollments = try connection.query("SELECT count(*) FROM enrollment").scalar(Int.self) ?? 0
        print("reports on \(enrollments) enrollments, \(files.people) people, 5 years (median of \(runs) warm runs)")
        print(String(format: "plain SQL (trained people, %d cumulative)  %8.1f ms", year, plain))
        print(
            String(
                format: "report coverage --year %d               %8.1f ms  ratio %.2f", year, coverage, coverage / plain
            ))
        print(
            String(
                format: "report indicator --year %d              %8.1f ms  ratio %.2f", year, indicator,
                indicator / plain))
    }

    /// The national-scale database the report and service benchmarks share: 1 M enrollments over
    /// 2022-2026, 70 % acreditado, headcounts for every member. `reuse` keeps one already built.
    static func database(tools: Tools, files: SampleFiles, acreditado: Double, data: String, reuse: Bool) throws
        -> String
    {
        let name = "capacita_bench_reports"
        let database = tools.url(database: name)
        if reuse { return database }
        _ = try tools.freshDatabase(name)
        let folder = "\(data)/reports-\(files.rows)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try files.writeGroups(to: "\(folder)/groups.csv")
        try files.writeEnrollment(to: "\(folder)/enrollment.csv")
        try tools.prepare(database, groups: "\(folder)/groups.csv")
        try Child.must(
            tools.capacita, ["enroll", "import", "\(folder)/enrollment.csv"], environment: ["DATABASE_URL": database])
        try settle(database, acreditado: acreditado)
        return database
    }

    /// Marks a share of the enrollments acreditado (one timed UPDATE, the summary rebuilt at its
    /// commit), gives every member a headcount for 2022-2026 and analyzes.
    static func settle(_ database: String, acreditado: Double) throws {
        // Results at this scale would take a results file as large again; the status is what the reports read.
        let setup = try Connection(database)
        let start = DispatchTime.now().uptimeNanoseconds
        try setup.query(
            "UPDATE enrollment SET status = 'acreditado' WHERE abs(hashtext(curp || group_code)) % 1000 < $1",
            [Int(acreditado * 1000)])
        // The statement commits on its own: the time includes rebuilding the trained_year summary.
        print(
            String(
                format: "setup: status UPDATE of %.0f%% of the enrollments, summary refreshed at commit: %.2f s",
                acreditado * 100, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        try setup.query(
            """
            INSERT INTO headcount (agency_code, year, alto, medio, operativo)
            SELECT a.code, y, 300 + abs(hashtext(a.code)) % 200, 3000 + abs(hashtext(a.code || 'm')) % 2000,
                   30000 + abs(hashtext(a.code || 'o')) % 20000
            FROM agency a, generate_series(2022, 2026) AS y WHERE a.counts_in_indicator
            """)
        try setup.execute("VACUUM ANALYZE")
    }
}

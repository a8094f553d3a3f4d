import ArgumentParser
import Foundation
import SampleData

/// Benchmarks and their data generator. Every figure is printed beside a baseline measured in the
/// same run on the same machine, so the ratio means something wherever it runs.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacita-bench",
        abstract: "Generates sample data and runs the benchmarks of bench/README.md.",
        subcommands: [
            Generate.self, Enrollment.self, EnrollmentRoles.self, WorkbookBench.self, Reports.self, Service.self,
            Documents.self, Scale.self,
        ]
    )
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Writes groups.csv and enrollment.csv of N enrollment rows.")

    @Option(help: "Enrollment rows.") var rows: Int = 100_000
    @Option(help: "Distinct people (default: 30% of the rows).") var people: Int?
    @Option(help: "Seed of the generator.") var seed: UInt64 = 2022
    @Option(help: "First year of the groups.") var year: Int = 2024
    @Option(help: "Years the groups spread over.") var years: Int = 1
    @Option(help: "Rows with a bad CURP check digit.") var bad: Int = 0
    @Option(help: "Output folder.") var out: String = "bench/data"

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let files = SampleFiles(rows: rows, people: people, seed: seed, firstYear: year, years: years, badRows: bad)
        try files.writeGroups(to: "\(out)/groups.csv")
        try files.writeEnrollment(to: "\(out)/enrollment.csv")
        print(
            "\(out)/groups.csv: \(files.groupCount) groups; \(out)/enrollment.csv: \(rows) rows, \(files.people) people"
        )
    }
}

Bench.main()

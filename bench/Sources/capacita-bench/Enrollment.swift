import ArgumentParser
import Foundation
import SampleData

/// Enrollment import against the floor: `psql \copy` of the same file into a bare table of text
/// columns, the server's own speed. Each size gets a fresh database. A second reference, printed
/// beside it, copies the file into the same table with a primary key on (grupo, curp): what any
/// import that keeps one enrollment per person and group must at least pay.
struct Enrollment: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Times capacita enroll import against psql \\copy.")

    @Option(help: "Row counts, comma-separated.") var sizes: String = "100000,1000000"
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"

    func run() throws {
        let tools = try Tools.locate()
        print("enrollment import vs psql \\copy (same file, same server, same run)")
        print(
            "rows      psql_s  psql_rows/s  capacita_s  capacita_rows/s  ratio  peak_MB  psql_keyed_s  ratio_keyed  again_s"
        )
        var phases = ""
        for size in sizes.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            let database = try tools.freshDatabase("capacita_bench_enroll")
            let files = SampleFiles(rows: size)
            let folder = "\(data)/enroll-\(size)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try files.writeGroups(to: "\(folder)/groups.csv")
            try files.writeEnrollment(to: "\(folder)/enrollment.csv")
            try tools.prepare(database, groups: "\(folder)/groups.csv")

            try Child.must(
                tools.psql,
                [
                    database, "-q", "-c",
                    """
                    CREATE TABLE bare (curp text, nombre text, paterno text, materno text, sexo text, correo text,
                                       dependencia text, nivel text, puesto text, grupo text)
                    """,
                ])
            let floor = try Child.must(
                tools.psql,
                [
                    database, "-q", "-c",
                    "\\copy bare FROM '\(folder)/enrollment.csv' WITH (FORMAT csv, HEADER true)",
                ])
            let run = try Child.must(
                tools.capacita, ["enroll", "import", "\(folder)/enrollment.csv"],
                environment: ["DATABASE_URL": database, "CAPACITA_TIMINGS": "1"])
            try Child.must(
                tools.psql,
                [
                    database, "-q", "-c",
                    """
                    CREATE TABLE keyed (curp text COLLATE "C", nombre text, paterno text, materno text, sexo text, correo text,
                                        dependencia text, nivel text, puesto text, grupo text COLLATE "C", PRIMARY KEY (grupo, curp))
                    """,
                ])
            let keyed = try Child.must(
                tools.psql,
                [
                    database, "-q", "-c",
                    "\\copy keyed FROM '\(folder)/enrollment.csv' WITH (FORMAT csv, HEADER true)",
                ])
            // The same file sent again: every row unchanged, nothing to write.
            let again = try Child.must(
                tools.capacita, ["enroll", "import", "\(folder)/enrollment.csv"],
                environment: ["DATABASE_URL": database])
            let ratio = run.seconds / floor.seconds
            print(
                String(
                    format: "%-9d %6.2f  %11.0f  %10.2f  %15.0f  %5.2f  %7.1f  %12.2f  %11.2f  %7.2f", size,
                    floor.seconds,
                    Double(size) / floor.seconds, run.seconds, Double(size) / run.seconds, ratio, run.ownPeakMegabytes,
                    keyed.seconds, run.seconds / keyed.seconds, again.seconds))
            phases = "phases of the \(size)-row import (CAPACITA_TIMINGS=1):\n" + run.standardError
            try tools.dropDatabase("capacita_bench_enroll")
        }
        print(phases, terminator: "")
    }
}

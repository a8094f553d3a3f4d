import ArgumentParser
import Foundation
import SampleData

/// Enrollment import against the floor: `psql \copy` of the same file into a bare table of text
/// columns, the server's own speed. Each size gets a fresh database. A second reference, printed
/// beside it, copies the file into the same table with a primary key on (grupo, curp): what any
/// import that keeps one enrollment per person and group must at least pay. The third, the
/// keyed-write floor (issue #32), is what any correct import must write: the file split
/// beforehand (untimed) into its distinct people and its enrollments, then two `\copy` in one
/// transaction into a person table keyed by CURP and an enrollment table keyed by (grupo, curp).
/// The import itself runs as the application role, the service's single write path.
struct Enrollment: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Times capacita enroll import against psql \\copy.")

    @Option(help: "Row counts, comma-separated.") var sizes: String = "100000,1000000"
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"
    @Option(help: "Distinct people (default: 30% of the rows; the issue's measure: as many as rows).")
    var people: Int?
    @Option(help: "Runs of each size, each on a fresh database.") var runs: Int = 1

    func run() throws {
        let tools = try Tools.locate()
        print("enrollment import vs psql \\copy (same file, same server, same run)")
        print(
            "rows      psql_s  psql_rows/s  capacita_s  capacita_rows/s  ratio  peak_MB  psql_keyed_s  ratio_keyed  floor_s  ratio_floor  again_s"
        )
        var phases = ""
        let counts = sizes.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        for size in counts {
            let files = SampleFiles(rows: size, people: people)
            let folder = "\(data)/enroll-\(size)-\(files.people)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try files.writeGroups(to: "\(folder)/groups.csv")
            try files.writeEnrollment(to: "\(folder)/enrollment.csv")
            for _ in 0..<max(runs, 1) {
                phases = try measure(tools, size: size, folder: folder)
            }
        }
        print(phases, terminator: "")
    }

    /// One run of one size on a fresh database: prints its line, returns the import's phases.
    private func measure(_ tools: Tools, size: Int, folder: String) throws -> String {
        let database = try tools.freshDatabase("capacita_bench_enroll")
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
        let floorWrite = try keyedWriteFloor(tools, database: database, folder: folder)
        let application = tools.withUser("capacita_app", database)
        let run = try Child.must(
            tools.capacita, ["enroll", "import", "\(folder)/enrollment.csv"],
            environment: ["DATABASE_URL": application, "CAPACITA_TIMINGS": "1"])
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
            environment: ["DATABASE_URL": application])
        let ratio = run.seconds / floor.seconds
        print(
            String(
                format: "%-9d %6.2f  %11.0f  %10.2f  %15.0f  %5.2f  %7.1f  %12.2f  %11.2f  %7.2f  %11.2f  %7.2f",
                size, floor.seconds, Double(size) / floor.seconds, run.seconds, Double(size) / run.seconds, ratio,
                run.ownPeakMegabytes, keyed.seconds, run.seconds / keyed.seconds, floorWrite.seconds,
                run.seconds / floorWrite.seconds, again.seconds))
        try tools.dropDatabase("capacita_bench_enroll")
        return "phases of the \(size)-row import (CAPACITA_TIMINGS=1):\n" + run.standardError
    }

    /// The keyed-write floor: the least any correct import must write. Every correct import ends
    /// with one row per distinct CURP in a table keyed by CURP and one per row in a table keyed by
    /// (grupo, curp); this writes exactly that and nothing else (no stage, no check, no merge), in
    /// one transaction into tables made beforehand (so the copies are WAL-logged as an import's
    /// are). The split into the two files is made before the clock starts, from the bare copy.
    private func keyedWriteFloor(_ tools: Tools, database: String, folder: String) throws -> Child.Measure {
        try Child.must(
            tools.psql,
            [
                database, "-q", "-c",
                """
                CREATE TABLE floor_person (curp text COLLATE "C" PRIMARY KEY, nombre text, paterno text,
                                           materno text, sexo text, correo text);
                CREATE TABLE floor_enrollment (grupo text COLLATE "C", curp text COLLATE "C", dependencia text,
                                               nivel text, puesto text, PRIMARY KEY (grupo, curp))
                """,
                "-c",
                "\\copy (SELECT DISTINCT ON (curp) curp, nombre, paterno, materno, sexo, correo FROM bare ORDER BY curp) TO '\(folder)/floor-person.csv' WITH (FORMAT csv)",
                "-c",
                "\\copy (SELECT grupo, curp, dependencia, nivel, puesto FROM bare) TO '\(folder)/floor-enrollment.csv' WITH (FORMAT csv)",
            ])
        let measure = try Child.must(
            tools.psql,
            [
                database, "-q", "-1", "-c",
                "\\copy floor_person FROM '\(folder)/floor-person.csv' WITH (FORMAT csv)", "-c",
                "\\copy floor_enrollment FROM '\(folder)/floor-enrollment.csv' WITH (FORMAT csv)",
            ])
        try Child.must(tools.psql, [database, "-q", "-c", "DROP TABLE floor_person, floor_enrollment"])
        return measure
    }
}

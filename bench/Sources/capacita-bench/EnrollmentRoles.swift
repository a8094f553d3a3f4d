import ArgumentParser
import Foundation
import SampleData

/// The same enrollment file imported by the superuser (the CLI on scripts/dev-db: set-based
/// merge with row checks off) and by the application role capacita_app (not superuser, not
/// BYPASSRLS: row-level security on, the merge through the definer function
/// enrollment_import_apply). Each into a fresh database, in the same run.
struct EnrollmentRoles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrollment-roles",
        abstract: "Times capacita enroll import as the superuser and as the application role.")

    @Option(help: "Row counts, comma-separated.") var sizes: String = "100000,1000000"
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"
    @Option(help: "Runs of each.") var runs: Int = 1

    func run() throws {
        let tools = try Tools.locate()
        print("enrollment import: superuser vs application role (same file, same server, same run)")
        print("rows      superuser_s  app_role_s  ratio  goal")
        for size in sizes.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            let files = SampleFiles(rows: size)
            let folder = "\(data)/enroll-\(size)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try files.writeGroups(to: "\(folder)/groups.csv")
            try files.writeEnrollment(to: "\(folder)/enrollment.csv")
            for _ in 0..<runs {
                var seconds: [Double] = []
                for asApplication in [false, true] {
                    let database = try tools.freshDatabase("capacita_bench_roles")
                    try tools.prepare(database, groups: "\(folder)/groups.csv")
                    let url = asApplication ? tools.withUser("capacita_app", database) : database
                    let run = try Child.must(
                        tools.capacita, ["enroll", "import", "\(folder)/enrollment.csv"],
                        environment: ["DATABASE_URL": url])
                    seconds.append(run.seconds)
                    try tools.dropDatabase("capacita_bench_roles")
                }
                print(
                    String(
                        format: "%-9d %11.2f  %10.2f  %5.2f  1.25", size, seconds[0], seconds[1],
                        seconds[1] / seconds[0]))
            }
        }
    }
}

import Foundation
import TestSupport
import Testing

/// The built executable run as a user would, against `url`, and a database set up through it.
enum CLI {
    static func run(_ arguments: [String], url: String?, publicURL: String? = nil) -> (
        status: Int32, output: String, error: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url
        environment["CAPACITA_ROOT"] = TestDatabase.projectRoot.path
        // The public address is the test's to give (links in pages the CLI writes): none unless said.
        environment["CAPACITA_PUBLIC_URL"] = publicURL
        environment["CAPACITA_VERIFY_URL"] = nil
        return TestDatabase.runCapturing(CLITests.executable, arguments, environment: environment)
    }

    /// Schema, catalog, registry and the example groups, then `more` steps; each must succeed.
    static func prepare(_ url: String, then more: [[String]] = []) throws {
        let root = TestDatabase.projectRoot.path
        let steps =
            [
                ["db", "migrate"], ["catalog", "load", "\(root)/Courses"],
                ["agency", "import", "\(root)/db/seed/agencies.csv"],
                ["group", "import", "\(root)/examples/grupos.csv"],
            ] + more
        for arguments in steps {
            let result = run(arguments, url: url)
            try #require(result.status == 0, "\(arguments): \(result.output) \(result.error)")
        }
    }
}

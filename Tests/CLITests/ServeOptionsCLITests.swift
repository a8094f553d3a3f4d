import Foundation
import TestSupport
import Testing

/// `capacita serve`'s options of issue #31, refused before anything starts when they are not
/// what they say: the log's format (`--log-format`, `CAPACITA_LOG_FORMAT`) and who may read
/// `/metrics` (`--metrics-allow`, `CAPACITA_METRICS_ALLOW`).
@Suite struct ServeOptionsCLITests {
    private func serve(_ arguments: [String], environment extra: [String: String] = [:]) -> (
        status: Int32, output: String, error: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
        environment["CAPACITA_ROOT"] = TestDatabase.projectRoot.path
        environment.merge(extra) { _, new in new }
        return TestDatabase.runCapturing(CLITests.executable, ["serve"] + arguments, environment: environment)
    }

    @Test(arguments: [
        (["--log-format", "xml"], [String: String](), "--log-format: text o json"),
        ([], ["CAPACITA_LOG_FORMAT": "yaml"], "--log-format: text o json"),
        (["--metrics-allow", "10.0.0.0/33"], [:], "--metrics-allow:"),
        (["--metrics-allow", "todas"], [:], "--metrics-allow:"),
        ([], ["CAPACITA_METRICS_ALLOW": "127.0.0.1,,x"], "--metrics-allow:"),
    ])
    func aBadLogFormatOrMetricsAddressIsAUsageError(arguments: [String], environment: [String: String], message: String)
    {
        let run = serve(arguments, environment: environment)
        #expect(run.status == 2, "\(arguments) \(environment): \(run.error)")
        #expect(run.error.contains(message), "\(run.error)")
    }

    @Test func theHelpNamesTheNewOptions() {
        let run = serve(["--help"])
        #expect(run.status == 0)
        #expect(run.output.contains("--metrics-allow") && run.output.contains("--log-format"))
    }
}

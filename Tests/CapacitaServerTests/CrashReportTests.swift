import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A crash of the service must never print request data: Swift's backtracer dumps the memory
/// registers point to unless told otherwise, so `capacita serve` runs with the setting that
/// prints the stack alone, however it was started.
@Suite struct CrashReportTests {
    @Test func theServiceRunsWithACrashReportThatPrintsNoMemory() async throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        // Listening means the process has started itself again with the setting (same pid).
        let (process, _, log) = try ShutdownTests.serve(
            fixture, ["--upload-folder", fixture.uploadFolder], environment: ["SWIFT_BACKTRACE": nil])
        defer { withExtendedLifetime(log) {} }
        defer { if process.isRunning { process.terminate() } }
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/environ"))
        let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let setting = try #require(variables.first { $0.hasPrefix("SWIFT_BACKTRACE=") })
        #expect(setting.contains("registers=none") && setting.contains("images=none"), "\(setting)")
    }
}

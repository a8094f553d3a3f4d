import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the service prints if it ever crashes. Swift's backtracer, by default, dumps the crashed
/// thread's registers with the memory bytes they point to: a request's CURPs and names can be
/// among them, and that goes to the service's log. The backtracer reads `SWIFT_BACKTRACE` once,
/// when the process starts, so `capacita serve` starts itself again with the setting when it is
/// missing: a crash then prints the stack (function names and lines) and nothing of memory.
enum CrashReport {
    static let setting = "enable=yes,registers=none,images=none,sanitize=yes"

    /// Returns only when the setting is in force (or the process cannot start itself again, on a
    /// system without /proc: the crash report is then the platform's default).
    static func startQuietly() {
        #if os(Linux)
        guard ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] != setting else { return }
        setenv("SWIFT_BACKTRACE", setting, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only when it failed: the service runs on with the default report.
        #endif
    }
}

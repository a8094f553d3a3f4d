import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program and measures it: wall time, exit status, standard error, and peak resident
/// memory from wait4's rusage. That peak is an upper bound: on Linux a child inherits its parent's
/// peak as its own starting maxrss (the exec'd image replaces the parent's memory map, whose
/// high-water mark is carried over), so programs that can report their own peak should.
struct Child {
    struct Measure {
        var status: Int32
        var seconds: Double
        var peakMegabytes: Double
        var standardError: String
    }

    static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:], quiet: Bool = true)
        throws -> Measure
    {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capacita-bench-\(UUID().uuidString).err"
        ).path
        defer { try? FileManager.default.removeItem(atPath: errors) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let start = DispatchTime.now()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let standardError = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        return Measure(
            status: exitStatus, seconds: seconds, peakMegabytes: Double(usage.ru_maxrss) / 1024,
            standardError: standardError)
    }

    /// Runs and insists on success.
    @discardableResult
    static func must(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Measure {
        let measure = try run(path, arguments, environment: environment)
        guard measure.status == 0 else {
            throw BenchError(
                "\(path) \(arguments.joined(separator: " ")) exited \(measure.status): \(measure.standardError)")
        }
        return measure
    }

    /// Standard output of a command.
    static func output(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Child.Measure {
    /// The peak the program reported itself ("peak memory: N MB", CAPACITA_TIMINGS=1), else the
    /// rusage upper bound.
    var ownPeakMegabytes: Double {
        for line in standardError.split(separator: "\n") where line.hasPrefix("peak memory: ") {
            if let value = Double(line.dropFirst("peak memory: ".count).split(separator: " ").first ?? "") {
                return value
            }
        }
        return peakMegabytes
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

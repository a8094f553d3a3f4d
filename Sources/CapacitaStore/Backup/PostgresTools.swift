import Dispatch
import Foundation
import Postgres
import Synchronization

/// PostgreSQL's own client programs (pg_dump, pg_restore) of the server's major version, run as
/// child processes: arguments as an array (no shell ever sees them), the connection through the
/// environment (`ConnectionParameters.forChildProcess`), so no password reaches a command line.
public struct PostgresTools: Sendable {
    /// Where Debian installs each major version's programs; the same place `scripts/dev-db` and
    /// `scripts/schema` look.
    public static let debianFolder = "/usr/lib/postgresql"

    /// The program for this major version: Debian's folder for it, else one on PATH whose
    /// `--version` says the same major (another major writes or reads another dialect).
    public static func locate(_ tool: String, major: Int) throws(BackupError) -> URL {
        let debian = URL(fileURLWithPath: "\(debianFolder)/\(major)/bin/\(tool)")
        if FileManager.default.isExecutableFile(atPath: debian.path) { return debian }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(tool)
            guard FileManager.default.isExecutableFile(atPath: candidate.path) else { continue }
            if let version = try? version(of: candidate), majorVersion(of: version) == major { return candidate }
        }
        throw .toolMissing(tool: tool, major: major)
    }

    /// `pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)`, as the program prints it.
    public static func version(of tool: URL) throws(BackupError) -> String {
        let outcome = try run(tool, ["--version"], connection: nil, capturingOutput: true)
        guard outcome.status == 0 else {
            throw .toolFailed(tool: tool.lastPathComponent, status: outcome.status, message: outcome.errors)
        }
        return outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The major version in a `--version` line: the first number after "(PostgreSQL) ".
    static func majorVersion(of version: String) -> Int? {
        guard let range = version.range(of: "(PostgreSQL) ") else { return nil }
        return Int(version[range.upperBound...].prefix { $0.isNumber })
    }

    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        /// The end of what it wrote on stderr, cleaned for a person to read (see `cleaned`).
        public var errors: String
    }

    /// How much of a program's stderr is kept: its last lines say why it stopped.
    static let errorBytesKept = 16 * 1024

    /// Runs `tool` with `arguments`, connecting (when `connection` is given) through variables
    /// added to this process's environment, and waits for it.
    public static func run(
        _ tool: URL, _ arguments: [String], connection: ConnectionParameters?, capturingOutput: Bool = false
    ) throws(BackupError) -> Outcome {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        var secrets: [String] = []
        if let connection {
            let child: (environment: [String: String], dbname: String)
            do {
                child = try connection.forChildProcess()
            } catch {
                throw .badConnection(error.description)
            }
            environment.merge(child.environment) { _, new in new }
            secrets = connection.parameters.filter(\.isSecret).map(\.value).filter { !$0.isEmpty }
        }
        process.environment = environment
        let errors = Pipe()
        let output = Pipe()
        process.standardError = errors
        process.standardOutput = capturingOutput ? output : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .toolFailed(tool: tool.lastPathComponent, status: -1, message: error.localizedDescription)
        }
        // Both pipes are drained while the program runs, so a full one can never stall it.
        let kept = Mutex(Data())
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            let handle = errors.fileHandleForReading
            while let chunk = try? handle.read(upToCount: 1 << 14), !chunk.isEmpty {
                kept.withLock { data in
                    data.append(chunk)
                    if data.count > errorBytesKept { data = Data(data.suffix(errorBytesKept)) }
                }
            }
            finished.signal()
        }
        reader.start()
        var printed = Data()
        if capturingOutput {
            // `--version` prints one line; anything past 64 KB is read and dropped.
            printed = (try? output.fileHandleForReading.read(upToCount: 1 << 16)) ?? Data()
            while let more = try? output.fileHandleForReading.read(upToCount: 1 << 16), !more.isEmpty {}
        }
        process.waitUntilExit()
        finished.wait()
        let text = String(decoding: kept.withLock { $0 }, as: UTF8.self)
        return Outcome(
            status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self),
            errors: cleaned(text, hiding: secrets))
    }

    /// A program's stderr as a person may read it: no line of a server error's DETAIL or of the
    /// statement that failed (both can quote a row's values), no secret of the connection, at most
    /// the last 20 lines.
    public static func cleaned(_ text: String, hiding secrets: [String]) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        lines.removeAll { line in
            line.contains("DETAIL:") || line.contains("Command was:") || line.contains("CONTEXT:")
        }
        var kept = lines.suffix(20).joined(separator: "\n")
        for secret in secrets { kept = kept.replacingOccurrences(of: secret, with: "********") }
        return kept
    }
}

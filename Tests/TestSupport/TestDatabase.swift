import Foundation
import Postgres
import Synchronization

/// Fresh databases for tests on a real PostgreSQL: DATABASE_URL's server, or else the
/// project-local cluster, started through the same `scripts/dev-db` that users run.
/// A missing server fails the test; it is never skipped.
public enum TestDatabase {
    /// The repository's root folder.
    public static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    private static let server: Result<String, TestDatabaseError> = {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return .success(url) }
        let (status, output) = run(projectRoot.appendingPathComponent("scripts/dev-db").path, ["start"])
        let url = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, !url.isEmpty else {
            return .failure(TestDatabaseError(message: "scripts/dev-db start failed (\(status)): \(output)"))
        }
        return .success(url)
    }()

    /// The URL of the server's own database (the one DATABASE_URL or dev-db names).
    public static func serverURL() throws -> String {
        try server.get()
    }

    /// A new, empty database on the test server: its name (for `drop`) and its URL. The one place
    /// tests make databases.
    public static func create() throws -> (name: String, url: String) {
        let name = "capacita_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try Connection(try serverURL()).execute("CREATE DATABASE \(name)")
        return (name, try url(of: try serverURL(), database: name))
    }

    /// Drops a database `create` made, whoever is still connected to it.
    public static func drop(_ name: String) {
        try? Connection(try serverURL()).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs `body` with the URL of a new, empty database, dropped afterwards.
    @discardableResult
    public static func withFresh<T>(_ body: (String) throws -> T) throws -> T {
        let database = try create()
        defer { drop(database.name) }
        return try body(database.url)
    }

    /// The same server with another database name, for URIs and for key=value conninfo strings.
    public static func url(of server: String, database: String) throws -> String {
        if server.hasPrefix("postgres://") || server.hasPrefix("postgresql://") {
            guard var components = URLComponents(string: server) else {
                throw TestDatabaseError(message: "cannot parse DATABASE_URL")
            }
            components.path = "/" + database
            return components.string!
        }
        let kept = server.split(separator: " ").filter { !$0.hasPrefix("dbname=") }
        return (kept + ["dbname=\(database)"]).joined(separator: " ")
    }

    /// Runs a program, returning its exit status and standard output.
    public static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        input: String? = nil
    ) -> (status: Int32, output: String) {
        let result = runCapturing(path, arguments, environment: environment, input: input)
        return (result.status, result.output)
    }

    /// Runs a program, returning its exit status, standard output and standard error.
    public static func runCapturing(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        input: String? = nil
    ) -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let stdin = Pipe()
        process.standardInput = stdin
        do {
            try process.run()
        } catch {
            return (127, "", "\(error)")
        }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a large output cannot fill one and block it.
        let errorData = LockedData()
        let reader = Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errorData.value, as: UTF8.self)
        )
    }
}

private final class LockedData: Sendable {
    private let data = Mutex<Data?>(nil)
    func set(_ value: Data) { data.withLock { $0 = value } }
    var isSet: Bool { data.withLock { $0 != nil } }
    var value: Data { data.withLock { $0 ?? Data() } }
}

public struct TestDatabaseError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `capacita serve` as a process: SIGTERM while an upload is in flight stops the service only
/// after that request has finished, and its import lands whole.
@Suite struct ShutdownTests {
    // Synchronous from start to end, on purpose: with the whole suite running, other tests'
    // blocking calls can hold every thread of the cooperative pool for longer than the server's
    // 60 s idle timeout, and a `Task.sleep` here was then resumed only after the server had cut
    // the half-sent upload off (a 400 after exactly 60 s). A test that keeps its thread cannot be
    // starved between the two halves.
    @Test func sigtermLetsARunningUploadFinishThenExits() throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let temporary = NSTemporaryDirectory() + "/capacita-shutdown-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let (process, port, log) = try Self.serve(
            fixture, ["--shutdown-timeout", "30", "--body-min-rate", "1"], environment: ["TMPDIR": temporary])
        defer { withExtendedLifetime(log) {} }
        defer { if process.isRunning { process.terminate() } }

        // One request answered first: the token is known and the pool has a connection, so the
        // upload below reaches its handler however loaded the database is.
        let warm = try RawConnection(port: port)
        try warm.send(
            Array(
                ("GET /v1/groups?year=2024 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Authorization: Bearer \(fixture.tokens[.sict]!)\r\n\r\n").utf8))
        let warmed = String(decoding: try warm.readToEnd(), as: UTF8.self)
        try #require(warmed.hasPrefix("HTTP/1.1 200"), "\(warmed.prefix(300))")
        let file = ServiceTests.sictFile(SampleRows.people.prefix(6))
        let half = file.count / 2
        let connection = try RawConnection(port: port)
        let head =
            "POST /v1/enrollments HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer \(fixture.tokens[.sict]!)\r\nContent-Length: \(file.count)\r\n\r\n"
        try connection.send(Array(head.utf8) + Array(file[..<half]))
        // The handler has begun the upload once its folder exists: the request is in flight. The
        // body's floor rate is 1 byte a second, so however long a loaded machine takes to see it,
        // the half-sent body is not cut off as a slow client's.
        var started = false
        for _ in 0..<9600 where !started {  // up to four minutes on a loaded machine (the whole suite at once)
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary + "/capacita-uploads")) ?? []
            started = entries.contains { $0.hasPrefix("capacita-upload-") }
            if !started { usleep(25_000) }
        }
        try #require(started, "the upload began")
        kill(process.processIdentifier, SIGTERM)
        try connection.send(Array(file[half...]))
        let response = String(decoding: try connection.readToEnd(), as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(400))")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(
            try fixture.query(
                "SELECT count(*)::int FROM enrollment WHERE group_code = 'SICT-SENS-2024-01'", as: Int.self) == 6)
    }

    /// `capacita serve` on `fixture` as its own process, on a free port, once it listens; nil in
    /// `environment` removes a variable. The caller keeps `log` open while the service runs: a
    /// write to a pipe nobody reads would stop it.
    static func serve(_ fixture: ServiceFixture, _ arguments: [String], environment changes: [String: String?] = [:])
        throws -> (process: Process, port: Int, log: Pipe)
    {
        let process = Process()
        process.executableURL = TestDatabase.projectRoot.appendingPathComponent(".build/debug/capacita")
        process.arguments = ["serve", "--port", "0"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = fixture.appURL
        environment["CAPACITA_ROOT"] = TestDatabase.projectRoot.path
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard let port = announcedPort(errors.fileHandleForReading) else {
            process.terminate()
            throw RawConnection.Failure()
        }
        // The rest of the log is read as it comes, into a file beside the build: a full pipe
        // would stop the service at its next log line.
        let reader = errors.fileHandleForReading
        let kept = TestDatabase.projectRoot.appendingPathComponent(".build/serve-\(process.processIdentifier).log")
        _ = FileManager.default.createFile(atPath: kept.path, contents: nil)
        let sink = FileHandle(forWritingAtPath: kept.path)
        Thread {
            while let chunk = try? reader.read(upToCount: 4096), !chunk.isEmpty { try? sink?.write(contentsOf: chunk) }
            try? sink?.close()
        }.start()
        return (process, port, errors)
    }

    /// Reads the server's log until it says where it listens.
    static func announcedPort(_ handle: FileHandle) -> Int? {
        var text = ""
        while let chunk = try? handle.read(upToCount: 1), !chunk.isEmpty {
            text += String(decoding: chunk, as: UTF8.self)
            if text.hasSuffix("\n"), let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                return Int(digits)
            }
            if text.count > 100_000 { return nil }
        }
        return nil
    }
}

/// A TCP connection to the local service, written and read by hand.
final class RawConnection {
    struct Failure: Error {}
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure()
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure() }
            sent += n
        }
    }

    /// One answer: its head, then as many body bytes as its Content-Length says; returns as soon
    /// as they are in (the server may keep the connection open), or at close.
    func readAnswer() throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = result.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: result[..<end.lowerBound], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if result.count - end.upperBound >= length { return result }
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return result }
            result += buffer[..<n]
        }
    }

    func readToEnd() throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            result += buffer[..<n]
        }
        return result
    }
}

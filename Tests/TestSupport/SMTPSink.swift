import Foundation
import Synchronization

/// A real SMTP server for a test: `scripts/smtp-sink` (aiosmtpd) on 127.0.0.1, writing each message
/// it accepts into a folder of this sink's own, read back parsed by Python's `email` package (not
/// by the code under test). The server stops with `stop()`, when the value goes, or when the test
/// process dies (it exits when its standard input closes).
public final class SMTPSink: Sendable {
    public let port: Int
    public let folder: URL
    /// The server, and its standard input, kept open: its end is the server's signal to stop.
    private let running: Mutex<(process: Process, input: Pipe)?>

    /// What the server received, as Python parsed it.
    public struct Received: Decodable, Sendable {
        public let mailFrom: String?
        public let recipients: [String]
        public let authenticatedAs: String?
        public let subject: String?
        public let from: String?
        public let to: String?
        public let date: String?
        public let messageID: String?
        public let contentType: String?
        public let parts: [Part]?
        public let text: String?
        public let html: String?
        public let defects: [String]?
        public let bareLF: Bool?
        public let longLines: Bool?
        public let eightBit: Bool?
        public let parseError: String?
        /// The bytes as received (the .eml beside the .json).
        public var raw: String = ""

        public struct Part: Decodable, Sendable {
            public let contentType: String
            public let charset: String?
            public let transferEncoding: String?

            enum CodingKeys: String, CodingKey {
                case contentType = "content_type"
                case charset
                case transferEncoding = "transfer_encoding"
            }
        }

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from"
            case recipients
            case authenticatedAs = "authenticated_as"
            case subject, from, to, date
            case messageID = "message_id"
            case contentType = "content_type"
            case parts, text, html, defects
            case bareLF = "bare_lf"
            case longLines = "long_lines"
            case eightBit = "eight_bit"
            case parseError = "parse_error"
        }
    }

    /// Starts a server. `port` nil takes a free one; a port given (one a stopped sink had) starts
    /// the server there again. `auth` (`user:password`) requires AUTH; recipients starting with
    /// `rejectPrefix` are refused with 550. Waits until the server listens (the first run may
    /// install aiosmtpd from PyPI, hence the long bound).
    public static func start(
        port: Int? = nil, folder: URL? = nil, auth: String? = nil, rejectPrefix: String? = nil,
        timeout: Duration = .seconds(300)
    ) throws -> SMTPSink {
        let folder =
            folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("capacita-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = TestDatabase.projectRoot.appendingPathComponent("scripts/smtp-sink")
        var arguments = ["--dir", folder.path, "--port", String(port ?? 0), "--exit-with-stdin"]
        if let auth { arguments += ["--auth", auth] }
        if let rejectPrefix { arguments += ["--reject-prefix", rejectPrefix] }
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        // The first line says the port; read on a thread of its own so the wait can be bounded.
        let firstLine = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            var bytes: [UInt8] = []
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                bytes += chunk
                if bytes.contains(10) || bytes.count > 1000 { break }
            }
            let line = String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self)
            firstLine.withLock { $0 = line }
            done.signal()
        }
        reader.start()
        let seconds = Int(timeout.components.seconds)
        let waited = done.wait(timeout: .now() + .seconds(seconds))
        let line = firstLine.withLock { $0 } ?? ""
        let words = line.split(separator: " ")
        guard waited == .success, words.count == 2, words[0] == "ready", let bound = Int(words[1]) else {
            if process.isRunning { process.terminate() }
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw SMTPSinkError(message: "scripts/smtp-sink did not start: «\(line)» \(stderr.suffix(2000))")
        }
        // What the server writes later on stderr is not read: drain it so it can never fill.
        errors.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        return SMTPSink(port: bound, folder: folder, process: process, input: input)
    }

    private init(port: Int, folder: URL, process: Process, input: Pipe) {
        self.port = port
        self.folder = folder
        self.running = Mutex((process, input))
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// `smtp://127.0.0.1:PORT`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Stops the server and waits for it to exit: from then on a connection to its port is refused.
    public func stop() {
        guard
            let (process, input) = running.withLock({ running in
                defer { running = nil }
                return running
            })
        else { return }
        if process.isRunning { process.terminate() }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// The messages received so far, in the order they arrived. Complete: the server writes each
    /// before it answers the client's data.
    public func messages() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let url = folder.appendingPathComponent(name)
            var received = try JSONDecoder().decode(Received.self, from: try Data(contentsOf: url))
            let raw = url.deletingPathExtension().appendingPathExtension("eml")
            received.raw = String(decoding: (try? Data(contentsOf: raw)) ?? Data(), as: UTF8.self)
            return received
        }
    }
}

public struct SMTPSinkError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

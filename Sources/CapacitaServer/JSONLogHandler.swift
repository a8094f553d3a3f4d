import CapacitaFiles
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How `capacita serve` writes its log (`--log-format`, `CAPACITA_LOG_FORMAT`): swift-log's lines
/// of text, or one JSON object a line for a log collector.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json

    public static let variable = "CAPACITA_LOG_FORMAT"
}

/// One JSON object a line: `time` (UTC, ISO 8601 with milliseconds), `level`, `label`, `message`,
/// then each metadata key (a nested value as JSON; a key that would overwrite one of the four
/// first is written as `meta.<key>`). The line says what the text line says: the service logs
/// route patterns, never paths, and no token, password or name; as a last guard, anything shaped
/// like a CURP in the message or a value is masked (`CurpMask`), as import issues are.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable (String) -> Void

    /// Lines go to `write`, one call each, without the newline.
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    /// Lines to standard error, each written whole.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in
            let bytes = Array((line + "\n").utf8)
            Self.lock.withLock { _ in
                bytes.withUnsafeBytes { buffer in
                    guard let base = buffer.baseAddress else { return }
                    var offset = 0
                    while offset < buffer.count {
                        let sent = Glibc.write(2, base + offset, buffer.count - offset)
                        if sent <= 0 { break }
                        offset += sent
                    }
                }
            }
        }
    }

    /// Lines from several threads never interleave.
    private static let lock = Mutex(())

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static let reserved: Set<String> = ["time", "level", "label", "message"]

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        var line = "{"
        Self.append("time", Self.timestamp(Date()), to: &line, first: true)
        Self.append("level", event.level.rawValue, to: &line)
        Self.append("label", label, to: &line)
        Self.append("message", CurpMask.redact(event.message.description), to: &line)
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            line += ","
            Self.quote(Self.reserved.contains(key) ? "meta." + key : key, into: &line)
            line += ":"
            Self.encode(value, into: &line)
        }
        line += "}"
        write(line)
    }

    private static func append(_ key: String, _ value: String, to line: inout String, first: Bool = false) {
        if !first { line += "," }
        quote(key, into: &line)
        line += ":"
        quote(value, into: &line)
    }

    private static func encode(_ value: Logger.Metadata.Value, into line: inout String) {
        switch value {
        case .string(let text): quote(CurpMask.redact(text), into: &line)
        case .stringConvertible(let item): quote(CurpMask.redact(item.description), into: &line)
        case .array(let items):
            line += "["
            for (index, item) in items.enumerated() {
                if index > 0 { line += "," }
                encode(item, into: &line)
            }
            line += "]"
        case .dictionary(let entries):
            line += "{"
            for (index, (key, item)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line += "," }
                quote(key, into: &line)
                line += ":"
                encode(item, into: &line)
            }
            line += "}"
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, so a value can never end
    /// the line or the object early.
    static func quote(_ text: String, into line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                line += String(format: "\\u%04x", scalar.value)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(secondsFromGMT: 0) ?? .gmt))
    }
}

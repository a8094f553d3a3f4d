/// Bytes sent as a `bytea` parameter and read back from a `bytea` column, in PostgreSQL's hex
/// text form (`\x` and two hex digits a byte): parameters and results travel as text here, so a
/// value costs twice its size in transit. Meant for values of a few megabytes, not for streams.
public struct Bytea: Sendable, Equatable, PostgresEncodable, PostgresDecodable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static let digits = Array("0123456789abcdef".utf8)

    public var postgresText: String? {
        var text = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
        text[0] = UInt8(ascii: "\\")
        text[1] = UInt8(ascii: "x")
        bytes.withUnsafeBufferPointer { source in
            text.withUnsafeMutableBufferPointer { target in
                var index = 2
                for byte in source {
                    target[index] = Self.digits[Int(byte >> 4)]
                    target[index + 1] = Self.digits[Int(byte & 0x0F)]
                    index += 2
                }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The hex form (`\x…`, as `bytea_output = hex` writes it, or bare hex digits as `encode(…,
    /// 'hex')` does); nil for anything else.
    public init?(postgresText: String) {
        var text = postgresText
        let decoded: [UInt8]? = text.withUTF8 { utf8 -> [UInt8]? in
            var start = 0
            if utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x") { start = 2 }
            guard (utf8.count - start) % 2 == 0 else { return nil }
            var out = [UInt8](repeating: 0, count: (utf8.count - start) / 2)
            let ok = out.withUnsafeMutableBufferPointer { target -> Bool in
                var index = start
                var position = 0
                while index < utf8.count {
                    guard let high = Self.value(utf8[index]), let low = Self.value(utf8[index + 1]) else {
                        return false
                    }
                    target[position] = high << 4 | low
                    position += 1
                    index += 2
                }
                return true
            }
            return ok ? out : nil
        }
        guard let decoded else { return nil }
        bytes = decoded
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The encodings spreadsheets are saved in. Excel writes UTF-8 (often with a BOM) or, on
/// Spanish-language Windows, Windows-1252, which differs from Latin-1 in 0x80-0x9F (€, “ ”, –, …).
public enum TextEncoding: String, Sendable {
    case utf8
    case windows1252

    /// UTF-8 when the bytes have a UTF-8 BOM or are valid UTF-8 throughout, Windows-1252 otherwise
    /// (a guess: imports use EncodingSurvey's verdict, which refuses the doubtful cases).
    public static func detect(_ bytes: [UInt8]) -> TextEncoding {
        if bytes.starts(with: utf8BOM) { return .utf8 }
        var survey = EncodingSurvey()
        survey.feed(bytes)
        return survey.verdict == .utf8 ? .utf8 : .windows1252
    }

    public static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Decodes bytes already known to be in this encoding.
    public func decode(_ bytes: [UInt8]) -> String {
        decode(bytes[...])
    }

    public func decode(_ bytes: ArraySlice<UInt8>) -> String {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                scalars.append(Self.windows1252Scalar(byte))
            }
            return String(scalars)
        }
    }

    // 0x80-0x9F of Windows-1252; the five unassigned bytes map to the C1 controls, as Windows does.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        if byte >= 0x80, byte <= 0x9F {
            return Unicode.Scalar(windows1252High[Int(byte - 0x80)]) ?? Unicode.Scalar(byte)
        }
        return Unicode.Scalar(byte)
    }
}

extension TextEncoding {
    /// Decodes a cell with the spaces around it removed: ASCII blanks and the no-break space that
    /// Excel leaves (UTF-8 C2 A0, Windows-1252 A0). Trimming bytes is far cheaper than trimming a
    /// String by grapheme, and every cell of every import goes through here.
    public func decodeTrimmed(_ bytes: [UInt8]) -> String {
        decodeTrimmed(bytes[...])
    }

    public func decodeTrimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var start = bytes.startIndex
        var end = bytes.endIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
        while start < end {
            if isBlank(bytes[start]) {
                start += 1
                continue
            }
            if self == .windows1252, bytes[start] == 0xA0 {
                start += 1
                continue
            }
            if self == .utf8, bytes[start] == 0xC2, start + 1 < end, bytes[start + 1] == 0xA0 {
                start += 2
                continue
            }
            break
        }
        while end > start {
            if isBlank(bytes[end - 1]) {
                end -= 1
                continue
            }
            if self == .windows1252, bytes[end - 1] == 0xA0 {
                end -= 1
                continue
            }
            if self == .utf8, bytes[end - 1] == 0xA0, end - 2 >= start, bytes[end - 2] == 0xC2 {
                end -= 2
                continue
            }
            break
        }
        return decode(bytes[start..<end])
    }
}

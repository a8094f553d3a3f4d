/// Decides a text file's encoding from one pass over all its bytes, and refuses the two cases
/// where a guess would store wrong text without a word:
/// - valid UTF-8 with a few stray bytes (a file edited in two programs): decoded whole as
///   Windows-1252, "José" would be stored as "JosÃ©";
/// - bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), which would be
///   stored as invisible C1 control characters.
/// Lines are physical lines (counted by line feeds), the first `listedLines` of each kind kept.
public struct EncodingSurvey: Sendable {
    public static let listedLines = 20
    static let undefinedInWindows1252: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]

    public enum Verdict: Sendable, Equatable {
        case utf8
        case windows1252
        /// UTF-8 text with bytes that are not UTF-8 on these lines.
        case mixed(lines: [Int])
        /// Bytes that are no character in Windows-1252, on these lines.
        case undefinedBytes(lines: [Int])
    }

    private var line = 1
    private var pending = 0
    private var lowerBound: UInt8 = 0x80
    private var upperBound: UInt8 = 0xBF
    /// Well-formed sequences of two bytes or more: evidence the file was written as UTF-8.
    private var multibyte = 0
    private var invalidLines: [Int] = []
    private var invalid = 0
    private var undefinedLines: [Int] = []
    /// Text that says it is UTF-8 (a UTF-8 byte-order mark, or UTF-16 turned into UTF-8): any
    /// stray byte refuses it, whatever else it holds.
    private var declaredUTF8: Bool
    private var atStart = true

    public init(declaredUTF8: Bool = false) { self.declaredUTF8 = declaredUTF8 }

    public mutating func feed(_ bytes: [UInt8]) { feed(bytes[...]) }

    public mutating func feed(_ bytes: ArraySlice<UInt8>) {
        if atStart, !bytes.isEmpty {
            atStart = false
            if bytes.starts(with: TextEncoding.utf8BOM) { declaredUTF8 = true }
        }
        for byte in bytes {
            // Most bytes of most files are ASCII outside a sequence: one comparison each.
            if byte < 0x80, pending == 0 {
                if byte == 10 { line += 1 }
                continue
            }
            if byte >= 0x81, byte <= 0x9D, Self.undefinedInWindows1252.contains(byte) {
                Self.note(line, in: &undefinedLines)
            }
            if pending > 0 {
                if byte >= lowerBound, byte <= upperBound {
                    lowerBound = 0x80
                    upperBound = 0xBF
                    pending -= 1
                    if pending == 0 { multibyte += 1 }
                    continue
                }
                // A sequence cut short: the bytes so far were stray, this one starts afresh.
                strayByte()
            }
            lead(byte)
            if byte == 10 { line += 1 }
        }
    }

    private mutating func lead(_ byte: UInt8) {
        switch byte {
        case 0x00...0x7F: return
        case 0xC2...0xDF: pending = 1
        case 0xE0:
            pending = 2
            lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: pending = 2
        case 0xED:
            pending = 2
            upperBound = 0x9F
        case 0xF0:
            pending = 3
            lowerBound = 0x90
        case 0xF1...0xF3: pending = 3
        case 0xF4:
            pending = 3
            upperBound = 0x8F
        default: strayByte()
        }
    }

    private mutating func strayByte() {
        invalid += 1
        pending = 0
        lowerBound = 0x80
        upperBound = 0xBF
        Self.note(line, in: &invalidLines)
    }

    private static func note(_ line: Int, in lines: inout [Int]) {
        if lines.last != line, lines.count < listedLines { lines.append(line) }
    }

    /// The encoding, once every byte was fed.
    public var verdict: Verdict {
        var lines = invalidLines
        var count = invalid
        if pending > 0 {
            count += 1
            Self.note(line, in: &lines)
        }
        if count == 0 { return .utf8 }
        if multibyte > 0 || declaredUTF8 { return .mixed(lines: lines) }
        if !undefinedLines.isEmpty { return .undefinedBytes(lines: undefinedLines) }
        return .windows1252
    }
}

extension EncodingSurvey.Verdict {
    static let saveAgain = "ábralo y guárdelo de nuevo como «CSV UTF-8 (delimitado por comas)»"

    /// The encoding to decode with, or the problems that refuse the file, one per line named.
    public var encoding: Result<TextEncoding, ImportIssues> {
        func refused(_ lines: [Int], _ reason: String) -> Result<TextEncoding, ImportIssues> {
            .failure(
                ImportIssues(
                    lines.map { ImportIssue(line: $0, column: "", value: "", message: reason + Self.saveAgain) }))
        }
        switch self {
        case .utf8: return .success(.utf8)
        case .windows1252: return .success(.windows1252)
        case .mixed(let lines):
            return refused(
                lines,
                "esta línea tiene bytes que no son texto en la codificación del resto del archivo (mezcla de codificaciones); "
            )
        case .undefinedBytes(let lines):
            return refused(lines, "esta línea tiene bytes que no son ningún carácter (ni UTF-8 ni Windows-1252); ")
        }
    }
}

/// Turns UTF-16 text (Excel's "Texto Unicode" save: a byte-order mark, then tab-separated
/// cells) into UTF-8 as it streams, so the rest of the pipeline reads one encoding. A chunk may
/// end inside a code unit or a surrogate pair; what is left over waits for the next one.
/// An unpaired surrogate becomes 0xFF, which is never UTF-8, so the survey (told the text is
/// UTF-8) refuses its line.
public struct UTF16Transcoder: Sendable {
    public enum Order: Sendable, Equatable {
        case littleEndian
        case bigEndian
    }

    public let order: Order
    private var carry: UInt8?
    private var highSurrogate: UInt16?
    /// Bytes of the byte-order mark still to drop (a chunk may end inside it).
    private var markLeft = 2

    /// The byte order a file's first bytes announce (FF FE or FE FF), or nil.
    public static func order(of start: [UInt8]) -> Order? {
        if start.starts(with: [0xFF, 0xFE]) { return .littleEndian }
        if start.starts(with: [0xFE, 0xFF]) { return .bigEndian }
        return nil
    }

    public init(order: Order) { self.order = order }

    public mutating func transcode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        let mark = min(markLeft, bytes.count)
        index += mark
        markLeft -= mark
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            guard let first = carry else {
                carry = byte
                continue
            }
            carry = nil
            let unit = order == .littleEndian ? UInt16(byte) << 8 | UInt16(first) : UInt16(first) << 8 | UInt16(byte)
            unitDone(unit, into: &output)
        }
        return output
    }

    /// What a file cut inside a character leaves.
    public mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        if carry != nil || highSurrogate != nil { output.append(0xFF) }
        carry = nil
        highSurrogate = nil
        return output
    }

    private mutating func unitDone(_ unit: UInt16, into output: inout [UInt8]) {
        if let high = highSurrogate {
            highSurrogate = nil
            if (0xDC00...0xDFFF).contains(unit) {
                let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
                append(scalar, to: &output)
                return
            }
            output.append(0xFF)
        }
        switch unit {
        case 0xD800...0xDBFF: highSurrogate = unit
        case 0xDC00...0xDFFF: output.append(0xFF)
        default: append(UInt32(unit), to: &output)
        }
    }

    private func append(_ scalar: UInt32, to output: inout [UInt8]) {
        // A unit that is no scalar (a lone surrogate) becomes an undefined byte, as above.
        guard let valid = Unicode.Scalar(scalar), let bytes = UTF8.encode(valid) else {
            output.append(0xFF)
            return
        }
        output.append(contentsOf: bytes)
    }
}

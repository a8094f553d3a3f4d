/// Masks everything in a text shaped like the start of a CURP: four letters and six digits
/// (initials and birth date), with the letters and digits that follow them, so the first four
/// characters stay. Here rather than beside `Curp` because every `ImportIssue` is masked as it is
/// made; this module reads files and knows no CURP rules beyond that shape.
public enum CurpMask {
    public static func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10 else { return text }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isAlphanumeric(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }
        var out = bytes
        var changed = false
        var i = 0
        while i + 10 <= bytes.count {
            // Only at the start of a run of letters and digits.
            if i > 0, isAlphanumeric(bytes[i - 1]) {
                i += 1
                continue
            }
            if bytes[i..<(i + 4)].allSatisfy(isLetter), bytes[(i + 4)..<(i + 10)].allSatisfy(isDigit) {
                var end = i + 10
                while end < bytes.count, isAlphanumeric(bytes[end]) { end += 1 }
                for k in (i + 4)..<end { out[k] = UInt8(ascii: "*") }
                changed = true
                i = end
            } else {
                i += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }
}

/// The key a cancelled person's enrollments, results and counts keep instead of their CURP.
///
/// It keeps what the reports read and nothing else: the CURP's shape (the tables' CHECK), and the
/// sex in character 11 (the events table counts people by it). The rest is drawn from a strong
/// random source, never derived from the CURP or the name, so nothing leads back to the person:
/// `XXXX`, two random digits, month `00` (no CURP has it, so a surrogate is recognisable and never
/// collides with a real person), two random digits, the sex, `XX` (no state), three random
/// consonants, a random letter or digit and a random digit: 100 × 100 × 21³ × 36 × 10 ≈ 3.3 × 10¹⁰
/// surrogates per sex. One already in use is refused by the database (its primary key) and the
/// caller draws another.
public enum SurrogateCurp {
    static let consonants = Array("BCDFGHJKLMNPQRSTVWXYZ")
    static let alphanumerics = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digits = Array("0123456789")

    /// A surrogate for a CURP whose character 11 is `sex` (H, M or X; anything else counts as X).
    public static func make(sex: Character, using generator: inout some RandomNumberGenerator) -> String {
        func pick(_ from: [Character]) -> Character {
            from[Int.random(in: 0..<from.count, using: &generator)]
        }
        let kept: Character = sex == "H" || sex == "M" ? sex : "X"
        var value = "XXXX"
        value.append(pick(digits))
        value.append(pick(digits))
        value += "00"
        value.append(pick(digits))
        value.append(pick(digits))
        value.append(kept)
        value += "XX"
        for _ in 0..<3 { value.append(pick(consonants)) }
        value.append(pick(alphanumerics))
        value.append(pick(digits))
        return value
    }

    /// A surrogate for `curp`, keeping its sex.
    public static func make(for curp: Curp, using generator: inout some RandomNumberGenerator) -> String {
        let bytes = Array(curp.value.utf8)
        let sex = bytes.count > 10 ? Character(Unicode.Scalar(bytes[10])) : "X"
        return make(sex: sex, using: &generator)
    }

    /// Whether `value` has a surrogate's shape (what `make` draws, and what the database checks).
    public static func isSurrogate(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 18 else { return false }
        func all(_ range: Range<Int>, in set: [Character]) -> Bool {
            bytes[range].allSatisfy { set.contains(Character(Unicode.Scalar($0))) }
        }
        return String(decoding: bytes[0..<4], as: UTF8.self) == "XXXX" && all(4..<6, in: digits)
            && bytes[6] == UInt8(ascii: "0") && bytes[7] == UInt8(ascii: "0") && all(8..<10, in: digits)
            && [UInt8(ascii: "H"), UInt8(ascii: "M"), UInt8(ascii: "X")].contains(bytes[10])
            && bytes[11] == UInt8(ascii: "X") && bytes[12] == UInt8(ascii: "X") && all(13..<16, in: consonants)
            && all(16..<17, in: alphanumerics) && all(17..<18, in: digits)
    }
}

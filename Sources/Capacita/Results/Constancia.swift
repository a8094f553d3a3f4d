/// The certificate of an acreditado: a readable folio that runs per year and a random
/// verification code that anyone can check.
public enum Constancia {
    /// 31 characters with no look-alikes: no 0/O, 1/I/L.
    public static let codeAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    public static let codeLength = 12

    /// PNC-2024-000123.
    public static func folio(year: Int, sequence: Int) -> String {
        let number = String(sequence)
        return "PNC-\(year)-" + String(repeating: "0", count: max(0, 6 - number.count)) + number
    }

    /// A fresh verification code (12 characters: about 59 bits).
    public static func code<R: RandomNumberGenerator>(using random: inout R) -> String {
        String((0..<codeLength).map { _ in codeAlphabet[Int(random.next(upperBound: UInt64(codeAlphabet.count)))] })
    }

    /// A code as typed: capitals, without spaces or dashes.
    public static func normalizeCode(_ text: String) -> String {
        text.uppercased().filter { $0 != " " && $0 != "-" }
    }
}

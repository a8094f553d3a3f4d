import CapacitaFiles

/// A CURP (Clave Única de Registro de Población), checked in full: structure, birth date, sex,
/// state, internal consonants, homoclave and check digit. Personal data: print `masked`, never
/// the value, in logs and errors.
public struct Curp: Sendable, Hashable, CustomStringConvertible, Encodable {
    public let value: String

    public enum Problem: Error, Sendable, Equatable {
        case length(Int)
        case structure(position: Int, expected: String)
        case inconvenientWord
        case birthDate
        case state(String)
        case checkDigit(expected: Character)

        /// The message shown to the enlace, in Spanish.
        public var message: String {
            switch self {
            case .length(let count): return "la CURP debe tener 18 caracteres y tiene \(count)"
            case .structure(let position, let expected):
                return "posición \(position) de la CURP: se esperaba \(expected)"
            case .inconvenientWord:
                return "las primeras cuatro letras forman una palabra inconveniente que RENAPO no asigna"
            case .birthDate: return "la fecha de nacimiento de la CURP no existe"
            case .state(let code): return "entidad de nacimiento desconocida en la CURP: \(code)"
            case .checkDigit(let expected): return "el dígito verificador no corresponde (se esperaba \(expected))"
            }
        }
    }

    /// Trims and uppercases, then validates.
    public static func parse(_ text: String) -> Result<Curp, Problem> {
        // Cells arrive trimmed and almost always in capitals; skip the Unicode work then.
        let clean = text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
        let value = clean ? text : text.trimmingSpaces().uppercased()
        if let problem = problem(in: value) { return .failure(problem) }
        return .success(Curp(checked: value))
    }

    private init(checked value: String) {
        self.value = value
    }

    /// A CURP read back from the database, which checked it on the way in (its CHECK and the
    /// import's). Read models carry `Curp`, not `String`, so no encoder can print one in full.
    public init(stored value: String) {
        self.value = value
    }

    /// The first 4 characters, then asterisks: safe to print.
    public var masked: String { Curp.mask(value) }

    public var description: String { masked }

    /// Encoded masked: a read model's JSON never holds a full CURP.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(masked)
    }

    /// Masks any text that may be a CURP: the first 4 characters, then one asterisk per character.
    public static func mask(_ text: String) -> String {
        String(text.prefix(4)) + String(repeating: "*", count: max(0, text.count - 4))
    }

    /// Masks everything in `text` shaped like the start of a CURP: four letters and six digits
    /// (initials and birth date), with the letters and digits that follow them. A CURP can turn up
    /// anywhere: in a swapped column, a server message, a quote that swallowed later rows.
    public static func redact(_ text: String) -> String { CurpMask.redact(text) }

    /// H, M or X as written in position 11.
    public var sex: Sex {
        // A value never checked (`init(stored:)`) may be short: no position 11, no sex in it.
        guard value.utf8.count > 10 else { return .noBinario }
        return switch value.utf8[value.utf8.index(value.utf8.startIndex, offsetBy: 10)] {
        case UInt8(ascii: "H"): .hombre
        case UInt8(ascii: "M"): .mujer
        default: .noBinario
        }
    }

    /// nil only for a value that was never checked (`init(stored:)` of something else).
    public var birthDate: CalendarDate? {
        let bytes = Array(value.utf8)
        guard bytes.count == 18, bytes[4..<10].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        func digits(_ start: Int) -> Int { Int(bytes[start] - 48) * 10 + Int(bytes[start + 1] - 48) }
        let century = (bytes[16] >= 48 && bytes[16] <= 57) ? 1900 : 2000
        return CalendarDate(year: century + digits(4), month: digits(6), day: digits(8))
    }

    // MARK: - Rules

    /// RENAPO's list of inconvenient words (Instructivo Normativo para la Asignación de la CURP,
    /// anexo 2): when the first four letters would form one, RENAPO writes an X in position 2,
    /// so a CURP that starts with one was never issued.
    static let inconvenientWords: Set<String> = [
        "BACA", "BAKA", "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE", "COGI",
        "COJA", "COJE", "COJI", "COJO", "COLA", "CULO", "FALO", "FETO", "GETA", "GUEI", "GUEY", "JETA",
        "JOTO", "KACA", "KACO", "KAGA", "KAGO", "KAKA", "KAKO", "KOGE", "KOGI", "KOJA", "KOJE", "KOJI",
        "KOJO", "KOLA", "KULO", "LILO", "LOCA", "LOCO", "LOKA", "LOKO", "MAME", "MAMO", "MEAR", "MEAS",
        "MEON", "MIAR", "MION", "MOCO", "MOKO", "MULA", "MULO", "NACA", "NACO", "PEDA", "PEDO", "PENE",
        "PIPI", "PITO", "POPO", "PUTA", "PUTO", "QULO", "RATA", "ROBA", "ROBE", "ROBO", "RUIN", "SENO",
        "TETA", "VACA", "VAGA", "VAGO", "VAKA", "VUEI", "VUEY", "WUEI", "WUEY",
    ]

    // Works on bytes: a valid CURP is ASCII (RENAPO writes X for Ñ), and imports check millions.
    static func problem(in value: String) -> Problem? {
        let bytes = Array(value.utf8)
        guard bytes.count == 18, value.unicodeScalars.count == 18 else { return .length(value.count) }
        func isLetter(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isVowel(_ c: UInt8) -> Bool { c == 65 || c == 69 || c == 73 || c == 79 || c == 85 }
        func isConsonant(_ c: UInt8) -> Bool { isLetter(c) && !isVowel(c) }
        for position in [1, 3, 4] where !isLetter(bytes[position - 1]) {
            return .structure(position: position, expected: "una letra")
        }
        if !(isVowel(bytes[1]) || bytes[1] == 88) { return .structure(position: 2, expected: "una vocal o X") }
        for position in 5...10 where !isDigit(bytes[position - 1]) {
            return .structure(position: position, expected: "un dígito de la fecha de nacimiento")
        }
        if !(bytes[10] == 72 || bytes[10] == 77 || bytes[10] == 88) {
            return .structure(position: 11, expected: "el sexo H, M o X")
        }
        for position in [12, 13] where !isLetter(bytes[position - 1]) {
            return .structure(position: position, expected: "una letra de la entidad")
        }
        for position in 14...16 where !isConsonant(bytes[position - 1]) {
            return .structure(position: position, expected: "una consonante")
        }
        if !(isLetter(bytes[16]) || isDigit(bytes[16])) {
            return .structure(position: 17, expected: "un dígito o una letra (homoclave)")
        }
        if !isDigit(bytes[17]) { return .structure(position: 18, expected: "un dígito verificador") }
        if inconvenientWords.contains(String(decoding: bytes[0..<4], as: UTF8.self)) { return .inconvenientWord }
        func number(_ start: Int) -> Int { Int(bytes[start] - 48) * 10 + Int(bytes[start + 1] - 48) }
        let century = isDigit(bytes[16]) ? 1900 : 2000
        if CalendarDate(year: century + number(4), month: number(6), day: number(8)) == nil { return .birthDate }
        let state = String(decoding: bytes[11..<13], as: UTF8.self)
        guard StateCode.isState(state) || state == StateCode.bornAbroad else { return .state(state) }
        let expected = checkDigit(bytes[0..<17])
        guard bytes[17] == expected else { return .checkDigit(expected: Character(Unicode.Scalar(expected))) }
        return nil
    }

    /// The 18-character CURP whose first 17 characters are given, with its check digit appended
    /// (for generating test and benchmark data). The 17 characters must be A-Z or 0-9.
    public static func completing(_ first17: String) -> String {
        first17 + String(Character(Unicode.Scalar(checkDigit(Array(first17.utf8)))))
    }

    /// Whether four letters are on RENAPO's list of inconvenient words.
    public static func isInconvenient(_ first4: String) -> Bool {
        inconvenientWords.contains(first4)
    }

    /// Each of the first 17 characters' index in the alphabet `0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ`,
    /// times weights 18 down to 2, summed; the digit is (10 − sum mod 10) mod 10. Returns its ASCII byte.
    static func checkDigit<Bytes: Collection>(_ first17: Bytes) -> UInt8 where Bytes.Element == UInt8 {
        var sum = 0
        for (index, byte) in first17.enumerated() {
            let value: Int
            switch byte {
            case 48...57: value = Int(byte) - 48
            case 65...78: value = Int(byte) - 65 + 10  // A…N
            case 79...90: value = Int(byte) - 65 + 11  // O…Z, after Ñ
            default: value = 0  // not in the alphabet: the structure check refuses it
            }
            sum += value * (18 - index)
        }
        return UInt8(48 + (10 - sum % 10) % 10)
    }
}

/// Sex as the CURP writes it: H (hombre), M (mujer), X (no binario).
public enum Sex: String, Sendable, Codable, CaseIterable {
    case hombre = "H"
    case mujer = "M"
    case noBinario = "X"
}

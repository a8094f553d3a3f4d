/// What a free-text cell (a name, a puesto) may hold. Names reach constancias and reports: a
/// zero-width space hides a difference, a right-to-left override shows "Pérez‮orolF" reversed,
/// and a C1 control is an 8-bit terminal escape. Each limit is the column's meaning, not a guess.
public enum CellText {
    /// Given names and surnames: the longest Mexican names run to a few dozen characters.
    public static let nameLimit = 120
    /// A puesto (job title) is a phrase.
    public static let positionLimit = 200
    /// RFC 5321's limit for an address.
    public static let emailLimit = 254

    /// Why a name cannot be stored, or nil.
    public static func nameProblem(_ text: String) -> String? {
        if let problem = textProblem(text, limit: nameLimit) { return problem }
        guard !text.isEmpty else { return nil }
        if !text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) {
            return "debe tener al menos una letra"
        }
        return nil
    }

    /// Why a free-text cell cannot be stored, or nil: control or invisible characters, or too long.
    /// `lineBreaks`: a puesto typed in a wrapped Excel cell keeps its line breaks and tabs.
    public static func textProblem(_ text: String, limit: Int, lineBreaks: Bool = false) -> String? {
        var ascii = true
        for byte in text.utf8 {
            if lineBreaks, byte == 10 || byte == 13 || byte == 9 { continue }
            if byte < 0x20 || byte == 0x7F { return "contiene caracteres de control (tabulador, salto de línea…)" }
            if byte >= 0x80 { ascii = false }
        }
        if !ascii {
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x80...0x9F: return "contiene caracteres de control (C1)"
                case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF:
                    return "contiene caracteres invisibles o de dirección del texto"
                default: continue
                }
            }
        }
        if (ascii ? text.utf8.count : text.count) > limit { return "pasa de \(limit) caracteres" }
        return nil
    }
}

import CapacitaFiles

/// Reading typed values out of spreadsheet cells, the way people type them.
enum CellParsing {
    /// A modality as written: "En línea", "en-linea", "Presencial", "mixta".
    static func modality(_ text: String) -> Modality? {
        Modality(rawValue: NameKey.header(text))
    }

    /// A training kind as written: "Capacitación", "sensibilizacion".
    static func kind(_ text: String) -> TrainingKind? {
        TrainingKind(rawValue: NameKey.header(text))
    }

    /// A non-negative whole number; Excel sometimes writes "40.0" or "1,200". Counts are stored as
    /// PostgreSQL integers, so a larger one is refused here, with the cell, not by the database.
    static func count(_ text: String) -> Int? {
        var cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: " ", with: "")
        if cleaned.hasSuffix(".0") { cleaned.removeLast(2) }
        guard let value = Int(cleaned), value >= 0, value <= Int(Int32.max) else { return nil }
        return value
    }

    /// H, M or X, or the words people write for them.
    static func sex(_ text: String) -> Sex? {
        if let letter = Sex(rawValue: text) { return letter }
        switch NameKey.make(text) {
        case "h", "hombre", "masculino", "varon": return .hombre
        case "m", "mujer", "femenino": return .mujer
        case "x", "no binario", "nb", "otro": return .noBinario
        default: return nil
        }
    }

    /// A plausible e-mail address: one @, something before it, a dotted domain after it, no spaces.
    /// Works on bytes: it runs on every row of every import.
    static func isPlausibleEmail(_ text: String) -> Bool {
        var at = -1
        var index = 0
        var lastDot = -1
        var previous: UInt8 = 0
        for byte in text.utf8 {
            switch byte {
            case 32, 9, 10, 13: return false
            case UInt8(ascii: "@"):
                if at >= 0 || index == 0 { return false }
                at = index
            case UInt8(ascii: "."):
                if at >= 0 {
                    // No empty label in the domain: not right after @ or another dot.
                    if previous == UInt8(ascii: "@") || previous == UInt8(ascii: ".") { return false }
                    lastDot = index
                }
            default: break
            }
            previous = byte
            index += 1
        }
        return at > 0 && lastDot > at + 1 && lastDot < index - 1
    }
}

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

    /// A non-negative whole number; Excel sometimes writes "40.0" or "1,200".
    static func count(_ text: String) -> Int? {
        var cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: " ", with: "")
        if cleaned.hasSuffix(".0") { cleaned.removeLast(2) }
        guard let value = Int(cleaned), value >= 0 else { return nil }
        return value
    }

    /// H, M or X, or the words people write for them.
    static func sex(_ text: String) -> Sex? {
        switch NameKey.make(text) {
        case "h", "hombre", "masculino", "varon": return .hombre
        case "m", "mujer", "femenino": return .mujer
        case "x", "no binario", "nb", "otro": return .noBinario
        default: return nil
        }
    }

    /// A plausible e-mail address: one @, something before it, a dotted domain after it, no spaces.
    static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }
}

import Foundation

/// The form names are compared in: no case, no accents, punctuation as spaces, single spaces.
/// Periods and apostrophes vanish instead, so abbreviations match ("S.C.T." is "SCT").
/// "Secretaría de Comunicaciones  y Transportes." and "secretaria de comunicaciones y transportes"
/// share one key. Display keeps the name exactly as written; only matching uses the key.
public enum NameKey {
    public static func make(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var key = ""
        key.reserveCapacity(folded.utf8.count)
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if scalar == "." || scalar == "'" || scalar == "’" { continue }
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace, !key.isEmpty { key.append(" ") }
                pendingSpace = false
                key.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return key
    }

    /// Header form: the key with spaces as underscores ("Apellido Paterno" → "apellido_paterno").
    public static func header(_ text: String) -> String {
        make(text).replacingOccurrences(of: " ", with: "_")
    }
}

import Foundation

/// An account's e-mail as people type it: trimmed, compared without case, bounded (RFC 5321's 254),
/// one `@` with something on each side, no spaces, control characters or angle brackets (they
/// would let a value break a mail header or the SMTP envelope's `<…>`, and the outbox refuses them).
public enum AccountEmail {
    public static let maximumLength = 254

    public static func normalize(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= maximumLength,
            !trimmed.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == "<" || $0 == ">"
            })
        else { return nil }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return nil }
        return trimmed.lowercased()
    }

    /// For logs: the first letter of the mailbox and the domain (`a…@sict.gob.mx`).
    public static func masked(_ email: String) -> String {
        let parts = email.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let first = parts[0].first else { return "…" }
        return "\(first)…@\(parts[1])"
    }
}

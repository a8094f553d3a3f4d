/// What reaches a terminal from data: a cell that holds `ESC]0;…BEL` or `ESC[2J` would retitle
/// or clear the user's screen, and bidirectional overrides reorder what is read. Such scalars
/// are shown escaped (`\u{1B}`), never sent; long values are cut to what a table can hold.
public enum TerminalText {
    /// The widest cell a table prints; longer ones end in "…".
    public static let cellLimit = 60

    /// Every control character escaped, line breaks too: one cell stays on one line.
    public static func cell(_ text: String, limit: Int = cellLimit) -> String {
        cut(escaped(text, keepNewlines: false), limit: limit)
    }

    /// A message or a block of lines: control characters escaped, line breaks kept.
    public static func lines(_ text: String) -> String {
        escaped(text, keepNewlines: true)
    }

    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Zero-width characters, bidirectional marks, embeddings, overrides and isolates.
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    private static func escaped(_ text: String, keepNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if keepNewlines, scalar == "\n" {
                out.append(scalar)
            } else if isUnsafe(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func cut(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}

/// Spanish plurals for counts in messages: "1 grupo", "2 grupos"; "1 nueva", "0 nuevas".
public enum Plural {
    public static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
        "\(n) \(n == 1 ? singular : plural)"
    }

}

extension TerminalText {
    /// A list of names as lines of at most `width` characters, separated by commas.
    public static func wrapped(
        _ items: [String], width: Int = 80, indent: String = "", continuation: String? = nil
    ) -> [String] {
        var lines: [String] = []
        var current = indent
        var empty = true
        for (index, item) in items.enumerated() {
            let word = cell(item) + (index == items.count - 1 ? "" : ",")
            if !empty, current.count + 1 + word.count > width {
                lines.append(current)
                current = continuation ?? indent
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        if !empty { lines.append(current) }
        return lines
    }
}

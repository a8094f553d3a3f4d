/// What a ficha sent as YAML may not hold before Yams reads it: anchors and aliases (a "billion
/// laughs" document expands exponentially), tags, and nesting deeper than a ficha's (the reader
/// recurses). A conservative scan of the raw text, quotes included: it may refuse an odd but
/// harmless file (a `*` after a space inside a quoted note), never let one of those through.
enum YAMLShape {
    static let maxDepth = 16

    /// nil when the text may be read; otherwise what it holds, in Spanish.
    static func problem(_ text: String) -> String? {
        var depth = 0
        var previous: Character = "\n"
        for character in text {
            let afterDelimiter = previous.isWhitespace || "[{,:-".contains(previous)
            switch character {
            case "[", "{":
                depth += 1
                if depth > maxDepth { return "más de \(maxDepth) niveles de listas anidadas" }
            case "]", "}":
                depth = max(0, depth - 1)
            case "&", "*":
                if afterDelimiter { return "anclas ni alias de YAML (& y *)" }
            case "!":
                if afterDelimiter { return "etiquetas de YAML (!)" }
            default:
                break
            }
            previous = character
        }
        // Block nesting: indentation deeper than a ficha's few levels.
        if text.split(separator: "\n").contains(where: {
            $0.prefix(while: { $0 == " " || $0 == "\t" }).count > 2 * maxDepth
        }) {
            return "más de \(maxDepth) niveles de sangría"
        }
        return nil
    }
}

/// The lexical pass before libyaml: it follows libyaml's own scanner (0.2.5, as Yams 6.2.2 ships
/// it) closely enough to know the nesting at every token — block collections by the columns
/// libyaml rolls and unrolls its indentation at, flow collections by their brackets, quoted and
/// plain scalars (plain ones across lines) as libyaml delimits them — and counts what each token
/// may make. Where following libyaml would take more than a ficha or a course needs (anchors,
/// aliases, tags, directives, `?` keys, block scalars `|` `>`, a second document, a key that is a
/// list or a map, a key on more than one line), it refuses instead: it never has to guess. At
/// the first point libyaml would stop with an error, the scan stops too and lets libyaml say why:
/// nothing after that point is ever composed.
struct YAMLScan {
    private enum Kind { case map, seq }
    private struct Indent {
        var column: Int
        var kind: Kind
        /// A block sequence at the mapping's own column (`key:` then `- item`) is one level more.
        var indentless = false
    }
    private struct Flow {
        var isSequence: Bool
        /// `[a: b]`: a single-pair mapping inside the sequence, one level more.
        var pair = false
    }

    private let text: [Unicode.Scalar]
    private let limits: BoundedYAML.Limits
    private var index = 0
    private var line = 1
    private var column = 0
    private var indents: [Indent] = []
    private var flows: [Flow] = []
    private var depth = 0
    /// What the tokens so far may make: nodes, plus the empty values an indicator may imply.
    private var nodes = 0
    /// Block context: a simple key may start here (line start, after `-`), as in libyaml.
    private var keyAllowed = true
    private var key: (line: Int, column: Int)?
    private var afterFlowEnd = false
    private var sawToken = false

    private init(_ text: String, limits: BoundedYAML.Limits) {
        self.text = Array(text.unicodeScalars)
        self.limits = limits
    }

    /// nil when libyaml may read the text.
    static func check(_ text: String, limits: BoundedYAML.Limits) -> BoundedYAML.Refusal? {
        var scan = YAMLScan(text, limits: limits)
        do {
            try scan.run()
            return nil
        } catch let refusal as BoundedYAML.Refusal {
            return refusal
        } catch {
            return nil  // libyaml stops here with its own error
        }
    }

    private struct LibYAMLStops: Error {}

    // MARK: - Characters

    private func at(_ offset: Int) -> Unicode.Scalar? {
        let position = index + offset
        return position < text.count ? text[position] : nil
    }

    private static func isBlank(_ c: Unicode.Scalar?) -> Bool { c == " " || c == "\t" }

    /// libyaml's line breaks: CR, LF, NEL, LS and PS.
    private static func isBreak(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return c == "\n" || c == "\r" || c.value == 0x85 || c.value == 0x2028 || c.value == 0x2029
    }

    private static func isBlankOrEnd(_ c: Unicode.Scalar?) -> Bool { c == nil || isBlank(c) || isBreak(c) }

    private mutating func advance() {
        index += 1
        column += 1
    }

    private mutating func consumeBreak() {
        if at(0) == "\r", at(1) == "\n" { index += 1 }
        index += 1
        line += 1
        column = 0
    }

    private func refuse(_ kind: BoundedYAML.Refusal.Kind, _ reason: String) -> BoundedYAML.Refusal {
        BoundedYAML.Refusal(kind, line: line, reason)
    }

    // MARK: - Counting

    private mutating func count(_ made: Int) throws {
        nodes += made
        if nodes > 2 * limits.nodes {
            throw refuse(.tooManyNodes, "el documento tiene más de \(limits.nodes) valores")
        }
    }

    private mutating func deeper(_ levels: Int) throws {
        depth += levels
        if depth > limits.depth {
            throw refuse(.tooDeep, "el documento anida más de \(limits.depth) niveles de listas o mapas")
        }
    }

    /// libyaml's `roll_indent`: a block collection opens where a column is deeper than the last.
    private mutating func roll(_ column: Int, _ kind: Kind) throws {
        if let last = indents.last, last.column >= column {
            if last.column == column, last.kind == .map {
                if kind == .seq, !last.indentless {
                    indents[indents.count - 1].indentless = true
                    try deeper(1)
                    try count(1)
                } else if kind == .map, last.indentless {
                    // The mapping's next key closes the sequence at its column.
                    indents[indents.count - 1].indentless = false
                    depth -= 1
                }
            }
            return
        }
        indents.append(Indent(column: column, kind: kind))
        try deeper(1)
        try count(1)
    }

    /// libyaml's `unroll_indent`, at every token in the block context.
    private mutating func unroll() {
        while let last = indents.last, last.column > column {
            depth -= last.indentless ? 2 : 1
            indents.removeLast()
        }
    }

    // MARK: - Tokens

    private mutating func run() throws {
        if at(0)?.value == 0xFEFF { index += 1 }
        while true {
            try skipToToken()
            guard let c = at(0) else { return }
            if flows.isEmpty { unroll() }
            if column == 0, c == "%" { throw refuse(.notAllowed, "no se admiten directivas de YAML (%)") }
            if column == 0, c == "-" || c == ".", at(1) == c, at(2) == c, Self.isBlankOrEnd(at(3)) {
                guard c == "-", !sawToken else {
                    throw refuse(.notAllowed, "el archivo debe tener un solo documento YAML")
                }
                index += 3
                column += 3
                sawToken = true
                continue
            }
            sawToken = true
            let afterFlowEnd = self.afterFlowEnd
            self.afterFlowEnd = false
            switch c {
            case "[", "{":
                if flows.isEmpty, keyAllowed { key = (line, column) }
                flows.append(Flow(isSequence: c == "["))
                keyAllowed = false
                try deeper(1)
                try count(1)
                advance()
            case "]", "}":
                guard let last = flows.popLast() else { throw LibYAMLStops() }
                depth -= last.pair ? 2 : 1
                self.afterFlowEnd = true
                try count(1)  // `{a}`: the last key's empty value
                advance()
            case ",":
                guard !flows.isEmpty else { throw LibYAMLStops() }
                if flows[flows.count - 1].pair {
                    flows[flows.count - 1].pair = false
                    depth -= 1
                }
                try count(1)
                advance()
            case "-" where Self.isBlankOrEnd(at(1)):
                guard flows.isEmpty, keyAllowed else { throw LibYAMLStops() }
                try roll(column, .seq)
                try count(1)  // an empty item
                keyAllowed = true
                key = nil
                advance()
            case "?" where !flows.isEmpty || Self.isBlankOrEnd(at(1)):
                throw refuse(.notAllowed, "no se admiten claves complejas de YAML (?)")
            case ":" where !flows.isEmpty || Self.isBlankOrEnd(at(1)):
                if afterFlowEnd { throw refuse(.notAllowed, BoundedYAML.complexKeyMessage) }
                if flows.isEmpty {
                    // libyaml would go on with an empty key (or a stale one): refused, never guessed.
                    guard let key, key.line == line else {
                        throw refuse(.notAllowed, "falta la clave antes de «:», o la clave ocupa más de una línea")
                    }
                    try roll(key.column, .map)
                    self.key = nil
                    keyAllowed = false
                } else if flows[flows.count - 1].isSequence, !flows[flows.count - 1].pair {
                    flows[flows.count - 1].pair = true
                    try deeper(1)
                    try count(2)  // the pair's mapping and perhaps an empty key
                }
                try count(1)  // an empty value
                advance()
            case "*", "&":
                throw refuse(.notAllowed, BoundedYAML.anchorsMessage)
            case "!":
                throw refuse(.notAllowed, "no se admiten etiquetas de YAML (!)")
            case "|", ">":
                throw refuse(
                    .notAllowed, "no se admiten bloques de texto de YAML (| o >); escriba el texto entre comillas")
            case "%", "@", "`":
                throw LibYAMLStops()
            case "\"", "'":
                if flows.isEmpty, keyAllowed { key = (line, column) }
                try quoted(c)
                keyAllowed = false
                try count(1)
            default:
                if flows.isEmpty, keyAllowed { key = (line, column) }
                let newLine = try plain()
                keyAllowed = flows.isEmpty && newLine
                try count(1)
            }
        }
    }

    /// libyaml's `scan_to_next_token`: blanks, comments and line breaks.
    private mutating func skipToToken() throws {
        while let c = at(0) {
            if Self.isBlank(c) {
                advance()
            } else if c == "#" {
                while let next = at(0), !Self.isBreak(next) { advance() }
            } else if Self.isBreak(c) {
                consumeBreak()
                if flows.isEmpty { keyAllowed = true }
            } else {
                return
            }
        }
    }

    /// A single- or double-quoted scalar, over as many lines as it takes.
    private mutating func quoted(_ quote: Unicode.Scalar) throws {
        advance()
        while let c = at(0) {
            if Self.isBreak(c) {
                consumeBreak()
            } else if quote == "'", c == "'" {
                advance()
                guard at(0) == "'" else { return }
                advance()
            } else if quote == "\"", c == "\"" {
                advance()
                return
            } else if quote == "\"", c == "\\" {
                advance()
                if Self.isBreak(at(0)) { consumeBreak() } else if at(0) != nil { advance() }
            } else {
                advance()
            }
        }
        throw LibYAMLStops()  // unterminated: libyaml says so
    }

    /// libyaml's `scan_plain_scalar`: true when it ended after a line break (a simple key may
    /// follow, as in libyaml).
    private mutating func plain() throws -> Bool {
        let indent = (indents.last?.column ?? -1) + 1
        let inFlow = !flows.isEmpty
        var newLine = false
        while true {
            if column == 0, let c = at(0), c == "-" || c == ".", at(1) == c, at(2) == c, Self.isBlankOrEnd(at(3)) {
                return newLine
            }
            if at(0) == "#" { return newLine }
            while let c = at(0), !Self.isBlankOrEnd(c) {
                if inFlow, c == ":", let next = at(1), ",?[]{}".unicodeScalars.contains(next) {
                    throw LibYAMLStops()
                }
                if c == ":", Self.isBlankOrEnd(at(1)) { return false }
                if inFlow, ",[]{}".unicodeScalars.contains(c) { return false }
                advance()
                newLine = false
            }
            guard at(0) != nil else { return false }
            while let c = at(0), Self.isBlank(c) || Self.isBreak(c) {
                if Self.isBreak(c) {
                    consumeBreak()
                    newLine = true
                } else {
                    advance()
                }
            }
            guard at(0) != nil else { return newLine }
            if !inFlow, column < indent { return newLine }
        }
    }
}

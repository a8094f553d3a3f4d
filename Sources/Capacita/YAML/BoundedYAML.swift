import Yams

/// The one way untrusted YAML (and JSON, which YAML reads) is read: sized and shaped by a lexical
/// scan before libyaml sees a byte, composed into Yams' node tree (never constructed into `Any`,
/// whose constructor traps on a mapping key that is not a scalar), then walked once more,
/// iteratively, to confirm depth, node count and scalar keys. What passes has bounded size and
/// depth, so libyaml's work and Yams' recursion over it are bounded too.
public enum BoundedYAML {
    /// What a document may hold. The defaults take a file with a few hundred fichas or any
    /// carta descriptiva: a ficha is about 100 nodes and 3 levels deep (a list of fichas,
    /// `puestos`, one puesto), a course about 60 nodes and 3 levels (`temario`, one topic).
    public struct Limits: Sendable, Equatable {
        /// Size of the text in UTF-8 bytes (default 1 MiB, the service's body limit for a ficha).
        public var bytes: Int
        /// Nesting of lists and maps, the outermost counting 1; scalars add none (default 16).
        public var depth: Int
        /// Nodes: every scalar, key, list and map (default 20,000). The scan before libyaml counts
        /// what each token may make, empty values included, and refuses past twice this.
        public var nodes: Int

        public init(bytes: Int = 1 << 20, depth: Int = 16, nodes: Int = 20_000) {
            self.bytes = bytes
            self.depth = depth
            self.nodes = nodes
        }

        /// One ficha sent to the service: a few KB, three levels, a few hundred nodes.
        public static let ficha = Limits(bytes: 128 << 10, depth: 8, nodes: 2_000)
    }

    /// Why a text was not read, in Spanish, with the line (1-based; 0 when unknown).
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// Past `Limits.bytes`, `.depth` or `.nodes`.
            case tooLarge, tooDeep, tooManyNodes
            /// Anchors, aliases, tags, directives, `?` keys, block scalars, keys that are not texts.
            case notAllowed
            /// YAML that libyaml does not accept; `reason` is its own message.
            case invalid
        }

        public var kind: Kind
        public var line: Int
        public var reason: String

        public init(_ kind: Kind, line: Int, _ reason: String) {
            self.kind = kind
            self.line = line
            self.reason = reason
        }

        public var description: String { line > 0 ? "línea \(line): \(reason)" : reason }
    }

    /// The document's root node (nil for an empty document) or why it was refused.
    public static func read(_ text: String, limits: Limits = Limits()) -> Result<Node?, Refusal> {
        let size = text.utf8.count
        guard size <= limits.bytes else {
            return .failure(
                Refusal(.tooLarge, line: 0, "el texto pasa de \(limits.bytes >> 10) KB (tiene \(size >> 10) KB)"))
        }
        if let refusal = YAMLScan.check(text, limits: limits) { return .failure(refusal) }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return .success(nil) }
            root = node
        } catch {
            return .failure(Refusal(.invalid, line: 0, String("\(error)".prefix(300))))
        }
        if let refusal = walk(root, limits: limits) { return .failure(refusal) }
        return .success(root)
    }

    /// The tree as libyaml built it, checked without recursion.
    static func walk(_ root: Node, limits: Limits) -> Refusal? {
        var pending: [(node: Node, depth: Int)] = [(root, 0)]
        var count = 0
        while let (node, depth) = pending.popLast() {
            count += 1
            let line = node.mark?.line ?? 0
            if count > limits.nodes {
                return Refusal(.tooManyNodes, line: line, "el documento tiene más de \(limits.nodes) valores")
            }
            if node.anchor != nil { return Refusal(.notAllowed, line: line, anchorsMessage) }
            switch node {
            case .scalar:
                break
            case .alias:
                return Refusal(.notAllowed, line: line, anchorsMessage)
            case .sequence(let sequence):
                guard depth < limits.depth else { return tooDeep(line, limits) }
                for item in sequence { pending.append((item, depth + 1)) }
            case .mapping(let mapping):
                guard depth < limits.depth else { return tooDeep(line, limits) }
                for (key, value) in mapping {
                    guard case .scalar = key else {
                        return Refusal(.notAllowed, line: key.mark?.line ?? line, complexKeyMessage)
                    }
                    pending.append((key, depth + 1))
                    pending.append((value, depth + 1))
                }
            }
        }
        return nil
    }

    static let anchorsMessage = "no se admiten anclas ni alias de YAML (& y *)"
    static let complexKeyMessage = "cada clave debe ser un texto, no una lista ni un mapa"

    static func tooDeep(_ line: Int, _ limits: Limits) -> Refusal {
        Refusal(.tooDeep, line: line, "el documento anida más de \(limits.depth) niveles de listas o mapas")
    }

    // MARK: - JSON from a checked tree

    /// The tree as JSON, every scalar a JSON string of its text (what the readers see in it), in
    /// the document's order. Only for a tree `read` returned: its depth is bounded.
    public static func json(_ node: Node) -> String {
        var out = ""
        write(node, to: &out)
        return out
    }

    private static func write(_ node: Node, to out: inout String) {
        switch node {
        case .scalar(let scalar):
            out += jsonString(scalar.string)
        case .alias:
            out += "null"
        case .sequence(let sequence):
            out += "["
            for (index, item) in sequence.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .mapping(let mapping):
            out += "{"
            for (index, pair) in mapping.enumerated() {
                if index > 0 { out += "," }
                out += jsonString(pair.key.scalar?.string ?? "")
                out += ":"
                write(pair.value, to: &out)
            }
            out += "}"
        }
    }

    /// A text as a JSON string literal.
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

import CapacitaFiles
import Yams

/// Reads fichas from YAML or JSON (one ficha or a list) and from the flattened CSV form, then
/// checks them. Every problem names its field path (`edad.30-44`, `puestos[2].nivel`) and, for
/// CSV, its line.
public struct FichaReader: Sendable {
    public let registry: AgencyRegistry
    /// Years a ficha may be for.
    public let years: ClosedRange<Int>

    public init(registry: AgencyRegistry, years: ClosedRange<Int>) {
        self.registry = registry
        self.years = years
    }

    static let fields: Set<String> = [
        "dependencia", "anio", "total", "hombres", "mujeres", "otro", "edad", "escolaridad", "area",
        "puestos", "cursos_previos", "necesidades", "observaciones",
    ]

    /// A ficha with the line it came from (0 outside CSV).
    public struct Read: Sendable, Equatable {
        public var line: Int
        public var ficha: Ficha
    }

    // MARK: - YAML and JSON

    /// The line of the first anchor (`&a`) or alias (`*a`) outside quotes and comments, if any.
    public static func firstAliasLine(_ yaml: String) -> Int? {
        var line = 1
        var quote: UInt8?
        var comment = false
        var previous: UInt8 = 10
        for byte in yaml.utf8 {
            defer { previous = byte }
            if byte == 10 {
                line += 1
                comment = false
                if quote == 39 || quote == 34 { continue }  // quoted scalars may span lines
                continue
            }
            if comment { continue }
            if let open = quote {
                if byte == open { quote = nil }
                continue
            }
            let atValueStart =
                previous == 10 || previous == 32 || previous == 9 || previous == 44
                || previous == 91 || previous == 123 || previous == 58 || previous == 45
            // Each test stands alone: a `where` after several patterns guards only the last one.
            if byte == 35, previous == 10 || previous == 32 || previous == 9 {
                comment = true
            } else if byte == 34 || byte == 39, atValueStart {
                quote = byte
            } else if byte == 38 || byte == 42, atValueStart {
                return line
            }
        }
        return nil
    }

    public func read(yaml: String) -> Result<[Read], ImportIssues> {
        // An alias is copied where it is used: ten aliases of ten aliases of … ("billion laughs")
        // grow a few lines into gigabytes. A ficha never needs one.
        if let line = Self.firstAliasLine(yaml) {
            return .failure(
                ImportIssues([
                    ImportIssue(
                        line: line, column: "", value: "",
                        message: "las fichas no admiten anclas ni alias de YAML (& y * al inicio de un valor)")
                ]))
        }
        // Untrusted text: sized and shaped before libyaml reads it, and checked again after.
        let root: Node
        switch BoundedYAML.read(yaml) {
        case .success(let node?):
            root = node
        case .success(nil):
            return .failure(
                ImportIssues([ImportIssue(line: 0, column: "", value: "", message: "el archivo está vacío")]))
        case .failure(let refusal):
            let message = refusal.kind == .invalid ? "YAML o JSON inválido: \(refusal.reason)" : refusal.reason
            return .failure(
                ImportIssues([ImportIssue(line: refusal.line, column: "", value: "", message: message)]))
        }
        let items: [(String, Node)]
        if let list = root.sequence {
            items = list.enumerated().map { ("[\($0.offset + 1)].", $0.element) }
        } else {
            items = [("", root)]
        }
        var issues: [ImportIssue] = []
        var fichas: [Read] = []
        for (prefix, node) in items {
            var builder = Builder(prefix: prefix, line: 0)
            if let ficha = builder.build(from: node, reader: self) { fichas.append(Read(line: 0, ficha: ficha)) }
            issues += builder.issues
        }
        issues += duplicates(fichas)
        return issues.isEmpty ? .success(fichas) : .failure(ImportIssues(issues))
    }

    // MARK: - CSV

    public static var csvColumns: [ColumnSpec] {
        var specs = [
            ColumnSpec("dependencia", aliases: ["instancia"], required: true),
            ColumnSpec("anio", aliases: ["año"], required: true),
            ColumnSpec("total", required: true), ColumnSpec("hombres", required: true),
            ColumnSpec("mujeres", required: true),
            ColumnSpec("otro"),
        ]
        for (group, keys) in [
            ("edad", FichaShape.ageRanges), ("escolaridad", FichaShape.education), ("area", FichaShape.areas),
            ("necesidades", FichaShape.needs),
        ] {
            specs += keys.map {
                ColumnSpec(FichaShape.csvColumn(group, $0), required: group != "necesidades" && !($0 == "otra"))
            }
        }
        specs += [ColumnSpec("puestos"), ColumnSpec("cursos_previos"), ColumnSpec("observaciones")]
        return specs
    }

    /// One ficha per row. `puestos` is written `puesto:nivel:personas|…` and `cursos_previos`
    /// `curso:personas|…`.
    public func read(csv bytes: [UInt8]) -> Result<[Read], ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: Self.csvColumns)
        var issues = document.issues
        var fichas: [Read] = []
        for row in document.rows {
            var builder = Builder(prefix: "", line: row.line)
            if let ficha = builder.build(from: row, reader: self) { fichas.append(Read(line: row.line, ficha: ficha)) }
            issues += builder.issues
        }
        if document.rows.isEmpty, issues.isEmpty {
            issues.append(ImportIssue(line: 1, column: "", value: "", message: "el archivo no tiene filas de datos"))
        }
        issues += duplicates(fichas)
        return issues.isEmpty ? .success(fichas) : .failure(ImportIssues(issues))
    }

    private func duplicates(_ fichas: [Read]) -> [ImportIssue] {
        var seen: [String: Int] = [:]
        var issues: [ImportIssue] = []
        for (index, read) in fichas.enumerated() {
            let key = "\(read.ficha.agencyCode)/\(read.ficha.year)"
            if let earlier = seen[key] {
                issues.append(
                    ImportIssue(
                        line: read.line, column: "dependencia", value: read.ficha.agencyCode,
                        message:
                            "el archivo trae dos fichas de \(read.ficha.agencyCode) para \(read.ficha.year) (la \(earlier + 1)ª y la \(index + 1)ª)"
                    ))
            } else {
                seen[key] = index
            }
        }
        return issues
    }
}

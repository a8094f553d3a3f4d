import CapacitaFiles

/// The three staff tiers of Parámetro 4.2.
public enum Tier: String, Sendable, Codable, CaseIterable, Comparable {
    case alto
    case medio
    case operativo

    public static func < (lhs: Tier, rhs: Tier) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// Maps what a spreadsheet's "nivel" cell says (a tier, a federal pay-grade letter, "enlace",
/// "base") to a tier. The table is data (`db/seed/tiers.csv`); the defaults there are
/// G-K alto, L-O medio, P, enlace and base operativo.
public struct TierTable: Sendable, Equatable {
    /// Label key (as `NameKey.make` gives it) → tier, in file order for display.
    public private(set) var entries: [(label: String, tier: Tier)]
    private var byKey: [String: Tier]

    public static func == (lhs: TierTable, rhs: TierTable) -> Bool {
        lhs.byKey == rhs.byKey
    }

    public init(_ entries: [(label: String, tier: Tier)]) {
        self.entries = entries
        var byKey: [String: Tier] = [:]
        for tier in Tier.allCases { byKey[tier.rawValue] = tier }
        for entry in entries { byKey[NameKey.make(entry.label)] = entry.tier }
        self.byKey = byKey
    }

    /// The tier a cell names, or nil when the table does not know it. The tier names themselves
    /// (alto, medio, operativo) always map to themselves.
    public func tier(for text: String) -> Tier? {
        byKey[NameKey.make(text)]
    }

    public static let columns: [ColumnSpec] = [
        ColumnSpec("nivel", aliases: ["grado", "label"], required: true),
        ColumnSpec("tier", aliases: ["nivel_de_mando", "mando"], required: true),
    ]

    /// Reads the table file (`nivel,tier`), reporting every bad line.
    public static func parse(_ bytes: [UInt8]) -> Result<TierTable, ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        var entries: [(label: String, tier: Tier)] = []
        var seen: [String: Int] = [:]
        for row in document.rows {
            let label = row["nivel"]
            guard !label.isEmpty else {
                issues.append(ImportIssue(line: row.line, column: "nivel", value: "", message: "el nivel está vacío"))
                continue
            }
            guard let tier = Tier(rawValue: NameKey.make(row["tier"])) else {
                issues.append(
                    ImportIssue(
                        line: row.line, column: "tier", value: row["tier"], message: "debe ser alto, medio u operativo")
                )
                continue
            }
            if let earlier = seen[NameKey.make(label)] {
                issues.append(
                    ImportIssue(
                        line: row.line, column: "nivel", value: label, message: "ya aparece en la línea \(earlier)"))
                continue
            }
            seen[NameKey.make(label)] = row.line
            entries.append((label, tier))
        }
        return issues.isEmpty ? .success(TierTable(entries)) : .failure(ImportIssues(issues))
    }
}

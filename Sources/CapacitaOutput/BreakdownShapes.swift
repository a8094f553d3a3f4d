import Capacita

/// Coverage split one way, in JSON: the dimension, what it is taken from, a line per value and
/// the total. The agencies' columns are null on the lines of a breakdown by sex.
public struct CoverageBreakdownJSON: Encodable {
    public struct Line: Encodable {
        public var key: String
        public var label: String
        public var agencies: Int?
        public var meeting: Int?
        public var withoutHeadcount: Int?
        public var headcount: [String: Int]?
        public var trained: [String: Int]
        public var trainedTotal: Int

        init(_ row: CoverageBreakdownRow) {
            key = row.key
            label = row.label
            agencies = row.agencies
            meeting = row.meeting
            withoutHeadcount = row.withoutHeadcount
            headcount = row.headcount.map { h in
                Dictionary(uniqueKeysWithValues: Tier.allCases.map { ($0.rawValue, h[$0] ?? 0) })
            }
            trained = Dictionary(uniqueKeysWithValues: Tier.allCases.map { ($0.rawValue, row.trained[$0] ?? 0) })
            trainedTotal = row.trainedTotal
        }

        enum CodingKeys: String, CodingKey {
            case key, label, agencies, meeting
            case withoutHeadcount = "without_headcount"
            case headcount, trained
            case trainedTotal = "trained_total"
        }

        /// Nulls written out: a column a dimension cannot split says so.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(label, forKey: .label)
            try container.encode(agencies, forKey: .agencies)
            try container.encode(meeting, forKey: .meeting)
            try container.encode(withoutHeadcount, forKey: .withoutHeadcount)
            try container.encode(headcount, forKey: .headcount)
            try container.encode(trained, forKey: .trained)
            try container.encode(trainedTotal, forKey: .trainedTotal)
        }
    }

    public var by: String
    public var basis: String
    public var rows: [Line]
    public var total: Line

    public init(_ breakdown: CoverageBreakdown) {
        by = breakdown.breakdown.rawValue
        basis = breakdown.basis
        rows = breakdown.rows.map(Line.init)
        total = Line(breakdown.total)
    }
}

/// A group's or a course's roster split one way, in JSON: each line's statistics.
public struct ResultBreakdownJSON: Encodable {
    public struct Line: Encodable {
        public var key: String
        public var label: String
        public var statistics: ResultStatistics
    }

    public var by: String
    public var basis: String
    public var rows: [Line]
    public var total: ResultStatistics

    public init(_ breakdown: ResultBreakdown) {
        by = breakdown.breakdown.rawValue
        basis = breakdown.basis
        rows = breakdown.rows.map { Line(key: $0.key, label: $0.label, statistics: $0.statistics) }
        total = breakdown.total
    }
}

/// The sheets of breakdowns: a line per value, the TOTAL; and in a terminal, what each is taken from.
public enum BreakdownSheets {
    public static func sheet(_ breakdown: CoverageBreakdown) -> ReportSheet {
        let agencies = breakdown.breakdown != .sexo
        func cells(_ row: CoverageBreakdownRow) -> [Cell] {
            var cells: [Cell] = [.text(row.label)]
            if agencies {
                cells += [row.agencies, row.meeting, row.withoutHeadcount].map { $0.map(Cell.int) ?? .null }
                cells += Tier.allCases.map { tier in row.headcount.map { .int($0[tier] ?? 0) } ?? .null }
            }
            return cells + Tier.allCases.map { .int(row.trained[$0] ?? 0) } + [.int(row.trainedTotal)]
        }
        let columns =
            [breakdown.breakdown.rawValue]
            + (agencies
                ? ["agencies", "meeting", "without_headcount"] + Tier.allCases.map { "headcount_\($0.rawValue)" } : [])
            + Tier.allCases.map { "trained_\($0.rawValue)" } + ["trained"]
        return ReportSheet(
            breakdown.breakdown.title, caption: "\(breakdown.breakdown.title). \(breakdown.basis)",
            Table(columns: columns, rows: breakdown.rows.map(cells) + [cells(breakdown.total)]))
    }

    public static func sheet(_ breakdown: ResultBreakdown) -> ReportSheet {
        let rows =
            breakdown.rows.map { StatisticsText.row($0.label, $0.statistics) }
            + [StatisticsText.row("TOTAL", breakdown.total)]
        return ReportSheet(
            breakdown.breakdown.title, caption: "\(breakdown.breakdown.title). \(breakdown.basis)",
            Table(columns: [breakdown.breakdown.rawValue] + StatisticsText.columns.dropFirst(), rows: rows))
    }

    /// Each sheet under its caption, for a terminal: what a value is taken from is read there.
    public static func terminal(_ sheets: [ReportSheet]) -> String {
        sheets.map { TerminalText.lines($0.caption ?? $0.name) + "\n" + $0.table.render(.table) }
            .joined(separator: "\n\n")
    }
}

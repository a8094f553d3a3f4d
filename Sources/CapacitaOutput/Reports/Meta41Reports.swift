import Capacita
import Foundation

// Meta 4.1 as its card: the name, the method of calculation as the official card writes it and
// filled in, what NAAC counts and where TAP comes from, the actions counted, the series.

extension Meta41Report: Report {
    public struct ActionJSON: Encodable {
        public var date: String
        public var course: String
        public var title: String
        public var kind: String
        public var session: String?
        public var source: String?

        init(_ action: Meta41Action) {
            date = action.event.date.description
            course = action.course
            title = action.title
            kind = action.event.kind.rawValue
            session = action.event.session
            source = action.event.source
        }

        enum CodingKeys: String, CodingKey { case date, course, title, kind, session, source }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(date, forKey: .date)
            try container.encode(course, forKey: .course)
            try container.encode(title, forKey: .title)
            try container.encode(kind, forKey: .kind)
            try container.encode(session, forKey: .session)
            try container.encode(source, forKey: .source)
        }
    }

    public struct YearJSON: Encodable {
        public var year: Int
        /// null: ND (never 0 for missing data).
        public var naac: Int?
        public var tap: Int?
        public var tapSource: String?
        /// null when marked N/A or ND.
        public var percent: Rounded?
        public var mark: String?
        public var formulaOfficial: String?
        public var formula: String

        init(_ value: Meta41Year) {
            year = value.year
            naac = value.naac
            tap = value.tap
            tapSource = value.tapSource
            percent = value.percent.map(Rounded.percent)
            mark = value.mark?.rawValue
            formulaOfficial = value.officialFormula
            formula = value.formula
        }

        enum CodingKeys: String, CodingKey {
            case year, naac, tap
            case tapSource = "tap_source"
            case percent, mark
            case formulaOfficial = "formula_official"
            case formula
        }

        // Every key present, null when unknown: a year's shape does not depend on its data.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(year, forKey: .year)
            try container.encode(naac, forKey: .naac)
            try container.encode(tap, forKey: .tap)
            try container.encode(tapSource, forKey: .tapSource)
            try container.encode(percent, forKey: .percent)
            try container.encode(mark, forKey: .mark)
            try container.encode(formulaOfficial, forKey: .formulaOfficial)
            try container.encode(formula, forKey: .formula)
        }
    }

    public struct Body: Encodable {
        public var meta: String
        public var indicator: String
        public var programme: String
        public var method: String
        public var counts: String
        public var countedKinds: [String]
        public var firstYear: Int
        public var card: YearJSON
        public var actions: [ActionJSON]
        public var series: [Int]
        public var years: [YearJSON]

        enum CodingKeys: String, CodingKey {
            case meta, indicator, programme, method, counts
            case countedKinds = "counted_kinds"
            case firstYear = "first_year"
            case card, actions, series, years
        }
    }

    public var body: Body {
        Body(
            meta: Meta41.code, indicator: Meta41.name, programme: Meta41.programme, method: Meta41.officialMethod,
            counts: Meta41.counts, countedKinds: Meta41.countedKinds.map(\.rawValue), firstYear: Meta41.firstYear,
            card: YearJSON(card), actions: card.actions.map(ActionJSON.init),
            series: [series.lowerBound, series.upperBound], years: years.map(YearJSON.init))
    }

    static func percentCell(_ value: Meta41Year) -> Cell {
        value.mark == .notApplicable ? .na : .percent(value.percent)
    }

    /// The card's lines as key → value: the workbook's first sheet and the top of the CSV.
    public var fields: [(String, Cell)] {
        [
            ("meta", .text(Meta41.code)), ("indicator", .text(Meta41.name)), ("programme", .text(Meta41.programme)),
            ("year", .int(card.year)), ("method", .text(Meta41.officialMethod)), ("counts", .text(Meta41.counts)),
            ("naac", card.naac.map(Cell.int) ?? .nd), ("tap", card.tap.map(Cell.int) ?? .nd),
            ("tap_source", card.tapSource.map(Cell.text) ?? .null), ("percent", Self.percentCell(card)),
            ("mark", card.mark.map { .text($0.rawValue) } ?? .null),
            ("formula_official", card.officialFormula.map(Cell.text) ?? Self.unfilled(card)),
            ("formula", .text(card.formula)), ("first_year", .int(Meta41.firstYear)),
        ]
    }

    /// The substitution's cell for a year the card cannot fill in: its mark.
    static func unfilled(_ value: Meta41Year) -> Cell {
        value.mark == .notApplicable ? .na : .nd
    }

    public var actionsTable: Table {
        Table(
            columns: ["date", "course", "title", "kind", "session", "source"],
            rows: card.actions.map {
                [
                    .date($0.event.date.description), .text($0.course), .text($0.title), .code($0.event.kind.rawValue),
                    $0.event.session.map(Cell.text) ?? .null, $0.event.source.map(Cell.text) ?? .null,
                ]
            })
    }

    public var yearsTable: Table {
        Table(
            columns: ["year", "naac", "tap", "percent", "mark", "formula_official", "tap_source"],
            rows: years.map {
                [
                    .int($0.year), $0.naac.map(Cell.int) ?? .nd, $0.tap.map(Cell.int) ?? .nd, Self.percentCell($0),
                    $0.mark.map { .text($0.rawValue) } ?? .null, $0.officialFormula.map(Cell.text) ?? Self.unfilled($0),
                    $0.tapSource.map(Cell.text) ?? .null,
                ]
            })
    }

    var seriesName: String { "Serie \(series.lowerBound)-\(series.upperBound)" }

    public var sheets: [ReportSheet] {
        [
            ReportSheet("Acciones \(card.year)", caption: "Acciones que cuentan en NAAC, \(card.year)", actionsTable),
            ReportSheet(seriesName, caption: "\(Meta41.code), \(seriesName.lowercased())", yearsTable),
        ]
    }

    public var fileName: String { "meta-4.1-\(card.year)" }

    public var terminal: String {
        let year = card.year
        let tap =
            card.tap.map { "\($0) (fuente: \(card.tapSource ?? ""))" }
            ?? "ND (ninguna fuente registrada da las acciones programadas para \(year))"
        var lines = [
            "\(Meta41.code). \(Meta41.name), \(year)", "\(Meta41.programme).",
            "NAAC (acciones de actualización realizadas en \(year)): "
                + (card.naac.map(String.init) ?? "ND (el catálogo no tiene cursos)"),
            "TAP (acciones de actualización programadas para \(year)): " + tap,
            "NAAC cuenta \(Meta41.counts).",
            "Método de cálculo: \(Meta41.officialMethod)",
            "Sustitución en método de cálculo: " + (card.officialFormula ?? unfilledText(card)),
            card.formula, "",
        ]
        lines.append("Acciones que cuentan en \(year):")
        lines.append(card.actions.isEmpty ? "  ninguna" : actionsTable.render(.table))
        lines += ["", "\(seriesName):", yearsTable.render(.table), "", Meta41.marks]
        return lines.joined(separator: "\n")
    }

    func unfilledText(_ value: Meta41Year) -> String {
        value.mark == .notApplicable
            ? "N/A (año anterior a \(Meta41.firstYear))" : "ND (sin acciones programadas publicadas)"
    }

    /// One file to paste into a report: the card, a blank line, the actions, a blank line, the years.
    public var csv: String {
        CSVText.document([["field", "value"]] + fields.map { [$0.0, $0.1.csvField] }) + "\n\n"
            + actionsTable.render(.csv) + "\n\n" + yearsTable.render(.csv)
    }

    public var workbook: WorkbookDocument {
        WorkbookDocument([
            WorkbookSheet(
                name: Meta41.code,
                content: .fields(
                    title: "\(Meta41.code). \(Meta41.name), \(card.year)",
                    fields.map { WorkbookSheet.Field($0.0, $0.1) })),
            WorkbookSheet(name: "Acciones \(card.year)", content: .table(actionsTable)),
            WorkbookSheet(name: seriesName, content: .table(yearsTable)),
        ])
    }
}

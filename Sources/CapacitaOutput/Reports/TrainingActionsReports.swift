import Capacita
import Foundation

// The 2010-2012 programme's indicator «Capacitaciones y formación en materia de trata de
// personas» as a card: its name, what it counts, the formula, the baseline, the target, each year.

extension TrainingActionsReport: Report {
    public struct YearJSON: Encodable {
        public var year: Int
        /// null: ND.
        public var actions: Int?
        public var source: String?
        /// Percent; null when marked N/A or ND.
        public var change: Rounded?
        public var meets: Bool?
        public var mark: String?

        init(_ value: TrainingActionsYear) {
            year = value.year
            actions = value.actions
            source = value.sourceText
            change = value.change.map(Rounded.percent)
            meets = value.meets
            mark = value.mark?.rawValue
        }

        enum CodingKeys: String, CodingKey { case year, actions, source, change, meets, mark }

        // Every key present, null when unknown: a year's shape does not depend on its data.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(year, forKey: .year)
            try container.encode(actions, forKey: .actions)
            try container.encode(source, forKey: .source)
            try container.encode(change, forKey: .change)
            try container.encode(meets, forKey: .meets)
            try container.encode(mark, forKey: .mark)
        }
    }

    public struct Body: Encodable {
        public var indicator: String
        public var programme: String
        public var goal: String
        public var definition: String
        public var formula: String
        public var baseline: YearJSON
        public var targetPercent: Rounded
        public var targetActions: Rounded?
        public var series: [Int]
        public var years: [YearJSON]

        enum CodingKeys: String, CodingKey {
            case indicator, programme, goal, definition, formula, baseline
            case targetPercent = "target_percent"
            case targetActions = "target_actions"
            case series, years
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(indicator, forKey: .indicator)
            try container.encode(programme, forKey: .programme)
            try container.encode(goal, forKey: .goal)
            try container.encode(definition, forKey: .definition)
            try container.encode(formula, forKey: .formula)
            try container.encode(baseline, forKey: .baseline)
            try container.encode(targetPercent, forKey: .targetPercent)
            try container.encode(targetActions, forKey: .targetActions)
            try container.encode(series, forKey: .series)
            try container.encode(years, forKey: .years)
        }
    }

    public var body: Body {
        Body(
            indicator: TrainingActionsIndicator.name, programme: TrainingActionsIndicator.programme,
            goal: TrainingActionsIndicator.goal, definition: TrainingActionsIndicator.definition,
            formula: TrainingActionsIndicator.formula, baseline: YearJSON(card.baseline),
            targetPercent: Rounded(card.target, places: Exact.percentPlaces),
            targetActions: card.targetActions.map { Rounded($0, places: Exact.percentPlaces) },
            series: [series.lowerBound, series.upperBound], years: card.years.map(YearJSON.init))
    }

    /// The card's lines as key → value: the workbook's first sheet and the top of the CSV.
    public var fields: [(String, Cell)] {
        [
            ("indicator", .text(TrainingActionsIndicator.name)),
            ("programme", .text(TrainingActionsIndicator.programme)),
            ("goal", .text(TrainingActionsIndicator.goal)), ("definition", .text(TrainingActionsIndicator.definition)),
            ("formula", .text(TrainingActionsIndicator.formula)), ("baseline_year", .int(card.baselineYear)),
            ("baseline_actions", card.baseline.actions.map(Cell.int) ?? .nd),
            ("baseline_source", card.baseline.sourceText.map(Cell.text) ?? .null),
            ("target_percent", .amount(Rounded(card.target, places: Exact.percentPlaces))),
            ("target_actions", card.targetActions.map { .amount(Rounded($0, places: Exact.percentPlaces)) } ?? .nd),
        ]
    }

    static func cells(_ value: TrainingActionsYear) -> [Cell] {
        let notApplicable = value.mark == .notApplicable
        return [
            .int(value.year), value.actions.map(Cell.int) ?? .nd, value.sourceText.map(Cell.text) ?? .null,
            notApplicable ? .na : value.change.map { .decimal(.percent($0)) } ?? .nd,
            notApplicable ? .na : value.meets.map(Cell.bool) ?? .nd, value.mark.map { .text($0.rawValue) } ?? .null,
        ]
    }

    public var yearsTable: Table {
        Table(
            columns: ["year", "actions", "source", "change", "meets", "mark"], rows: card.years.map(Self.cells))
    }

    public var sheets: [ReportSheet] {
        [
            ReportSheet(
                "Serie \(series.lowerBound)-\(series.upperBound)",
                caption: "\(TrainingActionsIndicator.name), \(series.lowerBound)-\(series.upperBound)", yearsTable)
        ]
    }

    public var fileName: String { "acciones-capacitacion-\(series.lowerBound)-\(series.upperBound)" }

    /// The marks a reader meets in the table, said once under it.
    public static let marks =
        "ND: sin eventos registrados ni cifra publicada (nunca 0); N/A: año anterior al año base;"
        + " p/: año en curso, cifra preliminar."

    public var terminal: String {
        let base =
            card.baseline.actions.map { "\($0) acciones (\(card.baseline.sourceText ?? ""))" }
            ?? "ND (sin eventos registrados ni cifra publicada)"
        let target = Exact.shortText(card.target, places: Exact.percentPlaces)
        let needed = card.targetActions.map {
            ": \(Exact.shortText($0, places: Exact.percentPlaces)) acciones o más en el año"
        }
        return [
            "\(TrainingActionsIndicator.name), \(series.lowerBound)-\(series.upperBound)",
            "\(TrainingActionsIndicator.programme); meta del programa: «\(TrainingActionsIndicator.goal)».",
            "Acción de capacitación: \(TrainingActionsIndicator.definition).",
            "Fórmula: \(TrainingActionsIndicator.formula)",
            "Año base: \(card.baselineYear) = \(base)",
            "Meta: variación de \(target) % o más sobre el año base" + (needed ?? ""), "",
            yearsTable.render(.table), "", Self.marks,
        ].joined(separator: "\n")
    }

    /// One file to paste into a report: the card, a blank line, the years.
    public var csv: String {
        CSVText.document([["field", "value"]] + fields.map { [$0.0, $0.1.csvField] }) + "\n\n"
            + yearsTable.render(.csv)
    }

    public var workbook: WorkbookDocument {
        WorkbookDocument([
            WorkbookSheet(
                name: "Indicador",
                content: .fields(
                    title: "\(TrainingActionsIndicator.name), \(series.lowerBound)-\(series.upperBound)",
                    fields.map { WorkbookSheet.Field($0.0, $0.1) })),
            WorkbookSheet(name: "Serie \(series.lowerBound)-\(series.upperBound)", content: .table(yearsTable)),
        ])
    }
}

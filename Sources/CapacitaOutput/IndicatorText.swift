import Capacita
import Foundation

/// Parámetro 4.2 as the official card prints it, in each output format.
public enum IndicatorText {
    public static let title = "Parámetro 4.2: porcentaje de instancias integrantes que capacitaron a su personal"

    /// The card's lines as key → value: the same in the table's footer and at the top of the CSV.
    public static func card(_ indicator: Indicator, options: CoverageOptions) -> [(String, Cell)] {
        [
            ("parameter", .text(title)), ("year", .int(indicator.year)),
            ("threshold", .amount(Rounded(options.threshold, places: 4))),
            ("rule", .code(options.rule.rawValue)), ("window", .code(options.window.rawValue)),
            ("levels", .list(options.levels.map { $0.map(\.rawValue).sorted() } ?? [])),
            ("courses", .code(options.courses.rawValue)),
            ("nii", .int(indicator.nii)), ("tii", .int(indicator.tii)), ("percent", .percent(indicator)),
            ("mark", .mark(indicator)), ("formula", .text(indicator.formula)),
            ("formula_official", .text(indicator.officialFormula)), ("without_data", .list(indicator.withoutData)),
        ]
    }

    /// The workbook for the annual report: the card, formula filled in, on the first sheet (as the
    /// official report prints it) and the per-agency, per-tier table on the second.
    public static func workbook(_ indicator: Indicator, options: CoverageOptions) -> WorkbookDocument {
        WorkbookDocument([
            WorkbookSheet(
                name: "Parámetro 4.2",
                content: .fields(
                    title: "\(title), \(indicator.year)",
                    card(indicator, options: options).map { WorkbookSheet.Field($0.0, $0.1) })),
            WorkbookSheet(name: "Instancias", content: .table(CoverageTable.table(indicator.agencies))),
        ])
    }

    /// A series: one row per year on the first sheet, then each year's per-agency table.
    public static func workbook(_ values: [Indicator], years: ClosedRange<Int>, options: CoverageOptions)
        -> WorkbookDocument
    {
        WorkbookDocument(
            [WorkbookSheet(name: "Serie \(years.lowerBound)-\(years.upperBound)", content: .table(seriesTable(values)))]
                + values.map {
                    WorkbookSheet(name: "Instancias \($0.year)", content: .table(CoverageTable.table($0.agencies)))
                })
    }

    static func seriesTable(_ values: [Indicator]) -> Table {
        Table(
            columns: ["year", "nii", "tii", "percent", "mark", "without_data", "formula", "formula_official"],
            rows: values.map {
                [
                    .int($0.year), .int($0.nii), .int($0.tii), .percent($0), .mark($0), .list($0.withoutData),
                    .text($0.formula), .text($0.officialFormula),
                ]
            })
    }

    public static func single(_ indicator: Indicator, options: CoverageOptions, format: OutputFormat) -> String {
        let agencies = CoverageTable.table(indicator.agencies)
        switch format {
        case .json:
            return JSONOutput.string(IndicatorJSON(indicator, options: options))
        case .csv:
            // One file to paste into the annual report: the card, a blank line, the per-tier rows.
            let card = card(indicator, options: options)
            return CSVText.document([["field", "value"]] + card.map { [$0.0, $0.1.csvField] }) + "\n\n"
                + agencies.render(.csv)
        case .table, .xlsx:
            var lines = [
                "\(title), \(indicator.year)", OptionsText.line(nil, options), "", agencies.render(.table), "",
                "NII (instancias que cumplen): \(indicator.nii)   TII (instancias contadas): \(indicator.tii)",
                indicator.formula, "Sustitución como la imprime la ficha oficial: \(indicator.officialFormula)",
            ]
            if !indicator.withoutData.isEmpty {
                lines.append("Sin plantilla para \(indicator.year) (ND, no cumplen):")
                lines += TerminalText.wrapped(indicator.withoutData, indent: "  ")
            }
            return lines.joined(separator: "\n")
        }
    }

    public static func series(
        _ values: [Indicator], years: ClosedRange<Int>, options: CoverageOptions, format: OutputFormat
    ) -> String {
        switch format {
        case .json:
            return JSONOutput.string(values.map { IndicatorJSON($0, options: options) })
        case .csv:
            return seriesTable(values).render(.csv)
        case .table, .xlsx:
            let table = Table(
                columns: ["year", "nii", "tii", "percent", "mark", "without_data", "formula", "formula_official"],
                rows: values.map {
                    [
                        .int($0.year), .int($0.nii), .int($0.tii), .percent($0), .mark($0),
                        .int($0.withoutData.count), .text($0.formula), .text($0.officialFormula),
                    ]
                })
            var lines = [
                "\(title), serie \(years.lowerBound)-\(years.upperBound)", OptionsText.line(nil, options), "",
                table.render(.table),
            ]
            let missing = values.filter { !$0.withoutData.isEmpty }
            if !missing.isEmpty {
                lines.append("")
                lines.append("Sin plantilla (ND, no cumplen):")
                for value in missing {
                    lines += TerminalText.wrapped(
                        value.withoutData, indent: "  \(value.year): ", continuation: "        ")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}

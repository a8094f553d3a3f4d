import Capacita

// Coverage and Parámetro 4.2: the tables and cards of IndicatorText and CoverageTable, per report.

extension CoverageReport: Report {
    public var body: CoverageJSON {
        CoverageJSON(
            year: year, options: options, agencies: agencies.map(AgencyCoverageJSON.init),
            breakdowns: breakdowns.map(CoverageBreakdownJSON.init))
    }

    public var sheets: [ReportSheet] {
        [ReportSheet("Cobertura \(year)", CoverageTable.table(agencies))] + breakdowns.map(BreakdownSheets.sheet)
    }

    public var fileName: String { "cobertura-\(year)" + (agency.map { "-\($0)" } ?? "") }

    public var terminal: String {
        OptionsText.line(year, options) + "\n" + CoverageTable.table(agencies).render(.table)
            + (by.isEmpty ? "" : "\n\n" + BreakdownSheets.terminal(breakdowns.map(BreakdownSheets.sheet)))
    }
}

extension IndicatorReport: Report {
    public var body: IndicatorJSON { IndicatorJSON(indicator, options: options) }

    public var sheets: [ReportSheet] { [ReportSheet("Instancias", CoverageTable.table(indicator.agencies))] }

    public var fileName: String { "parametro-4.2-\(indicator.year)" }

    public var terminal: String { IndicatorText.single(indicator, options: options, format: .table) }

    public var csv: String { IndicatorText.single(indicator, options: options, format: .csv) }

    public var workbook: WorkbookDocument { IndicatorText.workbook(indicator, options: options) }
}

extension IndicatorSeriesReport: Report {
    public var body: [IndicatorJSON] { values.map { IndicatorJSON($0, options: options) } }

    public var sheets: [ReportSheet] {
        [ReportSheet("Serie \(years.lowerBound)-\(years.upperBound)", IndicatorText.seriesTable(values))]
    }

    public var fileName: String { "parametro-4.2-\(years.lowerBound)-\(years.upperBound)" }

    public var terminal: String { IndicatorText.series(values, years: years, options: options, format: .table) }

    public var workbook: WorkbookDocument { IndicatorText.workbook(values, years: years, options: options) }
}

extension IndicatorOverview: Report {
    public struct Body: Encodable {
        public var card: IndicatorJSON
        public var series: [IndicatorJSON]
        public var readings: [IndicatorJSON]
    }

    public var body: Body {
        Body(
            card: IndicatorJSON(card, options: options), series: series.map { IndicatorJSON($0, options: options) },
            readings: readings.map { IndicatorJSON($0.indicator, options: $0.options) })
    }

    private static func row(_ value: Indicator) -> [Cell] {
        [
            .int(value.year), .int(value.nii), .int(value.tii), .percent(value), .mark(value),
        ]
    }

    /// The card's agencies, the years before it, and the card under every reading.
    public var sheets: [ReportSheet] {
        [
            ReportSheet("Instancias", CoverageTable.table(card.agencies)),
            ReportSheet(
                "Serie", Table(columns: ["year", "nii", "tii", "percent", "mark"], rows: series.map(Self.row))),
            ReportSheet(
                "Sensibilidad",
                Table(
                    columns: ["courses", "threshold", "rule", "window", "year", "nii", "tii", "percent", "mark"],
                    rows: readings.map { reading in
                        [
                            .code("courses_" + reading.options.courses.rawValue),
                            .decimal(Rounded(reading.options.threshold, places: 2)),
                            .code(reading.options.rule.rawValue), .code(reading.options.window.rawValue),
                        ] + Self.row(reading.indicator)
                    })),
        ]
    }

    public var fileName: String { "parametro-4.2-\(year)" }

    /// The card on its own sheet first, as the annual report prints it, then the three tables.
    public var workbook: WorkbookDocument {
        var document = IndicatorText.workbook(card, options: options)
        document.sheets += sheets.dropFirst().map { WorkbookSheet(name: $0.name, content: .table($0.table)) }
        return document
    }
}

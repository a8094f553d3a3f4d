import Capacita

// What groups did: the Commission's events table, a group's roster and results, a course's year.

extension EventsReport: Report {
    public var body: EventsJSON {
        EventsJSON(
            year: year, period: PeriodJSON(period), rows: rows.map(EventsRowJSON.init), total: EventsRowJSON(total),
            breakdowns: breakdowns.map(BreakdownJSON.init), splits: splits.map(BreakdownJSON.init))
    }

    public var sheets: [ReportSheet] {
        func cells(_ row: EventsRow) -> [Cell] {
            [
                .text(row.agency), .int(row.capacitacion.eventos), .int(row.capacitacion.publicoGeneral),
                .int(row.capacitacion.servidoresPublicos), .int(row.sensibilizacion.eventos),
                .int(row.sensibilizacion.publicoGeneral), .int(row.sensibilizacion.servidoresPublicos),
            ]
        }
        let table = Table(
            columns: [
                "agency", "cap_eventos", "cap_publico_general", "cap_servidores_publicos", "sens_eventos",
                "sens_publico_general", "sens_servidores_publicos",
            ],
            rows: rows.map(cells) + [cells(total)])
        return [
            ReportSheet(
                "Eventos \(period.label)",
                caption:
                    "Eventos de capacitación y de sensibilización por instancia, \(period) (por su fecha de inicio),"
                    + " con sus asistentes",
                table)
        ] + breakdowns.map(Self.sheet) + splits.map(Self.splitSheet)
    }

    /// A breakdown's sheet: a line per value, the TOTAL, and what the value is taken from.
    static func sheet(_ breakdown: EventBreakdown) -> ReportSheet {
        let events = breakdown.total.eventos != nil
        func cells(_ row: BreakdownRow) -> [Cell] {
            [.text(row.label)] + (events ? [row.eventos.map(Cell.int) ?? .null] : [])
                + [.int(row.publicoGeneral), .int(row.servidoresPublicos), .int(row.personas)]
        }
        let table = Table(
            columns: [breakdown.breakdown.rawValue] + (events ? ["eventos"] : [])
                + ["publico_general", "servidores_publicos", "personas"],
            rows: breakdown.rows.map(cells) + [cells(breakdown.total)])
        return ReportSheet(
            breakdown.breakdown.title, caption: "\(breakdown.breakdown.title). \(breakdown.basis)", table)
    }

    public var fileName: String { "eventos-\(period.label.replacingOccurrences(of: "/", with: "_"))" }
}

extension GroupReport: Report {
    public var body: GroupReportJSON {
        GroupReportJSON(
            group: listing.group.code, course: listing.group.courseCode,
            roster: roster.map { RosterJSON($0, revealCURP: disclosure.reveals(agency: $0.agencyCode)) },
            statistics: statistics, breakdowns: breakdowns.map(ResultBreakdownJSON.init))
    }

    /// The roster, CURPs whole only where the caller may see them.
    public var rosterTable: Table { RosterTable.table(roster) { disclosure.reveals(agency: $0.agencyCode) } }

    public var sheets: [ReportSheet] {
        [
            ReportSheet("Lista \(listing.group.code)", rosterTable),
            ReportSheet(
                "Resultados",
                Table(
                    columns: StatisticsText.columns, rows: [StatisticsText.row(listing.group.code, statistics)])),
        ] + breakdowns.map(BreakdownSheets.sheet)
    }

    public var fileName: String { "grupo-\(listing.group.code)" }

    public var title: String {
        let dates = CalendarDate.spanishRange(listing.group.startsOn, listing.group.endsOn)
        return "Grupo \(listing.group.code) — \(listing.courseTitle ?? "evento sin curso"), \(dates)"
    }

    public var terminal: String {
        [
            TerminalText.lines(title), rosterTable.render(.table), "",
            StatisticsText.lines(statistics).joined(separator: "\n"),
        ].joined(separator: "\n")
            + (breakdowns.isEmpty ? "" : "\n\n" + BreakdownSheets.terminal(breakdowns.map(BreakdownSheets.sheet)))
    }

    /// The roster alone: the results are one row, read in the JSON or the workbook. The
    /// breakdowns asked for follow it, a blank line between.
    public var csv: String {
        ([rosterTable] + breakdowns.map { BreakdownSheets.sheet($0).table }).map { $0.render(.csv) }
            .joined(separator: "\n\n")
    }
}

extension CourseReport: Report {
    public var body: CourseReportJSON {
        CourseReportJSON(
            course: course, year: year, groups: groups, total: total, byAgency: byAgency, period: PeriodJSON(period),
            breakdowns: breakdowns.map(ResultBreakdownJSON.init))
    }

    public var sheets: [ReportSheet] {
        let rows =
            byAgency.sorted { $0.key < $1.key }.map { StatisticsText.row($0.key, $0.value) }
            + [StatisticsText.row("TOTAL", total)]
        return [
            ReportSheet(
                "\(course) \(period.label)",
                caption: "Curso \(course): grupos que terminaron en \(period.isWholeYear ? "" : "el ")\(period)",
                Table(columns: StatisticsText.columns, rows: rows))
        ] + breakdowns.map(BreakdownSheets.sheet)
    }

    public var fileName: String { "curso-\(course)-\(period.label.replacingOccurrences(of: "/", with: "_"))" }

    public var terminal: String {
        "Curso \(course), \(period): \(Plural.count(groups, "grupo", "grupos"))\n"
            + (sheets.first?.table.render(.table) ?? "")
            + (breakdowns.isEmpty ? "" : "\n\n" + BreakdownSheets.terminal(Array(sheets.dropFirst())))
    }
}

/// A group's roster alone (`GET /v1/groups/{code}/roster`): the group report's first table.
public struct RosterReport: Report {
    public var group: GroupReport

    public init(_ group: GroupReport) {
        self.group = group
    }

    public var body: [RosterJSON] {
        group.roster.map { RosterJSON($0, revealCURP: group.disclosure.reveals(agency: $0.agencyCode)) }
    }

    public var sheets: [ReportSheet] { [ReportSheet("Lista \(group.listing.group.code)", group.rosterTable)] }

    public var fileName: String { "lista-\(group.listing.group.code)" }
}

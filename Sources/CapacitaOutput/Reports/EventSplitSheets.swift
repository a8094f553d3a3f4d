import Capacita

extension EventsReport {
    /// By formato or by partner: a line per value, the TOTAL, and what the value is taken from,
    /// shaped as a breakdown's sheet.
    static func splitSheet(_ split: EventSplit) -> ReportSheet {
        func cells(_ row: BreakdownRow) -> [Cell] {
            [
                .text(row.label), .int(row.eventos ?? 0), .int(row.publicoGeneral), .int(row.servidoresPublicos),
                .int(row.personas),
            ]
        }
        let table = Table(
            columns: [split.dimension.rawValue, "eventos", "publico_general", "servidores_publicos", "personas"],
            rows: split.rows.map(cells) + [cells(split.total)])
        return ReportSheet(split.dimension.title, caption: "\(split.dimension.title). \(split.basis)", table)
    }
}

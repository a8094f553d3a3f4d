import Capacita
import CapacitaFiles

/// The rows an import refused, as a workbook to fix and send again: the file's own header and
/// cells (so the import reads it as before), then the sheet's row number and every reason for
/// that row. The two added columns match no import column and are ignored when it comes back.
public enum RejectedRowsWorkbook {
    public static let lineColumn = "fila original"
    public static let reasonsColumn = "motivos del rechazo"

    public static func document(_ rows: RejectedRows, issues: [ImportIssue]) -> WorkbookDocument {
        let reasons = Dictionary(grouping: issues, by: \.line)
        let width = max(rows.header.count, rows.rows.map(\.cells.count).max() ?? 0)
        let header = (0..<width).map { $0 < rows.header.count ? rows.header[$0] : "" }
        let table = Table(
            columns: header + [lineColumn, reasonsColumn],
            rows: rows.rows.map { row in
                let cells = (0..<width).map { $0 < row.cells.count ? Cell.text(row.cells[$0]) : .null }
                let why = (reasons[row.line] ?? []).map { issue in
                    issue.column.isEmpty ? issue.message : "\(issue.column): \(issue.message)"
                }
                return cells + [.int(row.line), .text(why.joined(separator: "; "))]
            })
        return WorkbookDocument([
            WorkbookSheet(name: "Filas rechazadas", content: .table(table), headerAsWritten: true)
        ])
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation
import HTTPTypes
import Hummingbird

/// Tables on pages, and the same tables as downloads: `?formato=csv` or `?formato=xlsx` on a
/// page's own address gives what it shows, as the command line's `--format csv|xlsx` writes it.
extension PagesController {
    enum ExportFormat: String {
        case csv, xlsx
    }

    static func exportFormat(_ request: Request) -> ExportFormat? {
        request.uri.queryParameters.get("formato").flatMap { ExportFormat(rawValue: $0.lowercased()) }
    }

    /// The links beside a table: the page's route (`path`, built by the page, never the request's
    /// raw path: `//parametro` would be read as another host) and the query with the format added.
    static func exportLinks(_ request: Request, path: String) -> ExportLinks {
        var kept = URLComponents()
        kept.path = path
        kept.queryItems = request.uri.queryParameters.filter { $0.key != "formato" }.map {
            URLQueryItem(name: String($0.key), value: String($0.value))
        }
        func link(_ format: ExportFormat) -> String {
            var components = kept
            components.queryItems =
                (components.queryItems ?? []) + [URLQueryItem(name: "formato", value: format.rawValue)]
            return components.string ?? path
        }
        return ExportLinks(csv: link(.csv), xlsx: link(.xlsx))
    }

    /// A table as the page shows it: Spanish headers, numbers aligned right.
    static func tableView(_ table: Table, caption: String? = nil) -> TableView {
        TableView(
            columns: table.columns.map(Labels.header), rows: tableRows(table), hasRows: !table.rows.isEmpty,
            caption: caption)
    }

    /// A report's table with its caption.
    static func tableView(_ sheet: ReportSheet) -> TableView { tableView(sheet.table, caption: sheet.caption) }

    /// A report as the page's download: its workbook, or that workbook's sheets as CSV.
    static func download(_ report: some Report, _ format: ExportFormat) throws -> Response {
        try download(report.workbook, name: report.fileName, format)
    }

    static func tableRows(_ table: Table) -> [TableView.Row] {
        table.rows.map { row in TableView.Row(cells: row.map { .init(text: $0.display, number: isNumber($0)) }) }
    }

    /// Sheets as a download: a workbook, or CSV (tables one after another, a blank line between),
    /// with a BOM so Excel reads the accents, named `name.csv|xlsx`.
    static func download(_ document: WorkbookDocument, name: String, _ format: ExportFormat) throws -> Response {
        switch format {
        case .xlsx:
            return try Responses.workbook(document, name: name)
        case .csv:
            let parts = document.sheets.map { sheet -> String in
                switch sheet.content {
                case .table(let table): return table.render(.csv)
                case .fields(_, let fields):
                    return Table(columns: ["field", "value"], rows: fields.map { [.text($0.key), $0.value] })
                        .render(.csv)
                }
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: Responses.attachment(name, extension: "csv"), .cacheControl: "no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + parts.joined(separator: "\n\n") + "\n")))
        }
    }
}

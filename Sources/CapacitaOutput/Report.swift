import Capacita

/// A report as every front end renders it. Its value is built once, by its loader
/// (`ReportLoader`, in CapacitaStore), for a caller and a set of options; a conformance here says
/// its JSON body, its tables and the lines a person reads around them, and the renderers below
/// turn that into each format. The CLI, the API and the pages parse options, load, and pick one
/// of `rendered(_:)`, `workbook` or `sheets`: none of them builds a report's rows.
public protocol Report: Sendable {
    associatedtype Body: Encodable
    /// What `--format json` prints and the API answers.
    var body: Body { get }
    /// The tables, in order: a workbook's sheets, a page's tables.
    var sheets: [ReportSheet] { get }
    /// A download's name, without its extension.
    var fileName: String { get }
    /// The terminal's text: by default the tables one after another.
    var terminal: String { get }
    /// CSV (`--format csv`, `Accept: text/csv`): by default the tables, a blank line between.
    var csv: String { get }
    /// The workbook: by default one sheet per table.
    var workbook: WorkbookDocument { get }
}

/// One table of a report: its sheet's name in a workbook and, on a page, its caption.
public struct ReportSheet: Sendable {
    public var name: String
    public var caption: String?
    public var table: Table

    public init(_ name: String, caption: String? = nil, _ table: Table) {
        self.name = name
        self.caption = caption
        self.table = table
    }
}

/// A report in one format: text for a terminal or a body, or a workbook to be written.
public enum RenderedReport: Sendable {
    case text(String)
    case workbook(WorkbookDocument)
}

extension Report {
    public var terminal: String { sheets.map { $0.table.render(.table) }.joined(separator: "\n\n") }

    public var csv: String { sheets.map { $0.table.render(.csv) }.joined(separator: "\n\n") }

    public var workbook: WorkbookDocument {
        WorkbookDocument(sheets.map { WorkbookSheet(name: $0.name, content: .table($0.table)) })
    }

    public var json: String { JSONOutput.string(body) }

    /// The one place a report's format is chosen.
    public func rendered(_ format: OutputFormat) -> RenderedReport {
        switch format {
        case .json: return .text(json)
        case .csv: return .text(csv)
        case .table: return .text(terminal)
        case .xlsx: return .workbook(workbook)
        }
    }
}

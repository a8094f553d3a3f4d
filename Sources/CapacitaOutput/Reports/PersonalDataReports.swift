import Capacita
import Foundation

// A person's data on request: the export (access) and the register of requests.

extension PersonExport: Report {
    public var body: PersonExportJSON { PersonExportJSON(self) }

    /// A sheet per table that holds rows about the person, each with the table's own column names
    /// (the export is compared with the tables, and given as they are).
    public var sheets: [ReportSheet] {
        sections.filter { !$0.rows.isEmpty }.map { section in
            ReportSheet(
                section.source, caption: section.title,
                Table(columns: section.columns, rows: section.rows.map { $0.map(Self.cell) }))
        }
    }

    public var fileName: String { "datos-personales" }

    /// What the export holds and what it does not, table by table.
    public var summary: Record {
        var fields: [(String, Cell)] = [("curp", .text(curp)), ("generated_at", .text(generatedAt))]
        for section in sections { fields.append((section.source, .int(section.rows.count))) }
        return Record(fields)
    }

    /// The sentences around the tables: nothing held, or which tables hold nothing.
    public var notes: [String] {
        var notes: [String] = []
        if isEmpty { notes.append("capacita no tiene datos de esta CURP.") }
        if section("ficha")?.rows.isEmpty ?? true {
            notes.append(
                "Ninguna ficha diagnóstica nombra a la persona (las fichas son cifras por instancia; su texto libre se revisó)."
            )
        }
        let empty = sections.filter { $0.rows.isEmpty && $0.source != "ficha" }.map(\.title)
        if !empty.isEmpty, !isEmpty { notes.append("Sin registros: " + empty.joined(separator: "; ") + ".") }
        return notes
    }

    public var terminal: String {
        ([summary.render(.table)] + notes + sheets.map { "\($0.caption ?? $0.name)\n" + $0.table.render(.table) })
            .joined(separator: "\n\n")
    }

    /// A summary sheet (how many rows each table holds, and the notes), then a sheet per table with
    /// its columns as the database names them.
    public var workbook: WorkbookDocument {
        var summarySheet = WorkbookSheet.record(summary, name: "resumen", title: "Datos personales de la CURP \(curp)")
        if case .fields(let title, var fields) = summarySheet.content {
            fields += notes.enumerated().map { WorkbookSheet.Field("nota \($0.offset + 1)", .text($0.element)) }
            summarySheet.content = .fields(title: title, fields)
        }
        return WorkbookDocument(
            [summarySheet]
                + sheets.map { WorkbookSheet(name: $0.name, content: .table($0.table), headerAsWritten: true) })
    }

    static func cell(_ value: PersonExport.Value) -> Cell {
        switch value {
        case .text(let text), .json(let text): return .text(text)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .number(let text):
            if let whole = Int(text) { return .int(whole) }
            guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                return .text(text)
            }
            let places = text.split(separator: ".").dropFirst().first.map(\.count) ?? 0
            return .decimal(Rounded(decimal, places: places))
        }
    }
}

/// The export as JSON: the CURP asked for, when, every table (empty ones as []) with its rows as
/// objects keyed by the database's column names, and the notes.
public struct PersonExportJSON: Encodable, Sendable {
    public var curp: String
    public var generatedAt: String
    public var tables: [String: [JSONObject]]
    public var notes: [String]

    init(_ export: PersonExport) {
        curp = export.curp
        generatedAt = export.generatedAt
        tables = Dictionary(
            export.sections.map { section in
                (
                    section.source,
                    section.rows.map { JSONObject(keys: section.columns, values: $0.map(PersonExport.cell)) }
                )
            }, uniquingKeysWith: { first, _ in first })
        notes = export.notes
    }

    enum CodingKeys: String, CodingKey {
        case curp, tables, notes
        case generatedAt = "generated_at"
    }
}

/// The register of requests as a list: every column a program needs, the CURP masked, and whether
/// each is overdue («vencida») on `today`.
public enum ArcoTable {
    public static func table(_ requests: [ArcoRequest], today: CalendarDate, calendar: WorkingCalendar) -> Table {
        Table(
            columns: [
                "id", "kind", "curp", "channel", "received_on", "due_on", "days_left", "overdue", "status", "detail",
                "outcome", "filed_by", "closed_by", "closed_on",
            ],
            rows: requests.map { request in
                [
                    .int(Int(request.id)), .code(request.kind.rawValue), .text(request.curp.masked),
                    .code(request.channel.rawValue), .date(request.receivedOn.description),
                    .date(request.dueOn.description),
                    request.workingDaysLeft(today: today, calendar: calendar).map(Cell.int) ?? .null,
                    .bool(request.isOverdue(today: today)),
                    .code(request.isOverdue(today: today) ? "vencida" : request.state.rawValue),
                    request.detail.map(Cell.text) ?? .null, request.outcome.map(Cell.text) ?? .null,
                    .text(request.filedBy), request.closedBy.map(Cell.text) ?? .null,
                    request.closedOn.map { .date($0.description) } ?? .null,
                ]
            })
    }
}

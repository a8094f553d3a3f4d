import Capacita
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation
import Hummingbird

/// Response bodies: the same JSON the command line prints with `--format json` (one encoder,
/// `JSONOutput`), or CSV or an .xlsx workbook when the client asks for it with `Accept`.
enum Responses {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        json(JSONOutput.string(value), status: status)
    }

    static func csv(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    static func wantsCSV(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        return accept.contains("text/csv")
    }

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func wantsXLSX(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        return accept.contains(xlsxType)
    }

    /// A workbook as a download named `name.xlsx` (an ASCII name: it goes in a header).
    static func workbook(_ data: Data, name: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: xlsxType, .contentDisposition: attachment(name, extension: "xlsx")],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `attachment; filename="name.ext"`, the name cut to ASCII letters, digits, dots and dashes (it
    /// goes in a header).
    static func attachment(_ name: String, extension ext: String) -> String {
        let safe = String(
            name.unicodeScalars.map {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "-")
                    ? Character($0) : "-"
            })
        return "attachment; filename=\"\(safe).\(ext)\""
    }

    static func workbook(_ document: WorkbookDocument, name: String) throws -> Response {
        workbook(try DocumentWriter.data(document), name: name)
    }

    /// The format a request's `Accept` asks a report in: a workbook, CSV, or JSON by default.
    static func reportFormat(_ request: Request) -> OutputFormat {
        wantsXLSX(request) ? .xlsx : wantsCSV(request) ? .csv : .json
    }

    /// A report rendered as the request asks: a workbook download named by the report, CSV or JSON.
    static func report(_ report: some Report, _ request: Request) throws -> Response {
        let format = reportFormat(request)
        switch report.rendered(format) {
        case .workbook(let document): return try workbook(document, name: report.fileName)
        case .text(let text): return format == .csv ? csv(text) : json(text)
        }
    }

    /// A report's text already rendered in `format` (a cached body): CSV or JSON.
    static func text(_ body: String, _ format: OutputFormat) -> Response {
        format == .csv ? csv(body) : json(body)
    }

    /// A list: JSON rows, or CSV or a workbook when asked for.
    static func table(_ table: Table, _ request: Request, sheet: String = "Datos") throws -> Response {
        if wantsXLSX(request) { return try workbook(WorkbookDocument(table, sheet: sheet), name: sheet) }
        return wantsCSV(request) ? csv(table.render(.csv)) : json(table.render(.json))
    }

    static func record(_ record: Record, _ request: Request) -> Response {
        wantsCSV(request) ? csv(record.render(.csv)) : json(record.render(.json))
    }

    /// An import's report: 200 when the file was taken (or would be, in a dry run), 422 with every
    /// refused line when nothing was written.
    static func report(_ report: ImportReport) -> Response {
        json(report, status: report.rejected.isEmpty ? .ok : .unprocessableContent)
    }
}

/// Free text in a JSON body (a baja's reason, a group's fields), refused as the imports refuse a
/// cell (`CellText`): a NUL, an escape, DEL, a C1 control, a line break or tab, or an invisible
/// or direction character. PostgreSQL would cut a text at a NUL, and a terminal or a report would
/// run the rest.
enum BodyText {
    static func check(_ field: String, _ value: String, limit: Int = .max) throws(APIError) {
        guard let problem = CellText.textProblem(value, limit: limit) else { return }
        throw APIError(.unprocessableContent, "invalid_body", "\(field): \(problem)", details: ["field": field])
    }

    /// A query parameter's value, under the same rule (a 400, not a 422).
    static func checkQuery(_ name: String, _ value: String, limit: Int) throws(APIError) {
        guard let problem = CellText.textProblem(value, limit: limit) else { return }
        throw .badParameter(name, problem)
    }
}

/// The query string, read with the bounds every parameter has.
struct Query {
    let request: Request

    init(_ request: Request) {
        self.request = request
    }

    func string(_ name: String, maxLength: Int = 200) throws(APIError) -> String? {
        guard let value = request.uri.queryParameters.get(name) else { return nil }
        // The imports' own rule for free text: no control or invisible characters, bounded.
        if let problem = CellText.textProblem(value, limit: maxLength) { throw .badParameter(name, problem) }
        return value.isEmpty ? nil : value
    }

    func required(_ name: String, maxLength: Int = 200) throws(APIError) -> String {
        guard let value = try string(name, maxLength: maxLength) else { throw .badParameter(name, "es obligatorio") }
        return value
    }

    func bool(_ name: String) throws(APIError) -> Bool {
        switch try string(name, maxLength: 10)?.lowercased() {
        case nil, "false", "0", "no": return false
        case "true", "1", "si", "sí", "yes": return true
        default: throw .badParameter(name, "true o false")
        }
    }

    static var currentYear: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

    func year(_ name: String = "year") throws(APIError) -> Int? {
        guard let text = try string(name, maxLength: 10) else { return nil }
        switch ReportYears.year(text, currentYear: Self.currentYear) {
        case .success(let year): return year
        case .failure(let problem): throw .badParameter(name, problem.description)
        }
    }

    func requiredYear(_ name: String = "year") throws(APIError) -> Int {
        guard let year = try year(name) else { throw .badParameter(name, "es obligatorio") }
        return year
    }

    /// An activity report's days: `year=`, `period=` (`2024`, `2024-T1`, `2024-S2`) or
    /// `from=`/`to=`, exactly one of them.
    func period() throws(APIError) -> ReportPeriod {
        let year = try year()
        let chosen = ReportPeriod.choose(
            year: year, period: try string("period", maxLength: 10), from: try string("from", maxLength: 10),
            to: try string("to", maxLength: 10), currentYear: Self.currentYear)
        switch chosen {
        case .success(let period?): return period
        case .success(nil): throw .badParameter("year", "indique year, period o from y to")
        case .failure(let problem): throw .badParameter("period", problem.description)
        }
    }

    /// `by=sexo,orden,entidad,publico`: the breakdowns asked for, none when absent.
    func breakdowns() throws(APIError) -> [Breakdown] {
        // `by=sexo,orden`, or repeated as a page's checkboxes send it (`by=sexo&by=orden`).
        let given = request.uri.queryParameters.getAll("by").map { String($0) }.filter { !$0.isEmpty }
        guard !given.isEmpty else { return [] }
        guard given.count <= Breakdown.allCases.count else { throw .badParameter("by", "demasiados desgloses") }
        for value in given { try BodyText.checkQuery("by", value, limit: 64) }
        let text = given.joined(separator: ",")
        switch Breakdown.list(text) {
        case .success(let list): return list
        case .failure(let problem): throw .badParameter("by", problem.description)
        }
    }
}

extension ImportReport {
    /// The report of a body that is one record (a group or a headcount sent as JSON): it has no
    /// lines, so each problem names only its field.
    init(fieldsOf outcome: ImportOutcome) {
        self.init(outcome)
        rejected = rejected.map {
            var issue = $0
            issue.line = 0
            return issue
        }
    }
}

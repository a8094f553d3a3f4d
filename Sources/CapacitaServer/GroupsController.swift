import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaPDF
import CapacitaStore
import CapacitaXLSX
import Foundation
import Hummingbird

/// Groups: shared listings, a CSV of groups or one group as JSON, and a group's roster.
struct GroupsController {
    let store: SharedStore
    let configuration: ServerConfiguration
    /// Where PDFs are drawn: off the pooled connection and the server's threads.
    let documents: BoundedWork

    func add(to routes: RouteTable) {
        routes.post("/v1/groups", roles: [.admin, .enlace]) { request, context, identity in
            let dryRun = try Query(request).bool("dry_run")
            let isJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
            let outcome = try await store.importUpload(
                request, configuration, fallbackName: "grupos.csv", limit: isJSON ? 1 << 20 : nil, as: identity,
                reading: isJSON ? { try InputFile(bytes: try Self.csvOfOneGroup($0), name: "grupo.json") } : nil
            ) { input, connection in
                try FileImports(connection: connection).groups(input, ranBy: identity.user, dryRun: dryRun)
            }
            return Responses.report(isJSON ? ImportReport(fieldsOf: outcome) : ImportReport(outcome))
        }
        routes.get("/v1/groups", roles: .everyone) { request, context, identity in
            let query = Query(request)
            let period = try query.period()
            let agency = try await store.agencyCode(try query.string("agency"), parameter: "agency", as: identity)
            let table = try await store.run(as: identity) {
                GroupTable.table(try GroupStore(connection: $0).list(period: period, agency: agency))
            }
            return try Responses.table(table, request, sheet: "grupos")
        }
        routes.get("/v1/groups/:code", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let listing = try await store.run(as: identity) {
                try GroupStore(connection: $0).group(code: code)
            }
            guard let listing else { throw APIError.notFound("el grupo") }
            return Responses.record(GroupTable.record(listing), request)
        }
        routes.get("/v1/groups/:code/roster", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let report = try await store.run(as: identity) { connection in
                guard let report = try ReportLoader(connection: connection).group(code: code) else {
                    throw APIError.notFound("el grupo")
                }
                return RosterReport(report)
            }
            return try Responses.report(report, request)
        }
        routes.get("/v1/groups/:code/sessions", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let sessions = try await store.run(as: identity) {
                try GroupSessionStore(connection: $0).list(group: code)
            }
            guard let sessions else { throw APIError.notFound("el grupo") }
            return try Responses.table(SessionTable.table(sessions), request, sheet: "sesiones")
        }
        // The lista de asistencia of a day's sessions, one page set per session: the Secretaría
        // Técnica, the enlace of the organizing agency and the group's instructors; for anyone
        // else the group is not there (404), as it is for a day without a session.
        routes.get("/v1/groups/:code/sessions/:date/lista.pdf", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let raw = try context.parameters.require("date")
            guard raw.utf8.count <= 10, let date = CalendarDate.parse(raw) else { throw APIError.notFound("la sesión") }
            return try await Self.attendanceSheet(
                store, documents, identity, code: code, date: date, blankRows: try Self.blankRows(Query(request)))
        }
        // The sessions file of one group: the Secretaría Técnica, and the enlace of the agency that
        // organizes it; for any other enlace the group is not there (404), before the body is read.
        routes.put("/v1/groups/:code/sessions", roles: [.admin, .enlace]) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let dryRun = try Query(request).bool("dry_run")
            let organizer = try await store.run(as: identity) {
                try GroupStore(connection: $0).group(code: code)?.group.agencyCode
            }
            guard let organizer, identity.role == .admin || organizer == identity.agency else {
                throw APIError.notFound("el grupo")
            }
            let outcome = try await store.importUpload(
                request, configuration, fallbackName: "sesiones-\(code).csv", limit: Self.sessionsBodyLimit,
                as: identity
            ) { input, connection in
                try FileImports(connection: connection).sessions(
                    input, ranBy: identity.user, dryRun: dryRun, group: code)
            }
            return Responses.report(ImportReport(outcome))
        }
    }

    /// The PDF of `code`'s lists on `date` for `identity`; 404 for a group out of reach or a day
    /// without a session. The lists are read, the connection goes back to the pool, and the PDF is
    /// drawn on one of `documents`' threads (never the server's). The API and the group page answer
    /// through it.
    static func attendanceSheet(
        _ store: SharedStore, _ documents: BoundedWork, _ identity: Identity, code: String, date: CalendarDate,
        blankRows: Int
    ) async throws -> Response {
        let loaded = try await store.run(as: identity) { connection in
            try AttendanceSheetLoader(connection: connection).sheets(group: code, date: date, blankRows: blankRows)
        }
        let sheets: [AttendanceSheet]
        switch loaded {
        case .noGroup: throw APIError.notFound("el grupo")
        case .noSession: throw APIError.notFound("la sesión")
        case .sheets(let found): sheets = found
        }
        let bytes = try await documents.run { Result { try AttendanceSheetPDF.render(sheets) } }.get()
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: Responses.attachment("lista-\(code)-\(date)", extension: "pdf"),
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `?blank_rows=`: the blank rows after the participants, `AttendanceSheet.defaultBlankRows`
    /// when not given.
    static func blankRows(_ query: Query) throws(APIError) -> Int {
        guard let text = try query.string("blank_rows", maxLength: 3) else { return AttendanceSheet.defaultBlankRows }
        guard let value = Int(text), (0...AttendanceSheet.blankRowLimit).contains(value) else {
            throw .badParameter("blank_rows", "un número de 0 a \(AttendanceSheet.blankRowLimit)")
        }
        return value
    }

    /// A group's sessions file: a row a session, a few dozen bytes each; a mebibyte is years of
    /// daily sessions.
    static let sessionsBodyLimit: Int64 = 1 << 20

    /// One group as JSON (the groups file's column names as keys) made into the one-row CSV the
    /// groups import reads, so both go through the same checks and messages.
    static func csvOfOneGroup(_ file: URL) throws -> [UInt8] {
        let data = try Data(contentsOf: file)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw APIError(.badRequest, "invalid_json", "el cuerpo debe ser un objeto JSON con los campos del grupo")
        }
        let known = Set(GroupFile.columns.map(\.name))
        var keys: [String] = []
        var values: [String] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard known.contains(key) else {
                throw APIError(
                    .badRequest, "invalid_json",
                    "campo desconocido; válidos: \(known.sorted().joined(separator: ", "))",
                    details: ["field": String(key.prefix(40))])
            }
            switch value {
            case let text as String:
                try BodyText.check(key, text, limit: 200)
                values.append(text)
            case let number as NSNumber: values.append(number.stringValue)
            case is NSNull: values.append("")
            default:
                throw APIError(
                    .badRequest, "invalid_json", "cada campo es un texto o un número", details: ["field": key])
            }
            keys.append(key)
        }
        return Array(CSVText.document([keys, values]).utf8)
    }
}

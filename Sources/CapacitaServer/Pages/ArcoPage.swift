import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// ARCO: the Secretaría Técnica's register of requests about personal data (the overdue ones
/// marked), a form to file one and one per open request to move it on or close it, and the
/// download of everything held about a person (access). Anyone else gets the page's 403 before
/// this runs, and the database refuses them again. Forms carry the session's CSRF token and work
/// without JavaScript; a CURP goes in a posted form, never in an address.
extension PagesController {
    struct ArcoView: Sendable {
        struct Line: Sendable {
            var id: Int64
            var kind: String
            var curp: String
            var channel: String
            var receivedOn: String
            var dueOn: String
            var daysLeft: String?
            var overdue: Bool
            var state: String
            var detail: String?
            var outcome: String?
            var open: Bool
        }

        var title = "Solicitudes ARCO"
        var today: String
        var workingDays = ArcoDeadline.workingDays
        var openCount: Int
        var overdueCount: Int
        var lines: [Line]
        var notice: String?
        var problem: String?
    }

    /// The calendar of non-working days, from the seed folder (a few dozen lines, read per page).
    func workingCalendar() throws -> WorkingCalendar {
        guard let data = FileManager.default.contents(atPath: configuration.workingCalendarFile) else {
            throw ServerStartError.seed(configuration.workingCalendarFile, "no existe")
        }
        switch WorkingCalendar.parse([UInt8](data)) {
        case .success(let calendar): return calendar
        case .failure(let issues):
            throw ServerStartError.seed(
                configuration.workingCalendarFile, issues.issues.map(\.description).joined(separator: "; "))
        }
    }

    func arcoPage(
        _ session: SessionStore.Current, notice: String? = nil, problem: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let calendar = try workingCalendar()
        let requests = try await store.run(as: session.identity) {
            try ArcoStore(connection: $0, calendar: calendar).list()
        }
        let today = ArcoStore.today
        let view = ArcoView(
            today: today.description, openCount: requests.filter(\.state.isOpen).count,
            overdueCount: requests.filter { $0.isOverdue(today: today) }.count,
            lines: requests.map { request in
                .init(
                    id: request.id, kind: request.kind.label, curp: request.curp.masked,
                    channel: Labels.value(request.channel.rawValue), receivedOn: request.receivedOn.description,
                    dueOn: request.dueOn.description,
                    daysLeft: request.workingDaysLeft(today: today, calendar: calendar).map(String.init),
                    overdue: request.isOverdue(today: today), state: request.state.label, detail: request.detail,
                    outcome: request.outcome, open: request.state.isOpen)
            }, notice: notice, problem: problem)
        return try page(.arco, PageView(view, signedInHeader(session)), status: status)
    }

    /// POST /arco: a request filed.
    func fileArco(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        func refuse(_ text: String) async throws -> Response {
            try await arcoPage(session, problem: text, status: .unprocessableContent)
        }
        guard let kind = ArcoRequest.Kind(rawValue: form["kind"] ?? "") else {
            return try await refuse("Elija el tipo.")
        }
        guard let channel = ArcoRequest.Channel(rawValue: form["channel"] ?? "escrito"), channel != .participante
        else { return try await refuse("Elija el medio.") }
        let curpText = (form["curp"] ?? "").trimmingCharacters(in: .whitespaces)
        guard curpText.utf8.count <= 40, case .success(let curp) = Curp.parse(curpText) else {
            return try await refuse("La CURP \(Curp.mask(curpText)) no es válida.")
        }
        guard let received = CalendarDate.parse(form["received_on"] ?? ""), received <= ArcoStore.today else {
            return try await refuse("La fecha en que se recibió no es válida (AAAA-MM-DD, hoy o antes).")
        }
        let detail = (form["detail"] ?? "").trimmingCharacters(in: .whitespaces)
        let calendar = try workingCalendar()
        let id: Int64
        do {
            id = try await store.run(as: session.identity) {
                try ArcoStore(connection: $0, calendar: calendar).file(
                    kind: kind, curp: curp, received: received, detail: detail.isEmpty ? nil : detail,
                    channel: channel)
            }
        } catch let problem as ArcoStore.Problem {
            return try await refuse(problem.description.prefix(1).uppercased() + problem.description.dropFirst() + ".")
        }
        let due = ArcoDeadline.due(receivedOn: received, calendar: calendar)
        return try await arcoPage(session, notice: "Solicitud \(id) registrada; vence el \(due.spanishLong).")
    }

    /// POST /arco/estado: a request moved on or closed.
    func arcoState(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        guard let id = Int64(form["id"] ?? ""), let state = ArcoRequest.State(rawValue: form["state"] ?? ""),
            state != .recibida
        else { return try await arcoPage(session, problem: "Elija el nuevo estado.", status: .unprocessableContent) }
        let outcome = (form["outcome"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            try await store.run(as: session.identity) {
                try ArcoStore(connection: $0, calendar: WorkingCalendar()).setState(
                    id, to: state, outcome: outcome.isEmpty ? nil : outcome)
            }
        } catch let problem as ArcoStore.Problem {
            let text = problem.description.prefix(1).uppercased() + problem.description.dropFirst() + "."
            return try await arcoPage(
                session, problem: text, status: problem == .notFound ? .notFound : .unprocessableContent)
        }
        return try await arcoPage(session, notice: "Solicitud \(id): \(state.label).")
    }

    /// POST /arco/exportar: everything held about a person, as a workbook or JSON download.
    func exportPerson(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        let curpText = (form["curp"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let curp: Curp
        if curpText.utf8.count <= 40, case .success(let parsed) = Curp.parse(curpText) {
            curp = parsed
        } else if SurrogateCurp.isSurrogate(curpText) {
            curp = Curp(stored: curpText)
        } else {
            return try await arcoPage(
                session, problem: "La CURP \(Curp.mask(curpText)) no es válida.", status: .unprocessableContent)
        }
        let export = try await store.run(as: session.identity) {
            try PersonalDataStore(connection: $0).export(curp: curp)
        }
        if export.isEmpty {
            return try await arcoPage(session, notice: "capacita no tiene datos de la CURP \(curp.masked).")
        }
        if form["format"] == "json" {
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                    .contentDisposition: Responses.attachment(export.fileName, extension: "json"),
                ],
                body: .init(byteBuffer: ByteBuffer(string: export.json + "\n")))
        }
        var response = try Responses.workbook(export.workbook, name: export.fileName)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

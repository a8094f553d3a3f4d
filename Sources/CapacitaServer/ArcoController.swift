import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// A person's data on request, through the API, for the Secretaría Técnica only (anyone else gets
/// the 404 of a route that is not theirs, and the database refuses them again):
/// `GET /v1/personas/{curp}/export?format=json|xlsx` (everything held about the person, as
/// `capacita persona export` writes it), and the register of requests: `GET /v1/arco` (with the
/// overdue ones marked), `POST /v1/arco` (file one; its deadline computed from the calendar of
/// non-working days), `POST /v1/arco/{id}/state` (en proceso, or closed with what was done). The
/// request log holds the route's pattern, never the CURP in the path.
struct ArcoController {
    let store: SharedStore
    let calendar: WorkingCalendar

    struct NewRequest: Decodable {
        var kind: String
        var curp: String
        /// YYYY-MM-DD; today (Mexico City) when absent.
        var receivedOn: String?
        var channel: String?
        var detail: String?

        enum CodingKeys: String, CodingKey {
            case kind, curp, channel, detail
            case receivedOn = "received_on"
        }
    }

    struct Filed: Encodable {
        var id: Int64
        var dueOn: String

        enum CodingKeys: String, CodingKey {
            case id
            case dueOn = "due_on"
        }
    }

    struct NewState: Decodable {
        var state: String
        var outcome: String?
    }

    func add(to routes: RouteTable) {
        let calendar = self.calendar
        routes.get("/v1/personas/:curp/export", roles: [.admin]) { request, context, identity in
            let curp = try Self.curp(try context.parameters.require("curp"))
            let format: OutputFormat
            switch try Query(request).string("format", maxLength: 10)?.lowercased() {
            case nil: format = Responses.wantsXLSX(request) ? .xlsx : .json
            case "json": format = .json
            case "xlsx": format = .xlsx
            default: throw APIError.badParameter("format", "json o xlsx")
            }
            let export = try await Self.mapped {
                try await store.run(as: identity) { try PersonalDataStore(connection: $0).export(curp: curp) }
            }
            switch export.rendered(format) {
            case .workbook(let document): return try Responses.workbook(document, name: export.fileName)
            case .text(let text): return Responses.json(text)
            }
        }
        routes.get("/v1/arco", roles: [.admin]) { request, _, identity in
            let open = try Query(request).bool("open")
            let requests = try await store.run(as: identity) {
                try ArcoStore(connection: $0, calendar: calendar).list(openOnly: open)
            }
            return try Responses.table(
                ArcoTable.table(requests, today: ArcoStore.today, calendar: calendar), request, sheet: "ARCO")
        }
        routes.post("/v1/arco", roles: [.admin]) { request, _, identity in
            let body = try await EnrollmentsController.decode(NewRequest.self, request)
            guard let kind = ArcoRequest.Kind(rawValue: body.kind) else {
                throw APIError(
                    .unprocessableContent, "bad_kind", "kind: acceso, rectificacion, cancelacion u oposicion")
            }
            guard let channel = ArcoRequest.Channel(rawValue: body.channel ?? "escrito"), channel != .participante
            else { throw APIError(.unprocessableContent, "bad_channel", "channel: escrito, correo o pnt") }
            guard let curp = try AccountsController.curp(body.curp) else {
                throw APIError(.unprocessableContent, "bad_curp", "curp: es obligatoria")
            }
            var day = ArcoStore.today
            if let text = body.receivedOn {
                guard text.utf8.count <= 10, let given = CalendarDate.parse(text) else {
                    throw APIError(.unprocessableContent, "bad_date", "received_on: AAAA-MM-DD")
                }
                day = given
            }
            let received = day
            if let detail = body.detail { try BodyText.check("detail", detail, limit: ArcoRequest.textLimit) }
            let id = try await Self.mapped {
                try await store.run(as: identity) {
                    try ArcoStore(connection: $0, calendar: calendar).file(
                        kind: kind, curp: curp, received: received, detail: body.detail, channel: channel)
                }
            }
            let due = ArcoDeadline.due(receivedOn: received, calendar: calendar)
            return Responses.json(Filed(id: id, dueOn: due.description), status: .created)
        }
        routes.post("/v1/arco/:id/state", roles: [.admin]) { request, context, identity in
            guard let id = Int64(try context.parameters.require("id")), id > 0 else {
                throw APIError.notFound("la solicitud")
            }
            let body = try await EnrollmentsController.decode(NewState.self, request)
            guard let state = ArcoRequest.State(rawValue: body.state), state != .recibida else {
                throw APIError(.unprocessableContent, "bad_state", "state: en_proceso, atendida o improcedente")
            }
            if let outcome = body.outcome { try BodyText.check("outcome", outcome, limit: ArcoRequest.textLimit) }
            let found = try await Self.mapped {
                try await store.run(as: identity) { connection -> ArcoRequest? in
                    let register = ArcoStore(connection: connection, calendar: calendar)
                    try register.setState(id, to: state, outcome: body.outcome)
                    return try register.find(id)
                }
            }
            guard let found else { throw APIError.notFound("la solicitud") }
            return try Responses.table(
                ArcoTable.table([found], today: ArcoStore.today, calendar: calendar), request, sheet: "ARCO")
        }
    }

    /// A CURP in the path: checked in full (a cancelled person's surrogate is taken too); anything
    /// else answers as a person of whom nothing is held would not: 404, naming nothing.
    static func curp(_ text: String) throws(APIError) -> Curp {
        guard text.utf8.count <= 40 else { throw APIError.notFound("la persona") }
        switch Curp.parse(text) {
        case .success(let curp): return curp
        case .failure:
            let upper = text.uppercased()
            guard SurrogateCurp.isSurrogate(upper) else {
                throw APIError(.unprocessableContent, "bad_curp", "la CURP \(Curp.mask(text)) no es válida")
            }
            return Curp(stored: upper)
        }
    }

    /// The stores' refusals as the API's errors.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let problem as PersonalDataStore.Problem {
            switch problem {
            case .notAllowed: throw APIError.notFound("ruta")
            case .noSuchPerson: throw APIError(.notFound, problem.key, problem.description)
            default: throw APIError(.unprocessableContent, problem.key, problem.description)
            }
        } catch let problem as ArcoStore.Problem {
            switch problem {
            case .notAllowed: throw APIError.notFound("ruta")
            case .notFound: throw APIError(.notFound, problem.key, problem.description)
            case .closed: throw APIError(.conflict, problem.key, problem.description)
            case .invalid: throw APIError(.unprocessableContent, problem.key, problem.description)
            }
        }
    }
}

extension ServerConfiguration {
    /// The non-working days of the ARCO deadlines: in the seed folder, beside the tier table.
    var workingCalendarFile: String {
        URL(fileURLWithPath: tiersFile).deletingLastPathComponent()
            .appendingPathComponent(URL(fileURLWithPath: WorkingCalendar.seedFile).lastPathComponent).path
    }

    /// How long personal data is kept: in the seed folder, beside the tier table.
    var retentionPolicyFile: String {
        URL(fileURLWithPath: tiersFile).deletingLastPathComponent()
            .appendingPathComponent(URL(fileURLWithPath: RetentionPolicy.seedFile).lastPathComponent).path
    }
}

import Capacita
import Foundation
import Postgres

/// The register of ARCO requests (db/migrations/0037, `arco_request`): each request with its kind,
/// the CURP it names, when it was received, its legal deadline (computed here from `calendar`:
/// `ArcoDeadline`), its state and what was done. Read by the Secretaría Técnica only (row-level
/// security); filed and moved on through definer functions that audit each act with the request's
/// number, never the CURP. The participant's own page files through `file(…, channel: .participante)`
/// acting for no one.
public struct ArcoStore: Sendable {
    public let connection: Connection
    /// The non-working days the deadlines are counted with.
    public let calendar: WorkingCalendar

    public init(connection: Connection, calendar: WorkingCalendar) {
        self.connection = connection
        self.calendar = calendar
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAllowed
        case notFound
        case closed
        case invalid(String)

        public var key: String {
            switch self {
            case .notAllowed: "not_allowed"
            case .notFound: "not_found"
            case .closed: "request_closed"
            case .invalid: "invalid"
            }
        }

        public var description: String {
            switch self {
            case .notAllowed: "el registro de solicitudes es de la Secretaría Técnica"
            case .notFound: "no hay una solicitud con ese número"
            case .closed: "la solicitud ya está cerrada (atendida o improcedente)"
            case .invalid(let message): message
            }
        }
    }

    /// Files a request received on `received`; its number. Its deadline is the 20th working day
    /// after it (`ArcoDeadline`), by this store's calendar.
    @discardableResult
    public func file(
        kind: ArcoRequest.Kind, curp: Curp, received: CalendarDate, detail: String?,
        channel: ArcoRequest.Channel
    ) throws -> Int64 {
        let text = detail?.trimmingSpaces()
        if let text, let problem = CellText.textProblem(text, limit: ArcoRequest.textLimit) {
            throw Problem.invalid("la descripción: \(problem)")
        }
        let due = ArcoDeadline.due(receivedOn: received, calendar: calendar)
        do {
            guard
                let id = try connection.query(
                    "SELECT arco_request_file($1, $2, $3::date, $4::date, $5, $6)",
                    [kind.rawValue, curp.value, received.description, due.description, channel.rawValue, text]
                ).scalar(Int64.self)
            else { throw Problem.invalid("la solicitud no se registró") }
            return id
        } catch let error as PostgresError {
            throw Self.problem(error)
        }
    }

    /// Moves a request on (en proceso) or closes it (atendida, improcedente) with what was done,
    /// which closing requires.
    public func setState(_ id: Int64, to state: ArcoRequest.State, outcome: String?) throws {
        guard state != .recibida else { throw Problem.invalid("una solicitud no vuelve a «recibida»") }
        let text = outcome?.trimmingSpaces()
        if let text, let problem = CellText.textProblem(text, limit: ArcoRequest.textLimit) {
            throw Problem.invalid("lo que se hizo: \(problem)")
        }
        if !state.isOpen, (text ?? "").isEmpty {
            throw Problem.invalid("al cerrar una solicitud diga lo que se hizo (--outcome)")
        }
        do {
            guard
                try connection.query(
                    "SELECT arco_request_set_state($1, $2, $3)", [id, state.rawValue, text]
                ).scalar(Bool.self) == true
            else { throw Problem.notFound }
        } catch let error as PostgresError {
            throw Self.problem(error)
        }
    }

    /// The requests the caller reads (the Secretaría Técnica: all; anyone else: none), the open
    /// ones first by their deadline, then the closed ones, newest first. `openOnly` leaves the
    /// closed out.
    public func list(openOnly: Bool = false, limit: Int = 1000) throws -> [ArcoRequest] {
        try connection.query(
            """
            SELECT id, kind, curp, channel, received_on::text AS received_on, due_on::text AS due_on, detail, state,
                   outcome, filed_by, closed_by, (closed_at AT TIME ZONE 'America/Mexico_City')::date::text AS closed_on
            FROM arco_request
            WHERE NOT $1 OR closed_at IS NULL
            ORDER BY closed_at IS NOT NULL, CASE WHEN closed_at IS NULL THEN due_on END, id DESC
            LIMIT $2
            """, [openOnly, min(max(limit, 1), 10_000)]
        ).map(Self.request)
    }

    public func find(_ id: Int64) throws -> ArcoRequest? {
        try connection.query(
            """
            SELECT id, kind, curp, channel, received_on::text AS received_on, due_on::text AS due_on, detail, state,
                   outcome, filed_by, closed_by, (closed_at AT TIME ZONE 'America/Mexico_City')::date::text AS closed_on
            FROM arco_request WHERE id = $1
            """, [id]
        ).map(Self.request).first
    }

    static func request(_ row: Row) throws -> ArcoRequest {
        func day(_ column: String) throws -> CalendarDate {
            guard let date = CalendarDate.parse(try row.decode(column, as: String.self)) else {
                throw PostgresError.decoding(column: column, type: "date", value: nil)
            }
            return date
        }
        guard let kind = ArcoRequest.Kind(rawValue: try row.decode("kind")),
            let state = ArcoRequest.State(rawValue: try row.decode("state")),
            let channel = ArcoRequest.Channel(rawValue: try row.decode("channel"))
        else { throw PostgresError.decoding(column: "kind", type: "ArcoRequest", value: nil) }
        return ArcoRequest(
            id: try row.decode("id"), kind: kind, curp: Curp(stored: try row.decode("curp")), channel: channel,
            receivedOn: try day("received_on"), dueOn: try day("due_on"), detail: try row.decode("detail"),
            state: state, outcome: try row.decode("outcome"), filedBy: try row.decode("filed_by"),
            closedBy: try row.decode("closed_by"),
            closedOn: try row.decode("closed_on", as: String?.self).flatMap(CalendarDate.parse))
    }

    static func problem(_ error: PostgresError) -> any Error {
        switch error.sqlState {
        case "42501": return Problem.notAllowed
        case "CA001": return Problem.closed
        case "22023", "23514": return Problem.invalid("la solicitud tiene un valor que no se admite")
        default: return error
        }
    }

    /// Today in Mexico City: the register's days (received, due) are the office's.
    public static var today: CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Mexico_City") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(clamping: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}

import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation
import Hummingbird
import NIOHTTP1
import Postgres

/// Every error the service answers: `{"error": {"code", "message", "details"}}`, a stable English
/// code for programs and a Spanish message for people. Nothing in it carries a full CURP, a token
/// or a person's name.
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [String: String]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public static let unauthorized = APIError(
        .unauthorized, "unauthorized", "falta un token válido (Authorization: Bearer …), o fue revocado o venció")

    /// Missing, or outside the caller's scope: the two are not told apart.
    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not_found", "no se encontró \(what)")
    }

    public static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, "invalid_parameter", "\(name): \(message)", details: ["parameter": name])
    }

    public static func tooLarge(limit: Int64) -> APIError {
        APIError(
            .contentTooLarge, "body_too_large",
            "el cuerpo pasa del límite de \(limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(limit >> 10) KB"); divídalo en partes",
            details: ["limit_bytes": String(limit)])
    }

    public static func unsupported(_ message: String) -> APIError {
        APIError(.unsupportedMediaType, "unsupported_media_type", message)
    }

    public static let unavailable = APIError(
        .serviceUnavailable, "unavailable",
        "la base de datos no responde o está ocupada; intente de nuevo en unos segundos")

    /// A body that arrived too slowly or took too long (see `BodyPace`).
    public static let bodyTimeout = APIError(
        .requestTimeout, "body_timeout",
        "el archivo llegó demasiado lento o tardó más de lo permitido; envíelo de nuevo con una conexión estable")

    /// Seconds a client is told to wait before trying again after a 503.
    static let retryAfterSeconds = 5

    /// The headers every answer of this error carries besides its body: when to try again after a
    /// 503, the scheme after a 401.
    var extraHeaders: HTTPFields {
        var headers: HTTPFields = [:]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if status == .serviceUnavailable { headers[.retryAfter] = String(Self.retryAfterSeconds) }
        return headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: extraHeaders)
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: JSONOutput.string(Body(error: self)) + "\n")))
    }

    private struct Body: Encodable {
        var error: APIError
    }
}

extension APIError: Encodable {
    enum CodingKeys: String, CodingKey { case code, message, details }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(details, forKey: .details)
    }
}

extension APIError {
    /// What the store and the database threw, as the service answers it.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: return error
        case let error as HTTPError where error.status == .contentTooLarge:
            return APIError(.contentTooLarge, "body_too_large", "el cuerpo de la petición es demasiado grande")
        case let error as HTTPError where error.status == .notFound:
            return .notFound("la ruta")
        case let error as HTTPError where error.status.code < 500:
            return APIError(error.status, "bad_request", "petición no válida")
        // A request the connection's HTTP parser could not finish (a body cut short, the channel
        // closed for idleness mid-body): the client's fault, never the service's.
        case is HTTPParserError:
            return APIError(.badRequest, "bad_request", "la petición HTTP llegó incompleta o mal formada")
        case is PoolError: return .unavailable
        // The request's task was cancelled (its client left, or the service is stopping): nobody
        // reads this answer, and it is no fault of the service's.
        case is CancellationError: return .unavailable
        // A list longer than a sheet holds: the same list comes whole as CSV or JSON.
        case WorkbookWriteError.tooManyRows(let sheet, let rows):
            return APIError(
                .unprocessableContent, "too_many_rows_for_workbook",
                "la hoja «\(sheet)» tendría \(rows) filas y un libro admite \(XLSXBook.maxRows); pídala como CSV (Accept: text/csv)"
            )
        case let error as InputFileError:
            switch error {
            case .notText, .noSuchSheet: return .unsupported(error.description)
            case .unreadable: return nil
            }
        case let error as PostgresError:
            switch error {
            case .connectionFailed, .connectionLost, .protocolFailure: return .unavailable
            case .server(let server):
                // Shutdown, too many connections, a cancelled statement: the database, not the request.
                if error.isConnectionFailure || server.sqlState.hasPrefix("57") || server.sqlState == "53300" {
                    return .unavailable
                }
                // Two requests raced (a deadlock, a serialization failure): the client may retry.
                if server.sqlState == "40001" || server.sqlState == "40P01" { return .unavailable }
                // The same row written by two requests at once.
                if server.sqlState == SQLState.uniqueViolation {
                    return APIError(
                        .conflict, "conflict", "otra petición escribió lo mismo al mismo tiempo; intente de nuevo")
                }
                // A value the checks let through and the database could not store (out of range).
                if server.sqlState.hasPrefix("22") {
                    return APIError(
                        .unprocessableContent, "invalid_value", "un valor está fuera del rango que se puede guardar")
                }
                // Row-level security refused a write the store's own checks let through.
                if server.sqlState == "42501" {
                    return APIError(
                        .notFound, "not_found", "no se encontró lo pedido entre lo que su token puede ver o cambiar")
                }
                return nil
            default: return nil
            }
        default: return nil
        }
    }
}

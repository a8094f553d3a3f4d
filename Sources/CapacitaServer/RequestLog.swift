import CapacitaStore
import Foundation
import Hummingbird
import Logging
import Mustache

/// The outermost middleware: names the caller from the bearer token, turns every error into the
/// service's error shape, and writes one structured line per request (request id, method, route
/// pattern, status, milliseconds, token name). The line holds the route's pattern, never the
/// path itself, so no CURP, code or name typed into a URL reaches the log; nor does a token.
/// An error on a page route is answered with a page (`library`'s message page), not JSON.
struct RequestLog: RouterMiddleware {
    typealias Context = APIContext
    let store: Store
    let logger: Logger
    var library: MustacheLibrary?

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        var context = context
        var response: Response
        do {
            if Authentication.isProtected(request.uri.path) {
                var identity: Identity
                (identity, context.reportVersion) = try await Authentication.identity(of: request, store: store)
                // The audit rows this request writes carry the id its log line carries.
                identity.request = context.id
                context.identity = identity
            }
            response = try await next(request, context)
        } catch {
            response = Self.response(for: error, request: request, context: context, logger: logger, library: library)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[.init("X-Request-Id")!] = context.id
        logger.info(
            "request",
            metadata: [
                "request_id": .string(context.id), "method": .string(request.method.rawValue),
                "route": .string(context.endpointPath ?? "unmatched"),
                "status": .stringConvertible(response.status.code),
                "ms": .string(String(format: "%.1f", milliseconds)), "token": .string(context.identity?.user ?? "-"),
            ])
        return response
    }

    static func response(
        for error: any Error, request: Request, context: APIContext, logger: Logger, library: MustacheLibrary? = nil
    ) -> Response {
        let known = APIError.from(error)
        if known == nil {
            // The type only: a store error's text may quote a value from the request.
            logger.error(
                "unexpected error",
                metadata: ["request_id": .string(context.id), "type": .string("\(type(of: error))")])
        }
        let answer =
            known
            ?? APIError(
                .internalServerError, "internal", "error interno; el registro del servicio lo guarda con este número",
                details: ["request_id": context.id])
        if let library, Self.isPage(request.uri.path),
            let page = PagesController.errorPage(answer, library: library)
        {
            return page
        }
        return (try? answer.response(from: request, context: context))
            ?? Response(status: .internalServerError)
    }

    /// Whether a path is a page's, for a person in a browser: everything but the API (/v1/…),
    /// /health and the OpenAPI document. Decided on segments as the router reads them.
    static func isPage(_ path: String) -> Bool {
        guard let first = path.split(separator: "/").first else { return true }
        return first != "v1" && first != "health" && !first.hasPrefix("openapi.")
    }
}

enum Authentication {
    /// Every /v1 route but the public verification of a constancia takes a bearer token.
    /// Decided on the path's segments as the router reads them (it skips empty ones: `//v1/x`).
    static func isProtected(_ path: String) -> Bool {
        let segments = path.split(separator: "/")
        guard segments.first == "v1" else { return false }
        return !(segments.count == 4 && segments[1] == "constancias" && segments[2] == "verify")
    }

    /// Whom the request's token stands for, read from PostgreSQL on every request: a token revoked
    /// or expired through any instance is refused by every instance at once.
    static func identity(of request: Request, store: Store) async throws -> (Identity, TokenStore.ReportVersion) {
        guard let header = request.headers[.authorization], header.utf8.count < 300 else {
            throw APIError.unauthorized
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix(TokenStore.prefix) else { throw APIError.unauthorized }
        // The report version comes in the same statement, for a report kept from an earlier request.
        let (identity, version) = try await store.run(as: nil) {
            try TokenStore(connection: $0).identityAndReportVersion(for: token)
        }
        guard let identity else { throw APIError.unauthorized }
        return (identity, version)
    }
}

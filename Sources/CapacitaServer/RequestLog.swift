import CapacitaStore
import Foundation
import Hummingbird
import Logging
import Mustache

/// The outermost middleware but the security headers: turns every error into the service's error
/// shape, and writes one structured line per request (request id, method, route pattern, status,
/// milliseconds, and who asked: `user`, an account's e-mail or a token's name, and `account`, the
/// account's id). The line holds the route's pattern, never the path itself, so no CURP, code or
/// name typed into a URL reaches the log; nor does a token's secret. Who is asking is not decided
/// here: `BearerAuthentication` and `SessionAuthentication` name the caller, inside this
/// middleware, and leave them for the line. An error on a page route is answered with a page (`library`'s
/// message page), not JSON.
struct RequestLog: RouterMiddleware {
    typealias Context = APIContext
    let logger: Logger
    var library: MustacheLibrary?
    /// The instance's metrics: each request counted by route pattern and status, and its handlers
    /// given them (`ServiceMetrics.current`) for what they count.
    var metrics: ServiceMetrics?

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await ServiceMetrics.$current.withValue(metrics) { try await next(request, context) }
        } catch {
            response = Self.response(for: error, request: request, context: context, logger: logger, library: library)
        }
        let elapsed = ContinuousClock.now - started
        metrics?.request(
            route: context.endpointPath, method: request.method.rawValue, status: Int(response.status.code),
            duration: elapsed)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[.init("X-Request-Id")!] = context.id
        logger.info(
            "request",
            metadata: [
                "request_id": .string(context.id), "method": .string(request.method.rawValue),
                "route": .string(context.endpointPath ?? "unmatched"),
                "status": .stringConvertible(response.status.code),
                "ms": .string(String(format: "%.1f", milliseconds)), "user": .string(context.caller.value?.user ?? "-"),
                "account": .string(context.caller.value?.account.map(String.init) ?? "-"),
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

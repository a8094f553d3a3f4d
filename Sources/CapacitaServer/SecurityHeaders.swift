import HTTPTypes
import Hummingbird

/// The outermost middleware: every answer but the public, personal-data-free ones (the
/// stylesheet, `/health`, the OpenAPI document) is `Cache-Control: no-store`, so no browser or
/// proxy keeps a roster, a report or a download; and every answer is `X-Content-Type-Options:
/// nosniff`, so a browser never reads a CSV or JSON body as HTML. Set once here, not per route.
/// It wraps `RequestLog`, which has already turned errors into answers.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = APIContext

    static let noSniff = HTTPField.Name("X-Content-Type-Options")!

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.noSniff] = "nosniff"
        // A route that says how it may be kept (the stylesheet) keeps its own rule.
        if response.headers[.cacheControl] == nil, !Self.isPublic(request.uri.path) {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }

    /// The routes whose answers hold no personal data, by the path's segments as the router reads
    /// them (it skips empty ones).
    static func isPublic(_ path: String) -> Bool {
        let segments = path.split(separator: "/")
        guard segments.count == 1 else { return false }
        return ["health", "openapi.json", "openapi.yaml", "estilo.css"].contains(segments[0])
    }
}

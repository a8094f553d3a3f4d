import Hummingbird

/// Adds routes to the router and remembers each one, so a test can compare the service's routes
/// with the OpenAPI document's paths (the router keeps no list it would show).
final class RouteTable {
    typealias Handler = @Sendable (Request, APIContext) async throws -> Response
    let router: Router<APIContext>
    private(set) var routes: [(method: String, path: String)] = []

    init(router: Router<APIContext>) {
        self.router = router
    }

    func get(_ path: String, _ handler: @escaping Handler) { add(.get, path, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { add(.post, path, handler) }
    func put(_ path: String, _ handler: @escaping Handler) { add(.put, path, handler) }

    private func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        router.on(RouterPath(path), method: method, use: handler)
        routes.append((method.rawValue, Self.openAPIPath(path)))
    }

    /// `/v1/groups/:code` as OpenAPI writes it: `/v1/groups/{code}`.
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
        }.joined(separator: "/")
    }
}

import CapacitaStore
import Hummingbird

/// The API's routes, each with the roles it admits, declared once where the route is added
/// (`routes.post("/v1/enrollments", roles: [.admin, .enlace]) { request, context, caller in … }`),
/// from the access table (docs/service.md, «Routes»). The roles are checked here, in one place,
/// after `BearerAuthentication` has named the caller; a handler gets the caller already checked.
/// The table remembers every route, so tests can compare it with the OpenAPI document and with
/// the documented access table (the router keeps no list it would show).
final class RouteTable {
    typealias Handler = @Sendable (Request, APIContext, Identity) async throws -> Response
    typealias PublicHandler = @Sendable (Request, APIContext) async throws -> Response

    struct Route {
        var method: HTTPRequest.Method
        /// As the router reads it: `/v1/groups/:code`.
        var path: String
        /// nil: public, no token.
        var roles: Set<Identity.Role>?
    }

    static let apiPrefix = "/v1"
    private let router: Router<APIContext>
    /// Every route under /v1 that takes a token: behind `BearerAuthentication`.
    private let api: RouterGroup<APIContext>
    private(set) var routes: [Route] = []

    init(router: Router<APIContext>, store: SharedStore) {
        self.router = router
        api = router.group(RouterPath(Self.apiPrefix)).add(middleware: BearerAuthentication(store: store))
    }

    func get(_ path: String, roles: Set<Identity.Role>, _ handler: @escaping Handler) {
        add(.get, path, roles, handler)
    }
    func post(_ path: String, roles: Set<Identity.Role>, _ handler: @escaping Handler) {
        add(.post, path, roles, handler)
    }
    func put(_ path: String, roles: Set<Identity.Role>, _ handler: @escaping Handler) {
        add(.put, path, roles, handler)
    }
    func delete(_ path: String, roles: Set<Identity.Role>, _ handler: @escaping Handler) {
        add(.delete, path, roles, handler)
    }

    /// A route for anyone, without a token: /health, the OpenAPI document, a constancia's verification.
    func get(public path: String, _ handler: @escaping PublicHandler) {
        router.on(RouterPath(path), method: .get, use: handler)
        routes.append(Route(method: .get, path: path, roles: nil))
    }

    /// A public POST: a PDF checked against the constancias issued (`POST /v1/constancias/verify/{code}`).
    func post(public path: String, _ handler: @escaping PublicHandler) {
        router.on(RouterPath(path), method: .post, use: handler)
        routes.append(Route(method: .post, path: path, roles: nil))
    }

    private func add(
        _ method: HTTPRequest.Method, _ path: String, _ roles: Set<Identity.Role>, _ handler: @escaping Handler
    ) {
        precondition(path.hasPrefix(Self.apiPrefix + "/"), "a route that takes a token is under /v1")
        api.on(RouterPath(String(path.dropFirst(Self.apiPrefix.count))), method: method) { request, context in
            try await handler(request, context, try Self.admit(context, roles))
        }
        routes.append(Route(method: method, path: path, roles: roles))
    }

    /// The one place a route's roles are checked. A role the route is not for gets 404, as a
    /// resource outside the caller's scope: the service never tells the two apart from what does
    /// not exist.
    static func admit(_ context: APIContext, _ roles: Set<Identity.Role>) throws(APIError) -> Identity {
        guard let identity = context.identity else { throw .unauthorized }
        guard roles.contains(identity.role) else { throw .notFound("ruta") }
        return identity
    }

    /// Once every route is added: a request under /v1 that matches no route (an unknown path, or a
    /// method the path does not take) is authenticated too, so it answers 401 without a valid
    /// token and 404 with one, as every /v1 path but the public one always has. A group's
    /// middleware runs only for the routes added to it: these routes are what the router finds
    /// for such a request. The log names no route for them ("unmatched").
    func closeAPI() {
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options]
        let taken = Set(routes.map { "\($0.method.rawValue) \($0.path)" })
        let publicPaths = Set(routes.filter { $0.roles == nil }.map(\.path))
        var prefixes: [String] = [Self.apiPrefix, Self.apiPrefix + "/**"]
        for route in routes where route.path.hasPrefix(Self.apiPrefix + "/") {
            let segments = route.path.split(separator: "/")
            for count in 2...segments.count {
                let prefix = "/" + segments.prefix(count).joined(separator: "/")
                if !prefixes.contains(prefix) { prefixes.append(prefix) }
            }
        }
        for prefix in prefixes where !publicPaths.contains(prefix) {
            for method in methods where !taken.contains("\(method.rawValue) \(prefix)") {
                api.on(RouterPath(String(prefix.dropFirst(Self.apiPrefix.count))), method: method) {
                    _, context -> Response in
                    context.coreContext.endpointPath.value = nil
                    throw HTTPError(.notFound)
                }
            }
        }
    }

    /// `/v1/groups/:code` as OpenAPI writes it: `/v1/groups/{code}`.
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
        }.joined(separator: "/")
    }
}

extension Set where Element == Identity.Role {
    /// Every role: the access table's "all".
    static var everyone: Self { Set(Identity.Role.allCases) }
}

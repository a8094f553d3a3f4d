import CapacitaStore
import Hummingbird

/// The pages' routes, each with the roles it admits declared where it is added, as the API's are
/// (`RouteTable`): the public ones (the sign-in form, the stylesheet, a constancia's verification)
/// and the signed-in ones, a group behind `SessionAuthentication`. The roles are checked here;
/// a role a page is not for gets the «Sin acceso» page (403), as it always has.
final class PageRoutes {
    typealias Handler = @Sendable (Request, APIContext, SessionStore.Current) async throws -> Response
    typealias PublicHandler = @Sendable (Request, APIContext) async throws -> Response

    private let open: RouterGroup<APIContext>
    private let signedIn: RouterGroup<APIContext>
    private let pages: PagesController
    private(set) var routes: [RouteTable.Route] = []

    init(router: Router<APIContext>, pages: PagesController) {
        self.pages = pages
        open = router.group()
        signedIn = router.group().add(middleware: SessionAuthentication(pages: pages))
    }

    func get(_ path: String, roles: Set<Identity.Role>, _ handler: @escaping Handler) {
        add(.get, path, roles, handler)
    }
    func post(_ path: String, roles: Set<Identity.Role>, _ handler: @escaping Handler) {
        add(.post, path, roles, handler)
    }
    func get(public path: String, _ handler: @escaping PublicHandler) { add(.get, path, handler) }
    func post(public path: String, _ handler: @escaping PublicHandler) { add(.post, path, handler) }

    /// Paths a signed-in person may type that name no page (an upload of a kind that does not
    /// exist): the «no encontrada» page with the person's own header, not a bare 404. Not listed.
    func notFound(_ paths: [String], method: HTTPRequest.Method) {
        let pages = self.pages
        for path in paths {
            signedIn.on(RouterPath(path), method: method) { _, context in
                guard let session = context.session else { return PagesController.redirect("/entrar") }
                return try pages.notFound(session)
            }
        }
    }

    private func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping PublicHandler) {
        open.on(RouterPath(path), method: method, use: handler)
        routes.append(RouteTable.Route(method: method, path: path, roles: nil))
    }

    private func add(
        _ method: HTTPRequest.Method, _ path: String, _ roles: Set<Identity.Role>, _ handler: @escaping Handler
    ) {
        let pages = self.pages
        signedIn.on(RouterPath(path), method: method) { request, context in
            // `SessionAuthentication` has run: a request without a session never gets here.
            guard let session = context.session else { return PagesController.redirect("/entrar") }
            guard roles.contains(session.identity.role) else { return try pages.notYours(session) }
            return try await handler(request, context, session)
        }
        routes.append(RouteTable.Route(method: method, path: path, roles: roles))
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// The web pages under `/` (issue #16), server-rendered from the templates in Pages/Templates
/// (swift-mustache: logic-less, HTML-escaped by default) and working without JavaScript.
/// A person signs in with their token once; a session cookie stands for it after. The same roles
/// and scopes as the API: every read goes through the store as the signed-in identity, under
/// row-level security.
struct PagesController {
    let store: Store
    let library: MustacheLibrary
    let limiter: RateLimiter
    /// How long a session lasts without signing in again.
    let sessionLifetime: Duration

    static let sessionCookie = "capacita_sesion"
    /// The sign-in form's CSRF token, set with the form (a session does not exist yet).
    static let signInCookie = "capacita_entrada"
    static let formLimit = 8 << 10

    /// The templates, from the resources of this module.
    static func library() async throws -> MustacheLibrary {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw ServerStartError.seed("Pages/Templates", "no se encontraron las plantillas")
        }
        return try await MustacheLibrary(directory: folder)
    }

    static func stylesheet() throws -> String {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Templates/estilo.css"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { throw ServerStartError.seed("Pages/Templates/estilo.css", "no existe") }
        return text
    }

    func add(to router: Router<APIContext>) throws {
        let css = try Self.stylesheet()
        router.get("/estilo.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        router.get("/entrar") { request, _ in
            try signInPage(request, problem: nil, status: .ok)
        }
        router.post("/entrar") { request, _ in
            try await signIn(request)
        }
        router.post("/salir") { request, _ in
            try await signOut(request)
        }
        signedIn(router, "/") { request, _, session in try await home(request, session) }
        signedIn(router, "/parametro") { request, _, session in try await indicator(request, session) }
        signedIn(router, "/cobertura") { request, _, session in try await coverage(request, session) }
        signedIn(router, "/grupos/:code") { _, context, session in try await group(context, session) }
        router.get("/verificar/:code") { request, context in
            try await verify(request, context)
        }
    }

    /// A page for a signed-in person; without a valid session, the sign-in form.
    func signedIn(
        _ router: Router<APIContext>, _ path: RouterPath,
        _ render: @escaping @Sendable (Request, APIContext, SessionStore.Current) async throws -> Response
    ) {
        router.get(path) { request, context in
            guard let session = try await session(request) else { return Self.redirect("/entrar") }
            return try await render(request, context, session)
        }
    }
}

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
    let configuration: ServerConfiguration
    let tiers: TierTable
    /// Files previewed and not yet confirmed, per session.
    let pending: PendingUploads
    /// Mints and checks the sign-in form's CSRF tokens, with the key read at start.
    let signInForms: SignInForms
    /// How long a session lasts without signing in again.
    var sessionLifetime: Duration { configuration.sessionLifetime }

    init(
        store: Store, library: MustacheLibrary, limiter: RateLimiter, configuration: ServerConfiguration,
        tiers: TierTable, signInForms: SignInForms
    ) {
        self.store = store
        self.signInForms = signInForms
        self.library = library
        self.limiter = limiter
        self.configuration = configuration
        self.tiers = tiers
        self.pending = PendingUploads(
            uploadFolder: configuration.uploadFolder, lifetime: configuration.pendingUploadLifetime)
    }

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
        router.post("/entrar") { request, context in
            try await signIn(request, context)
        }
        router.post("/salir") { request, _ in
            try await signOut(request)
        }
        signedIn(router, "/") { request, _, session in try await home(request, session) }
        signedIn(router, "/parametro") { request, _, session in try await indicator(request, session) }
        signedIn(router, "/cobertura") { request, _, session in try await coverage(request, session) }
        signedIn(router, "/grupos/:code") { request, context, session in try await group(request, context, session) }
        signedIn(router, "/eventos") { request, _, session in try await events(request, session) }
        signedIn(router, "/fichas") { request, _, session in try await fichas(request, session) }
        signedIn(router, "/subir/:tipo") { _, context, session in
            guard let kind = Self.kind(context) else { return try notFound(session) }
            return try await uploadForm(kind, session)
        }
        signedIn(router, "/subir/:tipo/plantilla") { _, context, session in
            guard let kind = Self.kind(context) else { return try notFound(session) }
            return try await uploadTemplate(kind, session)
        }
        signedIn(router, "/subir/:tipo/rechazadas/:huella") { request, context, session in
            guard let kind = Self.kind(context) else { return try notFound(session) }
            return try await uploadRejected(kind, context, session, secret: Self.secret(request))
        }
        signedIn(router, "/subir/:tipo", method: .post) { request, context, session in
            guard let kind = Self.kind(context) else { return try notFound(session) }
            return try await uploadPreview(kind, request, session, secret: Self.secret(request))
        }
        signedIn(router, "/subir/:tipo/confirmar", method: .post) { request, context, session in
            guard let kind = Self.kind(context) else { return try notFound(session) }
            return try await uploadConfirm(kind, request, session, secret: Self.secret(request))
        }
        router.get("/verificar/:code") { request, context in
            try await verify(request, context)
        }
    }

    /// A page for a signed-in person; without a valid session, the sign-in form.
    /// A form posted without a session writes nothing: the sign-in form instead.
    func signedIn(
        _ router: Router<APIContext>, _ path: RouterPath, method: HTTPRequest.Method = .get,
        _ render: @escaping @Sendable (Request, APIContext, SessionStore.Current) async throws -> Response
    ) {
        router.on(path, method: method) { request, context in
            guard let session = try await session(request) else { return Self.redirect("/entrar") }
            return try await render(request, context, session)
        }
    }

    static func kind(_ context: APIContext) -> UploadKind? {
        context.parameters.get("tipo").flatMap(UploadKind.init(rawValue:))
    }

    /// The session cookie's secret (a signed-in route has one).
    static func secret(_ request: Request) -> String { cookies(request)[sessionCookie] ?? "" }

    func notFound(_ session: SessionStore.Current) throws -> Response {
        try message(
            session, title: "Página no encontrada", "No hay una página con esa dirección a su alcance.",
            status: .notFound)
    }
}

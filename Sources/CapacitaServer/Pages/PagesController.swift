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
/// A person signs in with their account; a session cookie stands for it after. The same roles
/// and scopes as the API: every read goes through the store as the signed-in identity, under
/// row-level security.
struct PagesController {
    let store: SharedStore
    let library: MustacheLibrary
    let limiter: RateLimiter
    let configuration: ServerConfiguration
    let tiers: TierTable
    /// Files previewed and not yet confirmed, per session.
    let pending: PendingUploads
    /// Mints and checks the sign-in form's CSRF tokens, with the key read at start.
    let signInForms: SignInForms
    /// Passwords and second factors, and how accounts behave.
    let security: AccountSecurity
    /// Where PDFs are drawn, shared with the API.
    let documents: BoundedWork
    /// The programme indicators' published and programmed figures, read at start.
    let figures: ProgrammeFigures
    /// How long a session lasts without signing in again.
    var sessionLifetime: Duration { configuration.sessionLifetime }

    init(
        store: SharedStore, library: MustacheLibrary, limiter: RateLimiter, configuration: ServerConfiguration,
        tiers: TierTable, signInForms: SignInForms, accounts: AccountSettings, documents: BoundedWork,
        figures: ProgrammeFigures
    ) {
        self.store = store
        self.figures = figures
        self.documents = documents
        self.signInForms = signInForms
        self.security = AccountSecurity(settings: accounts)
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
        let library = try await MustacheLibrary(directory: folder)
        try checkTemplates(library)
        return library
    }

    /// Every template a page renders is in the library: one missing stops the start, not a request.
    static func checkTemplates(_ library: MustacheLibrary) throws {
        try checkTemplates { library.getTemplate(named: $0) != nil }
    }

    /// The check on names: `present` says whether the library has a template of that name.
    static func checkTemplates(present: (String) -> Bool) throws {
        let missing = PageTemplate.required.filter { !present($0) }
        guard missing.isEmpty else {
            throw ServerStartError.seed(
                "Pages/Templates", "faltan las plantillas " + missing.map { "\($0).mustache" }.joined(separator: ", "))
        }
    }

    static func stylesheet() throws -> String {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Templates/estilo.css"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { throw ServerStartError.seed("Pages/Templates/estilo.css", "no existe") }
        return text
    }

    /// Who may upload what, as the access table says: people enrolled by the Secretaría Técnica
    /// and enlaces, results recorded by the Secretaría Técnica and instructors, headcounts written
    /// by the Secretaría Técnica. The upload pages' routes are declared from it, and Inicio links
    /// the ones a role may use.
    static let uploadRoles: [(kind: UploadKind, roles: Set<Identity.Role>)] = [
        (.inscripcion, [.admin, .enlace]), (.resultados, [.admin, .instructor]), (.plantillas, [.admin]),
    ]

    /// Adds every page, each with the roles it admits (`PageRoutes` checks them), and returns
    /// the list, for the test that compares it with docs/pages.md.
    func add(to router: Router<APIContext>) throws -> [RouteTable.Route] {
        let css = try Self.stylesheet()
        let routes = PageRoutes(router: router, pages: self)
        routes.get(public: "/estilo.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        routes.get(public: "/entrar") { request, _ in
            try signInPage(request, problem: nil, status: .ok)
        }
        routes.post(public: "/entrar") { request, context in
            try await signIn(request, context)
        }
        // Accounts (issue #27): the code after the password, the two-factor enrollment, the
        // invitation's and the reset's forms; public, each checks its own link or pending session.
        routes.get(public: "/entrar/codigo") { request, _ in try await codePage(request, problem: nil, status: .ok) }
        routes.post(public: "/entrar/codigo") { request, _ in try await codeSubmitted(request) }
        routes.get(public: "/dos-pasos") { request, _ in try await enrollPage(request, problem: nil, status: .ok) }
        routes.post(public: "/dos-pasos") { request, _ in try await enrollSubmitted(request) }
        routes.get(public: "/invitacion") { request, _ in try await passwordForm(.invitation, request) }
        routes.post(public: "/invitacion") { request, context in
            try await passwordSubmitted(.invitation, request, context)
        }
        routes.get(public: "/contrasena") { request, _ in
            try publicForm(.olvido, ForgotView(), request, status: .ok)
        }
        routes.post(public: "/contrasena") { request, context in try await forgotSubmitted(request, context) }
        routes.get(public: "/contrasena/nueva") { request, _ in try await passwordForm(.passwordReset, request) }
        routes.post(public: "/contrasena/nueva") { request, context in
            try await passwordSubmitted(.passwordReset, request, context)
        }
        // A participant's own page (ParticipantPages.swift): public, each checks its own link or
        // participant session (not an account's).
        routes.get(public: "/mis-constancias") { request, _ in try await participantHome(request) }
        routes.post(public: "/mis-constancias") { request, context in
            try await participantLinkRequested(request, context)
        }
        routes.get(public: "/mis-constancias/entrar") { request, _ in try await participantLinkPage(request) }
        routes.post(public: "/mis-constancias/entrar") { request, context in
            try await participantSignIn(request, context)
        }
        routes.post(public: "/mis-constancias/solicitud") { request, _ in try await participantFile(request) }
        routes.get(public: "/mis-constancias/constancias/{folio}.pdf") { request, context in
            try await participantPDF(request, context)
        }
        routes.post(public: "/mis-constancias/salir") { request, _ in try await participantSignOut(request) }
        // Without a session it goes back to the form: signing out needs no role.
        routes.post(public: "/salir") { request, _ in
            try await signOut(request)
        }
        routes.get("/", roles: .everyone) { request, _, session in try await home(request, session) }
        routes.get("/sesiones", roles: .everyone) { request, _, session in try await sessionsPage(request, session) }
        routes.post("/sesiones/terminar", roles: .everyone) { request, _, session in
            try await endSession(request, session)
        }
        routes.get("/tokens", roles: .everyone) { request, _, session in try await accessTokensPage(request, session) }
        routes.post("/tokens", roles: .everyone) { request, _, session in
            try await createAccessToken(request, session)
        }
        routes.post("/tokens/revocar", roles: .everyone) { request, _, session in
            try await revokeAccessToken(request, session)
        }
        routes.get("/cuentas", roles: [.admin, .enlace]) { _, _, session in try await accountsPage(session) }
        routes.post("/cuentas", roles: [.admin, .enlace]) { request, _, session in try await invite(request, session) }
        routes.post("/cuentas/estado", roles: [.admin]) { request, _, session in
            try await accountState(request, session)
        }
        routes.get("/parametro", roles: .everyone) { request, _, session in try await indicator(request, session) }
        routes.get("/cobertura", roles: .everyone) { request, _, session in try await coverage(request, session) }
        routes.get("/grupos/:code", roles: .everyone) { request, context, session in
            try await group(request, context, session)
        }
        routes.get("/grupos/:code/sesiones/:fecha/lista.pdf", roles: .everyone) { request, context, session in
            try await attendanceSheet(request, context, session)
        }
        // Scanned signed lists (EvidencePages.swift): attached by whoever reaches the group's scans
        // (an instructor of the group too), downloaded and removed by the Secretaría Técnica and
        // the organizing enlace.
        routes.post("/grupos/:code/sesiones/:fecha/evidencia", roles: .everyone) { request, context, session in
            try await attachEvidence(request, context, session)
        }
        routes.get("/evidencia/:id", roles: [.admin, .enlace]) { _, context, session in
            try await downloadEvidence(context, session)
        }
        routes.post("/evidencia/:id/quitar", roles: [.admin, .enlace]) { request, context, session in
            try await removeEvidence(request, context, session)
        }
        routes.get("/grupos/:code/constancias.zip", roles: .everyone) { _, context, session in
            try await constanciasZip(context, session)
        }
        routes.get("/constancias/{folio}.pdf", roles: .everyone) { _, context, session in
            try await constanciaPDF(context, session)
        }
        // A group's sessions given on its page: the Secretaría Técnica and the organizing enlace
        // (GroupPage.saveSessions answers anyone else the page's 404).
        routes.post("/grupos/:code/sesiones", roles: [.admin, .enlace]) { request, context, session in
            try await saveSessions(request, context, session)
        }
        // The attendance register: its keepers only, the page's 404 for anyone else (AttendancePage).
        routes.get("/grupos/:code/asistencia", roles: .everyone) { request, context, session in
            try await attendancePage(request, context, session)
        }
        routes.post("/grupos/:code/asistencia", roles: .everyone) { request, context, session in
            try await saveAttendance(request, context, session)
        }
        routes.get("/eventos", roles: .everyone) { request, _, session in try await events(request, session) }
        routes.get("/cursos/:code", roles: .everyone) { request, context, session in
            try await course(request, context, session)
        }
        // The programme indicators' cards (ProgrammeIndicatorPages.swift): national figures, for everyone.
        routes.get("/meta41", roles: .everyone) { request, _, session in try await meta41Page(request, session) }
        routes.get("/acciones", roles: .everyone) { request, _, session in try await actionsPage(request, session) }
        routes.get("/fichas", roles: .everyone) { request, _, session in try await fichas(request, session) }
        routes.get("/multiplicadores", roles: [.admin, .enlace]) { request, _, session in
            try await multipliers(request, session)
        }
        // Requests about personal data and a person's export (ArcoPage.swift): the Secretaría Técnica.
        routes.get("/arco", roles: [.admin]) { _, _, session in try await arcoPage(session) }
        routes.post("/arco", roles: [.admin]) { request, _, session in try await fileArco(request, session) }
        routes.post("/arco/estado", roles: [.admin]) { request, _, session in try await arcoState(request, session) }
        routes.post("/arco/exportar", roles: [.admin]) { request, _, session in try await exportPerson(request, session)
        }
        for (kind, roles) in Self.uploadRoles {
            let base = "/subir/\(kind.rawValue)"
            routes.get(base, roles: roles) { _, _, session in try await uploadForm(kind, session) }
            routes.get(base + "/plantilla", roles: roles) { _, _, session in try await uploadTemplate(kind, session) }
            routes.get(base + "/rechazadas/:huella", roles: roles) { request, context, session in
                try await uploadRejected(kind, context, session, secret: Self.secret(request))
            }
            routes.post(base, roles: roles) { request, _, session in
                try await uploadPreview(kind, request, session, secret: Self.secret(request))
            }
            routes.post(base + "/confirmar", roles: roles) { request, _, session in
                try await uploadConfirm(kind, request, session, secret: Self.secret(request))
            }
        }
        // Any other kind of upload: no such page, for whoever is signed in.
        routes.notFound(["/subir/:tipo", "/subir/:tipo/plantilla", "/subir/:tipo/rechazadas/:huella"], method: .get)
        routes.notFound(["/subir/:tipo", "/subir/:tipo/confirmar"], method: .post)
        routes.get(public: "/verificar/:code") { request, context in
            try await verify(request, context)
        }
        routes.post(public: "/verificar/:code") { request, context in
            try await verifyUpload(request, context)
        }
        return routes.routes
    }

    /// The session cookie's secret (a signed-in route has one).
    static func secret(_ request: Request) -> String { cookies(request)[sessionCookie] ?? "" }

    func notFound(_ session: SessionStore.Current) throws -> Response {
        try message(
            session, title: "Página no encontrada", "No hay una página con esa dirección a su alcance.",
            status: .notFound)
    }
}

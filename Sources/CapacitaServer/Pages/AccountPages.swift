import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// The pages an account reaches without being signed in (its invitation, a forgotten password)
/// and the two-factor enrollment. Their forms carry the sign-in form's CSRF tokens (one use, a
/// cookie beside them), and every post counts against the client address's limit, so a link
/// cannot be guessed by trying.
extension PagesController {
    /// A form with a fresh CSRF token and its cookie.
    func publicForm(_ template: PageTemplate, _ view: some Sendable, _ request: Request, status: HTTPResponse.Status)
        throws -> Response
    {
        let csrf = signInForms.issue(lifetime: Self.signInFormLifetime)
        var response = try page(template, PageView(view, PublicForm(formCSRF: csrf)), status: status)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, csrf, request)))
        return response
    }

    struct PublicForm: Sendable {
        var formCSRF: String
    }

    /// The post's token when it is the cookie's and one this service issued, not expired.
    func verifiedForm(_ request: Request, _ form: [String: String]) -> SignInForms.Verified? {
        guard let sent = form["csrf"], let expected = Self.cookies(request)[Self.signInCookie], !sent.isEmpty,
            Self.same(sent, expected)
        else { return nil }
        return signInForms.verify(sent)
    }

    /// A link's secret from `?t=` or the form's `t`.
    static func linkSecret(_ request: Request, _ form: [String: String]? = nil) -> String {
        form?["t"] ?? request.uri.queryParameters.get("t") ?? ""
    }

    struct PasswordView: Sendable {
        var title: String
        var lead: String
        var action: String
        var link: String
        var email: String
        var name: String?
        var askName: Bool
        var problem: String?
        var minimum: Int
    }

    func passwordView(_ kind: AccountStore.LinkKind, holder: AccountStore.LinkHolder, link: String, problem: String?)
        -> PasswordView
    {
        let invitation = kind == .invitation
        return PasswordView(
            title: invitation ? "Activar su cuenta" : "Nueva contraseña",
            lead: invitation
                ? "Confirme su nombre y elija una contraseña para entrar a capacita."
                : "Elija una contraseña nueva. Al guardarla se cierran sus otras sesiones.",
            action: invitation ? "/invitacion" : "/contrasena/nueva", link: link, email: holder.email,
            name: invitation ? holder.name : nil, askName: invitation, problem: problem,
            minimum: security.settings.passwordPolicy.minimumLength)
    }

    func linkExpired() throws -> Response {
        let view = MessageView(
            title: "Enlace no válido",
            message:
                "El enlace ya se usó, venció o no existe. Pida otro a quien le invitó, o use «¿Olvidó su contraseña?».",
            link: "/entrar", linkText: "Ir a la página para entrar")
        return try page(.mensaje, PageView(view), status: .notFound)
    }

    /// GET /invitacion and /contrasena/nueva: the form, while the link is good.
    func passwordForm(_ kind: AccountStore.LinkKind, _ request: Request) async throws -> Response {
        let link = Self.linkSecret(request)
        guard
            let holder = try await store.run(as: nil, { try AccountStore(connection: $0).peek(link: link, kind: kind) })
        else { return try linkExpired() }
        return try publicForm(
            .contrasena, passwordView(kind, holder: holder, link: link, problem: nil), request, status: .ok)
    }

    /// POST: the password checked against the policy, hashed, and set through the link (once).
    func passwordSubmitted(_ kind: AccountStore.LinkKind, _ request: Request, _ context: APIContext) async throws
        -> Response
    {
        let form = try await Self.form(request)
        guard let issued = verifiedForm(request, form) else { return try forbidden() }
        let link = Self.linkSecret(request, form)
        let keys = [SignInThrottle.addressKey(context.remoteAddress ?? "local")]
        let limits = signInLimits
        let admitted = try await store.run(as: nil) { connection in
            try connection.withTransaction { connection in
                try SessionStore.admit(form: issued, keys: keys, limits: limits, connection) {
                    try AccountStore(connection: connection).peek(link: link, kind: kind)
                }
            }
        }
        let holder: AccountStore.LinkHolder
        switch admitted {
        case .forgedForm: return try forbidden()
        case .throttled(let seconds): return try throttled(request, seconds: seconds)
        case .admitted(nil): return try linkExpired()
        case .admitted(let found?): holder = found
        }
        let password = form["password"] ?? ""
        let name = kind == .invitation ? (form["name"] ?? holder.name).trimmingCharacters(in: .whitespaces) : nil
        if kind == .invitation, name?.isEmpty ?? true || (name?.count ?? 0) > 200 {
            let view = passwordView(
                kind, holder: holder, link: link, problem: "Escriba su nombre (a lo más 200 caracteres).")
            return try publicForm(.contrasena, view, request, status: .unprocessableContent)
        }
        if let problem = security.settings.passwordPolicy.check(
            password, confirmation: form["confirmation"] ?? "", email: holder.email, name: name ?? holder.name)
        {
            let view = passwordView(kind, holder: holder, link: link, problem: problem.description)
            return try publicForm(.contrasena, view, request, status: .unprocessableContent)
        }
        let hash = try await security.hash(password)
        let used = try await store.run(as: nil) { connection in
            try connection.withTransaction { connection -> Int64? in
                let id = try AccountStore(connection: connection).use(
                    link: link, kind: kind, passwordHash: hash, name: name)
                if id != nil { try SignInThrottle(connection: connection).succeeded(keys) }
                return id
            }
        }
        guard used != nil else { return try linkExpired() }
        let view = MessageView(
            title: kind == .invitation ? "Cuenta activada" : "Contraseña cambiada",
            message: kind == .invitation
                ? "Su cuenta está lista. Entre con su correo y su contraseña."
                : "Su contraseña cambió y sus otras sesiones se cerraron. Entre con la nueva.",
            link: "/entrar", linkText: "Entrar")
        return try page(.mensaje, PageView(view), status: .ok)
    }

    struct ForgotView: Sendable {
        var title = "¿Olvidó su contraseña?"
        var sent: Bool?
    }

    /// POST /contrasena: a reset link by e-mail when the address has an account; the same answer
    /// either way. Each request counts against the client address's limit.
    func forgotSubmitted(_ request: Request, _ context: APIContext) async throws -> Response {
        let form = try await Self.form(request)
        guard let issued = verifiedForm(request, form) else { return try forbidden() }
        let email = form["email"] ?? ""
        let keys = [SignInThrottle.addressKey(context.remoteAddress ?? "local")]
        let limits = signInLimits
        let lifetime = security.settings.resetLifetime
        let settings = security.settings
        let admitted = try await store.run(as: nil) { connection in
            try connection.withTransaction { connection in
                try SessionStore.admit(form: issued, keys: keys, limits: limits, connection) {
                    try AccountStore(connection: connection).requestReset(
                        email: email, lifetime: lifetime, link: settings.resetLink)
                }
            }
        }
        switch admitted {
        case .forgedForm: return try forbidden()
        case .throttled(let seconds): return try throttled(request, seconds: seconds)
        case .admitted: return try publicForm(.olvido, ForgotView(sent: true), request, status: .ok)
        }
    }

    struct EnrollView: Sendable {
        var title = "Verificación en dos pasos"
        var csrf: String
        var qr: String?
        var key: String
        var required: Bool
        var problem: String?
    }

    struct RecoveryView: Sendable {
        var title = "Códigos de recuperación"
        var codes: [String]
    }

    /// GET /dos-pasos: the secret as a QR code and as text, and the form for its first code. An
    /// unconfirmed secret is shown again, so reloading the page does not undo a scan.
    func enrollPage(_ request: Request, problem: String?, status: HTTPResponse.Status) async throws -> Response {
        guard let factor = try await factor(request) else { return Self.redirect("/entrar") }
        if factor.confirmed {
            return try message(
                nil, title: "Verificación en dos pasos", "Su cuenta ya usa verificación en dos pasos.", status: .ok)
        }
        let session = Self.secret(request)
        var secret = factor.totpSecret ?? ""
        if factor.totpSecret == nil {
            secret = AccountSecurity.newTOTPSecret()
            let kept = secret
            guard
                try await store.run(
                    as: nil, { try AccountSessions(connection: $0).beginTwoFactor(session: session, totpSecret: kept) })
            else { return Self.redirect("/entrar") }
        }
        let enrollment = AccountSecurity.enrollment(secret: secret, email: factor.email)
        let view = EnrollView(
            csrf: factor.csrf, qr: QRCode.svg(enrollment.uri), key: enrollment.key,
            required: security.settings.needsTwoFactor(factor.role), problem: problem)
        return try page(.dosPasos, PageView(view), status: status)
    }

    /// POST /dos-pasos: the first code confirms the secret; the ten recovery codes are shown once;
    /// a session that owed its second factor becomes a full one.
    func enrollSubmitted(_ request: Request) async throws -> Response {
        guard let factor = try await factor(request), !factor.confirmed, let secret = factor.totpSecret else {
            return Self.redirect("/entrar")
        }
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, factor.csrf) else { return try forbidden() }
        guard let step = AccountSecurity.step(of: form["code"] ?? "", secret: secret) else {
            return try await enrollPage(
                request, problem: "El código no es correcto; revise la hora de su teléfono.",
                status: .unprocessableContent)
        }
        let session = Self.secret(request)
        let codes = AccountSessions.newRecoveryCodes()
        let lifetime = sessionLifetime
        // One transaction: the secret, the recovery codes and the session's promotion stand or
        // fall together, so codes never shown are never kept.
        let done: (secret: String, csrf: String)??
        do {
            done = try await store.run(as: nil) { connection in
                try connection.withTransaction { connection -> (secret: String, csrf: String)?? in
                    let sessions = AccountSessions(connection: connection)
                    guard try sessions.confirmTwoFactor(session: session, recoveryCodes: codes) else { return nil }
                    // The enrollment's code is used: signing in again needs a later one.
                    _ = try sessions.useStep(session: session, step: step)
                    guard factor.pending else { return .some(nil) }
                    guard let rotated = try sessions.rotate(session: session, lifetime: lifetime) else {
                        throw SecondFactorRefused()
                    }
                    return .some(rotated)
                }
            }
        } catch is SecondFactorRefused {
            done = nil
        }
        guard let done else { return Self.redirect("/entrar") }
        var response = try page(.recuperacion, PageView(RecoveryView(codes: codes)), status: .ok)
        if let rotated = done {
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value: cookie(
                        Self.sessionCookie, rotated.secret, request, maxAge: Int(lifetime.components.seconds))))
        }
        return response
    }

    struct SessionsView: Sendable {
        struct Line: Sendable {
            var id: Int64
            var createdAt: String
            var expiresAt: String
            var browser: String
            var current: Bool
        }

        var title = "Mis sesiones"
        var account: Bool
        var lines: [Line]
    }

    /// "Mis sesiones": when and from which browser each of the person's sessions opened.
    func sessionsPage(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let secret = Self.secret(request)
        let lines = try await store.run(as: nil) { try AccountSessions(connection: $0).sessions(session: secret) }
        let view = SessionsView(
            account: session.account != nil,
            lines: lines.map {
                .init(
                    id: $0.id, createdAt: $0.createdAt, expiresAt: $0.expiresAt,
                    browser: $0.userAgent.map { String($0.prefix(120)) } ?? "desconocido", current: $0.current)
            })
        return try page(.sesiones, PageView(view, signedInHeader(session)), status: .ok)
    }

    func endSession(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        let secret = Self.secret(request)
        if let id = form["id"].flatMap({ Int64($0) }) {
            _ = try await store.run(as: nil) { try AccountSessions(connection: $0).end(session: secret, other: id) }
        }
        return Self.redirect("/sesiones")
    }
}

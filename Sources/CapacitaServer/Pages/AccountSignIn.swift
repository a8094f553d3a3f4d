import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// Signing in with an account: e-mail and password, then the code when the account has (or must
/// have) a second factor. Every failure says the same thing, so the form tells no one who has an
/// account; failures count toward the account's lock and the client address's limit, both in
/// PostgreSQL so every instance agrees.
extension PagesController {
    static let wrongCredentials = "Correo o contraseña incorrectos."

    func accountSignIn(
        _ request: Request, _ context: APIContext, form: [String: String], issued: SignInForms.Verified
    ) async throws -> Response {
        let email = form["email"] ?? ""
        let password = form["password"] ?? ""
        let keys = [SignInThrottle.addressKey(context.remoteAddress ?? "local")]
        let limits = signInLimits
        let admitted = try await store.run(as: nil) {
            try AccountSessions(connection: $0).begin(form: issued, email: email, keys: keys, limits: limits)
        }
        let credentials: AccountSessions.Credentials?
        switch admitted {
        case .forgedForm: return try forbidden()
        case .throttled(let seconds): return try throttled(request, seconds: seconds)
        case .admitted(let found): credentials = found
        }
        let right = try await security.verify(password, hash: credentials?.passwordHash)
        guard let credentials, credentials.active, credentials.lockedSeconds == 0, right else {
            // A locked account refuses every password, the right one too, and counts nothing more.
            if let credentials, credentials.active, credentials.lockedSeconds == 0, credentials.passwordHash != nil {
                let rule = security.settings.lock
                _ = try await store.run(as: nil) {
                    try AccountSessions(connection: $0).failed(account: credentials.id, rule)
                }
            }
            return try signInPage(request, problem: Self.wrongCredentials, status: .unauthorized)
        }
        let pending = credentials.twoFactor || security.settings.needsTwoFactor(credentials.role)
        let lifetime = sessionLifetime
        let agent = request.headers[.userAgent]
        let opened = try await store.run(as: nil) { connection in
            try connection.withTransaction { connection in
                let opened = try AccountSessions(connection: connection).open(
                    account: credentials.id, pending: pending, lifetime: lifetime, userAgent: agent)
                if opened != nil { try SignInThrottle(connection: connection).succeeded(keys) }
                return opened
            }
        }
        guard let opened else { return try signInPage(request, problem: Self.wrongCredentials, status: .unauthorized) }
        let next = !pending ? "/" : credentials.twoFactor ? "/entrar/codigo" : "/dos-pasos"
        var response = Self.redirect(next)
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: cookie(Self.sessionCookie, opened.secret, request, maxAge: Int(lifetime.components.seconds))))
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", request, maxAge: 0)))
        return response
    }

    var signInLimits: SignInThrottle.Limits {
        SignInThrottle.Limits(
            failures: max(configuration.signInFailureLimit, 1),
            window: min(max(configuration.signInFailureWindow, .seconds(1)), .seconds(24 * 3600)))
    }

    func throttled(_ request: Request, seconds: Int) throws -> Response {
        let view = MessageView(
            title: "Demasiados intentos",
            message:
                "Hubo demasiados intentos fallidos desde esta dirección. Intente de nuevo en \(Self.minutes(seconds)).",
            link: "/entrar", linkText: "Volver a la página para entrar")
        var response = try page(.mensaje, PageView(view), status: .tooManyRequests)
        response.headers[.retryAfter] = String(seconds)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", request, maxAge: 0)))
        return response
    }

    /// The account behind the request's session cookie, pending (owing its code) or not.
    func factor(_ request: Request) async throws -> AccountSessions.Factor? {
        let secret = Self.secret(request)
        guard !secret.isEmpty else { return nil }
        return try await store.run(as: nil) { try AccountSessions(connection: $0).factor(session: secret) }
    }

    /// The code's form, after the password of an account with two-factor sign-in.
    func codePage(_ request: Request, problem: String?, status: HTTPResponse.Status) async throws -> Response {
        guard let factor = try await factor(request), factor.pending, factor.confirmed else {
            return Self.redirect("/entrar")
        }
        return try page(.codigo, PageView(CodeView(csrf: factor.csrf, problem: problem)), status: status)
    }

    struct CodeView: Sendable {
        var title = "Código de verificación"
        var csrf: String
        var problem: String?
    }

    /// The TOTP code, or one of the recovery codes (used once). A wrong one counts toward the lock.
    /// A right one ends the pending session and opens a new one (a new cookie), in one transaction
    /// with the code's use: a code is used up only by a sign-in that happens.
    func codeSubmitted(_ request: Request) async throws -> Response {
        guard let factor = try await factor(request), factor.pending, factor.confirmed,
            let secret = factor.totpSecret
        else { return Self.redirect("/entrar") }
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, factor.csrf) else { return try forbidden() }
        let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces)
        let session = Self.secret(request)
        let rule = security.settings.lock
        let lifetime = sessionLifetime
        let opened: (secret: String, csrf: String)?
        do {
            opened = try await store.run(as: nil) { connection in
                try connection.withTransaction { connection -> (secret: String, csrf: String)? in
                    let sessions = AccountSessions(connection: connection)
                    // A code already used (replayed within its window) is as wrong as any other; a
                    // locked account uses up none.
                    var right =
                        try AccountSecurity.step(of: code, secret: secret).map {
                            try sessions.useStep(session: session, step: $0)
                        } ?? false
                    if !right, code.count > 6 { right = try sessions.useRecoveryCode(session: session, code: code) }
                    guard right else {
                        try sessions.failed(account: factor.account, rule)
                        return nil
                    }
                    guard let rotated = try sessions.rotate(session: session, lifetime: lifetime) else {
                        throw SecondFactorRefused()
                    }
                    return rotated
                }
            }
        } catch is SecondFactorRefused {
            opened = nil
        }
        guard let opened else {
            return try await codePage(request, problem: "El código no es correcto.", status: .unauthorized)
        }
        return signedIn(request, opened, lifetime: lifetime)
    }

    /// Where a sign-in ends: the new session's cookie, and home.
    func signedIn(_ request: Request, _ opened: (secret: String, csrf: String), lifetime: Duration) -> Response {
        var response = Self.redirect("/")
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: cookie(Self.sessionCookie, opened.secret, request, maxAge: Int(lifetime.components.seconds))))
        return response
    }
}

/// Thrown inside a transaction to undo it: the code was right, but the session could not become a
/// full one (the account was turned off or locked meanwhile).
struct SecondFactorRefused: Error {}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// The sign-in form (accounts sign in through `accountSignIn`), signing out, and the session a
/// request carries (cookies, CSRF, forms).
extension PagesController {
    /// The sign-in form, with a CSRF token that carries its own proof (`SignInForms`): showing it
    /// needs no database and writes nothing; a post is taken only with a token issued by an
    /// instance of this service, not expired, not used before, and the same as its cookie.
    func signInPage(_ request: Request, problem: String?, status: HTTPResponse.Status) throws -> Response {
        let csrf = signInForms.issue(lifetime: Self.signInFormLifetime)
        var response = try page(.entrar, PageView(SignInView(formCSRF: csrf, problem: problem)), status: status)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, csrf, request)))
        return response
    }

    /// The sign-in form: its token, and why the last try failed (nil: the form prints no problem).
    struct SignInView: Sendable {
        var title = "Entrar"
        var formCSRF: String
        var problem: String?
    }

    /// How long a sign-in form may wait to be sent.
    static let signInFormLifetime = Duration.seconds(3600)

    func signIn(_ request: Request, _ context: APIContext) async throws -> Response {
        let form = try await Self.form(request)
        // The form's token must be the one its cookie carries (a page of another site cannot post
        // it) and one this service issued, not expired (a pair made up by the sender is not); that
        // nobody used it yet is checked in the sign-in's transaction.
        guard let sent = form["csrf"], let expected = Self.cookies(request)[Self.signInCookie], !sent.isEmpty,
            Self.same(sent, expected), let issued = signInForms.verify(sent)
        else { return try forbidden() }
        // Only accounts sign in here. A post of the old token field (the form has it no more) is
        // an account sign-in without an e-mail: refused with the one message, counted per address.
        return try await accountSignIn(request, context, form: form, issued: issued)
    }

    /// "1 minuto", "15 minutos": a wait in whole minutes, rounded up.
    static func minutes(_ seconds: Int) -> String {
        let minutes = max(1, (seconds + 59) / 60)
        return minutes == 1 ? "1 minuto" : "\(minutes) minutos"
    }

    func signOut(_ request: Request) async throws -> Response {
        guard let secret = Self.cookies(request)[Self.sessionCookie],
            let session = try await store.run(as: nil, { try SessionStore(connection: $0).current(secret: secret) })
        else { return Self.redirect("/entrar") }
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        // The session's previews go with it, whichever instance kept them.
        try await store.run(as: nil) { connection in
            try SessionStore(connection: connection).close(secret: secret)
            try PendingUploadStore(connection: connection, sessionSecret: secret).removeAll()
        }
        var response = Self.redirect("/entrar")
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, "", request, maxAge: 0)))
        return response
    }

    /// The signed-in session of a request, read from PostgreSQL each time: an account deactivated
    /// through any instance (or the token behind a session opened before accounts, revoked) ends
    /// its sessions at once.
    func session(_ request: Request) async throws -> SessionStore.Current? {
        guard let secret = Self.cookies(request)[Self.sessionCookie] else { return nil }
        return try await store.run(as: nil) { try SessionStore(connection: $0).current(secret: secret) }
    }

    func forbidden() throws -> Response {
        let view = MessageView(
            title: "Formulario vencido",
            message: "El formulario no trae su código de seguridad (CSRF) o ya no es válido; no se escribió nada.")
        return try page(.mensaje, PageView(view), status: .forbidden)
    }
}

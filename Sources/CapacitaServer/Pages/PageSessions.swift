import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// Signing in with a token, signing out, and the session a request carries (cookies, CSRF, forms).
extension PagesController {
    func signInPage(_ request: Request, problem: String?, status: HTTPResponse.Status) throws -> Response {
        let csrf = TokenStore.randomSecret()
        // A value left out, not an optional: Mustache would print an absent optional as «nil».
        var values: [String: Any] = ["title": "Entrar", "formCSRF": csrf]
        if let problem { values["problem"] = problem }
        var response = try page("entrar", values, status: status)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, csrf, request)))
        return response
    }

    func signIn(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        // The form's token must be the one its cookie carries: a page of another site cannot post it.
        guard let sent = form["csrf"], let expected = Self.cookies(request)[Self.signInCookie], !sent.isEmpty,
            Self.same(sent, expected)
        else { return try forbidden() }
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let lifetime = sessionLifetime
        let opened = try await store.run(as: nil) {
            try SessionStore(connection: $0).open(token: token, lifetime: lifetime)
        }
        guard let opened else {
            return try signInPage(
                request, problem: "El token no es válido: no existe, fue revocado o venció.", status: .unauthorized)
        }
        var response = Self.redirect("/")
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: cookie(Self.sessionCookie, opened.secret, request, maxAge: Int(lifetime.components.seconds))))
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", request, maxAge: 0)))
        return response
    }

    func signOut(_ request: Request) async throws -> Response {
        guard let secret = Self.cookies(request)[Self.sessionCookie],
            let session = try await store.run(as: nil, { try SessionStore(connection: $0).current(secret: secret) })
        else { return Self.redirect("/entrar") }
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        try await store.run(as: nil) { try SessionStore(connection: $0).close(secret: secret) }
        pending.removeAll(session: secret)
        var response = Self.redirect("/entrar")
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, "", request, maxAge: 0)))
        return response
    }

    /// The signed-in session of a request, read from PostgreSQL each time: a token revoked through
    /// any instance ends its sessions at once.
    func session(_ request: Request) async throws -> SessionStore.Current? {
        guard let secret = Self.cookies(request)[Self.sessionCookie] else { return nil }
        return try await store.run(as: nil) { try SessionStore(connection: $0).current(secret: secret) }
    }

    func forbidden() throws -> Response {
        try page(
            "mensaje",
            [
                "title": "Formulario vencido",
                "message":
                    "El formulario no trae su código de seguridad (CSRF) o ya no es válido; no se escribió nada.",
                "link": "/", "linkText": "Volver al inicio",
            ], status: .forbidden)
    }
}

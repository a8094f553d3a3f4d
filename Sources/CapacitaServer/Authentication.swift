import CapacitaStore
import Foundation
import Hummingbird

/// The API's door: names the caller from the bearer token, on every route of the API group
/// (every /v1 route but the public verification of a constancia). A request without a valid token
/// is refused with 401 before its route runs; which roles a route admits is checked after, by
/// `RouteTable`, where each route declares them.
struct BearerAuthentication: RouterMiddleware {
    typealias Context = APIContext
    let store: SharedStore

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        var identity: Identity
        (identity, context.reportVersion) = try await Self.identity(of: request, store: store)
        // The audit rows this request writes carry the id its log line carries.
        identity.request = context.id
        context.identity = identity
        context.caller.value = (identity.user, identity.account)
        return try await next(request, context)
    }

    /// Whom the request's token stands for, read from PostgreSQL on every request: a token revoked
    /// or expired through any instance is refused by every instance at once.
    static func identity(of request: Request, store: SharedStore) async throws -> (Identity, TokenStore.ReportVersion) {
        guard let header = request.headers[.authorization], header.utf8.count < 300 else {
            throw APIError.unauthorized
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix(TokenStore.prefix) else { throw APIError.unauthorized }
        // The report version comes in the same statement, for a report kept from an earlier request.
        let (identity, version) = try await store.run(as: nil) {
            try TokenStore(connection: $0).identityAndReportVersion(for: token)
        }
        guard let identity else { throw APIError.unauthorized }
        return (identity, version)
    }
}

/// The signed-in pages' door: the session the cookie stands for, read from PostgreSQL on every
/// request (a token revoked through any instance ends its sessions at once). Without one, the
/// sign-in form; a form posted without a session writes nothing.
struct SessionAuthentication: RouterMiddleware {
    typealias Context = APIContext
    let pages: PagesController

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        guard let session = try await pages.session(request) else { return PagesController.redirect("/entrar") }
        var context = context
        context.session = session
        context.caller.value = (session.identity.user, session.account)
        return try await next(request, context)
    }
}

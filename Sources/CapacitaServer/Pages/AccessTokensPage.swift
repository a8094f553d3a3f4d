import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// "Tokens de acceso": a signed-in person's own API tokens for a program, each with a name and an
/// expiry, acting with that person's role and agency. A new token is shown once, on the answer to
/// the form that made it (no-store, like every page); the list shows only a hint of each.
extension PagesController {
    struct AccessTokensView: Sendable {
        struct Line: Sendable {
            var id: Int64
            var name: String
            var hint: String
            var createdAt: String
            var expiresOn: String
            var state: String
            var live: Bool
        }

        var title = "Tokens de acceso"
        var account: Bool
        var lines: [Line]
        /// The new token, this once.
        var created: String?
        var createdName: String?
        var problem: String?
        var notice: String?
        var defaultExpiry: String
        var maxDays: Int
    }

    func accessTokensPage(
        _ request: Request, _ session: SessionStore.Current, created: (token: String, name: String)? = nil,
        notice: String? = nil, problem: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let secret = Self.secret(request)
        let rules = security.settings.tokens
        let lines = try await store.run(as: nil) { try AccountTokens(connection: $0).list(session: secret) }
        let view = AccessTokensView(
            account: session.account != nil,
            lines: lines.map {
                .init(
                    id: $0.id, name: $0.name, hint: $0.hint, createdAt: $0.createdAt, expiresOn: $0.expiresOn,
                    state: $0.revokedAt.map { "revocado el \($0)" } ?? ($0.live ? "vigente" : "vencido"),
                    live: $0.live)
            }, created: created?.token, createdName: created?.name, problem: problem, notice: notice,
            defaultExpiry: Self.daysAhead(min(90, rules.maxDays)), maxDays: rules.maxDays)
        return try page(.tokens, PageView(view, signedInHeader(session)), status: status)
    }

    func createAccessToken(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        guard let expires = form["vence"].flatMap(CalendarDate.parse) else {
            return try await accessTokensPage(
                request, session, problem: "Escriba el vencimiento como AAAA-MM-DD.", status: .unprocessableContent)
        }
        let secret = Self.secret(request)
        let name = form["nombre"] ?? ""
        let rules = security.settings.tokens
        do {
            let made = try await store.run(as: nil) {
                try AccountTokens(connection: $0).create(session: secret, name: name, expiresOn: expires, rules: rules)
            }
            return try await accessTokensPage(request, session, created: (made.token, name.trimmingSpaces()))
        } catch let problem as AccountTokens.Problem {
            return try await accessTokensPage(
                request, session, problem: problem.description,
                status: problem == .noAccount ? .forbidden : .unprocessableContent)
        }
    }

    func revokeAccessToken(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        let secret = Self.secret(request)
        guard let id = form["id"].flatMap({ Int64($0) }),
            try await store.run(as: nil, { try AccountTokens(connection: $0).revoke(session: secret, id: id) })
        else {
            return try await accessTokensPage(
                request, session, problem: "Ese token no es suyo o ya estaba revocado.", status: .notFound)
        }
        return try await accessTokensPage(request, session, notice: "El token quedó revocado.")
    }

    /// Today plus `days`, as the form's date field writes it (UTC, as the database checks it).
    static func daysAhead(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// Cuentas: the Secretaría Técnica's accounts (an enlace's: their agency's, and the instructors of
/// their groups), an invitation form, and turning an account off or on. What a caller may do is
/// the database's `account_may_manage`; the page only shows its answer in Spanish.
extension PagesController {
    struct AccountsView: Sendable {
        struct Line: Sendable {
            var email: String
            var name: String
            var role: String
            var agency: String?
            var groups: String?
            var active: Bool
            var twoFactor: Bool
            var lastSignIn: String
        }

        struct Role: Sendable {
            var value: String
            var label: String
        }

        struct Invitation: Sendable {
            var email: String
            var name: String
            var groups: String
            var invitedBy: String
            var createdAt: String
        }

        var title = "Cuentas"
        var lines: [Line]
        /// An enlace's invitations of instructors (what they asked; never whether the e-mail had
        /// an account).
        var invitations: [Invitation]
        var roles: [Role]
        var admin: Bool
        var notice: String?
        var problem: String?
    }

    func accountsPage(
        _ session: SessionStore.Current, notice: String? = nil, problem: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let (accounts, invitations) = try await store.run(as: session.identity) {
            (try AccountStore(connection: $0).list(), try AccountStore(connection: $0).invitations())
        }
        let admin = session.identity.role == .admin
        let roles: [Identity.Role] = admin ? [.admin, .enlace, .instructor] : [.instructor]
        let view = AccountsView(
            lines: accounts.map {
                .init(
                    email: $0.email, name: $0.name, role: Labels.value($0.role), agency: $0.agency,
                    groups: $0.groups.isEmpty ? nil : $0.groups.joined(separator: ", "), active: $0.active,
                    twoFactor: $0.twoFactor, lastSignIn: $0.lastSignInAt ?? "nunca")
            },
            invitations: invitations.map {
                .init(
                    email: $0.email, name: $0.name, groups: $0.groups.joined(separator: ", "), invitedBy: $0.invitedBy,
                    createdAt: $0.createdAt)
            },
            roles: roles.map { .init(value: $0.rawValue, label: Labels.value($0.rawValue)) }, admin: admin,
            notice: notice, problem: problem)
        return try page(.cuentas, PageView(view, signedInHeader(session)), status: status)
    }

    /// POST /cuentas: an invitation, by e-mail from the outbox.
    func invite(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        guard let role = Identity.Role(rawValue: form["role"] ?? "") else {
            return try await accountsPage(session, problem: "Elija un rol.", status: .unprocessableContent)
        }
        let identity = session.identity
        let settings = security.settings
        let groups = (form["groups"] ?? "").split { $0 == "," || $0 == " " }.map(String.init).prefix(200)
        let curpText = (form["curp"] ?? "").trimmingCharacters(in: .whitespaces)
        let curp: Curp?
        do {
            curp = try AccountsController.curp(curpText.isEmpty ? nil : curpText)
        } catch {
            return try await accountsPage(
                session, problem: "La CURP no es válida: \(error.message).", status: .unprocessableContent)
        }
        do {
            let agencyText = (form["agency"] ?? "").trimmingCharacters(in: .whitespaces)
            let agency = try await store.agencyCode(
                agencyText.isEmpty ? nil : agencyText, parameter: "instancia", as: identity)
            _ = try await store.run(as: identity) { connection -> Int64 in
                let accounts = AccountStore(connection: connection)
                // An enlace invites instructors to their groups, answered the same for every e-mail.
                if identity.role == .enlace {
                    guard role == .instructor, agency == nil, curp == nil else {
                        throw AccountStore.Problem.notAllowed
                    }
                    return try accounts.inviteInstructor(
                        email: form["email"] ?? "", name: form["name"] ?? "", groups: Array(groups),
                        agencyName: identity.agency ?? "", linkLifetime: settings.invitationLifetime,
                        link: settings.invitationLink, signIn: settings.signInLink, invitedBy: identity.user)
                }
                return try accounts.create(
                    .init(
                        email: form["email"] ?? "", name: form["name"] ?? "", role: role, agency: agency,
                        groups: Array(groups), curp: curp),
                    linkLifetime: settings.invitationLifetime, link: settings.invitationLink, invitedBy: identity.user
                ).id
            }
        } catch let problem as AccountStore.Problem {
            return try await accountsPage(
                session, problem: problem.description.prefix(1).uppercased() + problem.description.dropFirst() + ".",
                status: .unprocessableContent)
        } catch let error as APIError where error.status == .notFound || error.status == .badRequest {
            return try await accountsPage(session, problem: "La instancia no existe.", status: .unprocessableContent)
        }
        return try await accountsPage(session, notice: "Invitación enviada a \((form["email"] ?? "").lowercased()).")
    }

    /// POST /cuentas/estado: an account turned off (its sessions and tokens end) or on.
    func accountState(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        let email = form["email"] ?? ""
        let active = form["active"] == "true"
        let changed: Bool
        do {
            changed = try await store.run(as: session.identity) {
                try AccountStore(connection: $0).setActive(email: email, active)
            }
        } catch AccountStore.Problem.notAllowed {
            changed = false
        }
        guard changed else {
            return try await accountsPage(
                session, problem: "No hay una cuenta a su alcance con ese correo.", status: .notFound)
        }
        return try await accountsPage(
            session, notice: "Cuenta \(email.lowercased()) \(active ? "activada" : "desactivada").")
    }
}

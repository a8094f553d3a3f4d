import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// Accounts through the API: the Secretaría Técnica lists, invites, deactivates and reactivates
/// any (the database decides, in `account_may_manage`); an enlace lists their agency's accounts
/// and invites instructors to the groups their agency organizes (`account_invite_instructor`),
/// answered the same whether or not the e-mail has an account. The invitation goes by e-mail,
/// from the outbox; the link is never in an answer.
struct AccountsController {
    let store: SharedStore
    let settings: AccountSettings

    struct NewAccountBody: Decodable {
        var email: String
        var name: String
        var role: String
        var agency: String?
        var groups: [String]?
        /// An instructor's CURP, for the multipliers report (the Secretaría Técnica only).
        var curp: String?
    }

    struct AccountState: Encodable {
        var email: String
        var active: Bool
    }

    struct Created: Encodable {
        var id: Int64
        var email: String
        var invitation = "sent"
    }

    func add(to routes: RouteTable) {
        routes.get("/v1/accounts", roles: [.admin, .enlace]) { request, _, identity in
            let table = try await store.run(as: identity) {
                AccountTable.table(try AccountStore(connection: $0).list())
            }
            return try Responses.table(table, request, sheet: "cuentas")
        }
        routes.post("/v1/accounts", roles: [.admin, .enlace]) { request, _, identity in
            let body = try await EnrollmentsController.decode(NewAccountBody.self, request)
            guard let role = Identity.Role(rawValue: body.role) else {
                throw APIError(.unprocessableContent, "bad_role", "role: admin, enlace o instructor")
            }
            guard (body.groups?.count ?? 0) <= 200 else {
                throw APIError(.unprocessableContent, "too_many_groups", "groups: a lo más 200")
            }
            let agency = try await store.agencyCode(body.agency, parameter: "agency", as: identity)
            let curp = try Self.curp(body.curp)
            let settings = self.settings
            let id = try await Self.mapped {
                try await store.run(as: identity) { connection -> Int64 in
                    let accounts = AccountStore(connection: connection)
                    // An enlace's invitation: the same answer (the invitation's id) for every e-mail.
                    if identity.role == .enlace {
                        guard role == .instructor, agency == nil, curp == nil else {
                            throw AccountStore.Problem.notAllowed
                        }
                        return try accounts.inviteInstructor(
                            email: body.email, name: body.name, groups: body.groups ?? [],
                            agencyName: identity.agency ?? "", linkLifetime: settings.invitationLifetime,
                            link: settings.invitationLink, signIn: settings.signInLink, invitedBy: identity.user)
                    }
                    return try accounts.create(
                        .init(
                            email: body.email, name: body.name, role: role, agency: agency, groups: body.groups ?? [],
                            curp: curp),
                        linkLifetime: settings.invitationLifetime, link: settings.invitationLink,
                        invitedBy: identity.user
                    ).id
                }
            }
            return Responses.json(Created(id: id, email: body.email.lowercased()), status: .created)
        }
        for (action, active) in [("deactivate", false), ("reactivate", true)] {
            routes.post("/v1/accounts/:email/\(action)", roles: [.admin]) { _, context, identity in
                let email = try context.parameters.require("email")
                guard email.utf8.count <= AccountEmail.maximumLength else { throw APIError.notFound("la cuenta") }
                // An account out of the caller's reach answers as one that does not exist.
                let changed: Bool
                do {
                    changed = try await store.run(as: identity) {
                        try AccountStore(connection: $0).setActive(email: email, active)
                    }
                } catch AccountStore.Problem.notAllowed {
                    changed = false
                }
                guard changed else { throw APIError.notFound("la cuenta") }
                return Responses.json(AccountState(email: email.lowercased(), active: active))
            }
        }
    }

    /// A CURP in a body, checked in full; the error names it masked.
    static func curp(_ text: String?) throws(APIError) -> Curp? {
        guard let text else { return nil }
        guard text.utf8.count <= 40 else {
            throw APIError(.unprocessableContent, "bad_curp", "curp: una CURP tiene 18 caracteres")
        }
        switch Curp.parse(text) {
        case .success(let curp): return curp
        case .failure(let problem):
            throw APIError(.unprocessableContent, "bad_curp", "curp \(Curp.mask(text)): \(problem.message)")
        }
    }

    /// The store's refusals as the API's errors; an account the caller may not manage is 403.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let problem as AccountStore.Problem {
            switch problem {
            case .emailTaken: throw APIError(.conflict, problem.key, problem.description)
            case .notAllowed: throw APIError(.forbidden, problem.key, problem.description)
            default: throw APIError(.unprocessableContent, problem.key, problem.description)
            }
        }
    }
}

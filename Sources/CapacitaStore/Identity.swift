import Postgres

/// Who is asking: the Secretaría Técnica (admin), one agency's enlace, or an instructor. Every
/// transaction of a connection acting for someone starts by naming them to PostgreSQL
/// (`capacita.role`, `capacita.agency`, `capacita.user`), and row-level security policies
/// (db/migrations/0009) read that: a bug in a route still cannot show another agency's people.
public struct Identity: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case admin, enlace, instructor
    }

    public var role: Role
    /// The enlace's agency; nil for the others.
    public var agency: String?
    /// A stable user name: the token's name, or the operator running the CLI.
    public var user: String

    public init(role: Role, agency: String? = nil, user: String) {
        self.role = role
        self.agency = agency
        self.user = user
    }

    public static func admin(_ user: String) -> Identity { Identity(role: .admin, user: user) }

    public static func enlace(of agency: String, user: String) -> Identity {
        Identity(role: .enlace, agency: agency, user: user)
    }

    public static func instructor(_ user: String) -> Identity { Identity(role: .instructor, user: user) }

    var settings: [TransactionSetting] {
        [
            TransactionSetting("capacita.role", role.rawValue), TransactionSetting("capacita.agency", agency ?? ""),
            TransactionSetting("capacita.user", user),
        ]
    }
}

extension Connection {
    /// Every transaction from now on acts for `identity`; nil for none (nothing personal is visible).
    public func act(as identity: Identity?) {
        setTransactionSettings(identity?.settings ?? [])
    }
}

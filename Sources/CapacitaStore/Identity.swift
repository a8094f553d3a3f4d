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
    /// A stable user name: an account's e-mail, a token's name (a token of its own), or the
    /// operator running the CLI.
    public var user: String
    /// The account the caller is, when it is one (a session, or a token made by an account): the
    /// request log names it.
    public var account: Int64?
    /// The service's request id, recorded with each audit row the request writes (nil on the CLI).
    public var request: String?

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
            TransactionSetting("capacita.user", user), TransactionSetting("capacita.request", request ?? ""),
        ]
    }
}

extension Connection {
    /// Every transaction from now on acts for `identity`; nil for none (nothing personal is visible).
    public func act(as identity: Identity?) {
        setTransactionSettings(identity?.settings ?? [])
    }

    /// Whom this connection acts for: what the store's own rules read, as the policies read the
    /// same settings. nil: the migrating superuser's bare connection (maintenance, some tests).
    public var identity: Identity? {
        let settings = Dictionary(
            currentTransactionSettings.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        guard let role = settings["capacita.role"].flatMap(Identity.Role.init(rawValue:)) else { return nil }
        let agency = settings["capacita.agency"].flatMap { $0.isEmpty ? nil : $0 }
        var identity = Identity(role: role, agency: agency, user: settings["capacita.user"] ?? "")
        identity.request = settings["capacita.request"].flatMap { $0.isEmpty ? nil : $0 }
        return identity
    }
}

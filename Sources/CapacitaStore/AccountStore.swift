import Capacita
import Foundation
import Postgres

/// Accounts (db/migrations/0020): created with an invitation, listed under row-level security,
/// turned off and on. Every secret (a link's, a session's) is random here and stored as its
/// SHA-256 only; passwords arrive already hashed (bcrypt runs in the service, off the database).
public struct AccountStore {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public struct NewAccount: Sendable {
        public var email: String
        public var name: String
        public var role: Identity.Role
        public var agency: String?
        public var groups: [String]
        /// The person an instructor is (db/migrations/0033), for the multipliers report.
        public var curp: Curp?

        public init(
            email: String, name: String, role: Identity.Role, agency: String?, groups: [String], curp: Curp? = nil
        ) {
            self.email = email
            self.name = name
            self.role = role
            self.agency = agency
            self.groups = groups
            self.curp = curp
        }
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case badEmail
        case badName
        case enlaceNeedsAgency
        case agencyOnlyForEnlace
        case groupsOnlyForInstructor
        case emailTaken
        case notAllowed
        case unknownAgency
        case unknownGroup
        case curpOnlyForInstructor

        public var key: String {
            switch self {
            case .badEmail: return "bad_email"
            case .badName: return "bad_name"
            case .enlaceNeedsAgency: return "enlace_needs_agency"
            case .agencyOnlyForEnlace: return "agency_only_for_enlace"
            case .groupsOnlyForInstructor: return "groups_only_for_instructor"
            case .emailTaken: return "email_taken"
            case .notAllowed: return "not_allowed"
            case .unknownAgency: return "unknown_agency"
            case .unknownGroup: return "unknown_group"
            case .curpOnlyForInstructor: return "curp_only_for_instructor"
            }
        }

        public var description: String {
            switch self {
            case .badEmail: return "el correo no es válido (una dirección como nombre@dependencia.gob.mx)"
            case .badName:
                return "el nombre no puede estar vacío, pasar de 200 caracteres ni llevar caracteres de control"
            case .enlaceNeedsAgency: return "una cuenta de enlace necesita su instancia (--agency)"
            case .agencyOnlyForEnlace: return "solo una cuenta de enlace lleva instancia"
            case .groupsOnlyForInstructor: return "solo una cuenta de instructor lleva grupos"
            case .emailTaken: return "ya hay una cuenta con ese correo"
            case .notAllowed: return "no puede crear ni cambiar esa cuenta"
            case .unknownAgency: return "la instancia no existe"
            case .unknownGroup: return "uno de los grupos no existe"
            case .curpOnlyForInstructor: return "solo una cuenta de instructor lleva la CURP de la persona"
            }
        }
    }

    /// Creates the account and its invitation link, and puts the invitation in the outbox, all in
    /// one transaction. Returns the link's secret (the caller builds the link and may print it).
    public func create(
        _ new: NewAccount, linkLifetime: Duration, link: (String) -> String, invitedBy: String?
    ) throws -> (id: Int64, secret: String) {
        guard let email = AccountEmail.normalize(new.email) else { throw Problem.badEmail }
        let name = new.name.trimmingSpaces()
        guard !name.isEmpty, name.count <= 200, CellText.textProblem(name, limit: 200) == nil else {
            throw Problem.badName
        }
        switch new.role {
        case .enlace where new.agency == nil: throw Problem.enlaceNeedsAgency
        case .admin where new.agency != nil, .instructor where new.agency != nil: throw Problem.agencyOnlyForEnlace
        default: break
        }
        if new.role != .instructor, !new.groups.isEmpty { throw Problem.groupsOnlyForInstructor }
        if new.role != .instructor, new.curp != nil { throw Problem.curpOnlyForInstructor }
        let secret = TokenStore.randomSecret()
        let hours = Int(linkLifetime.components.seconds / 3600)
        let id = try mapped {
            try connection.withTransaction { connection -> Int64 in
                let id = try connection.query(
                    """
                    SELECT account_create($1, $2, $3, $4, $5::text[], $6, make_interval(secs => $7::double precision))
                    """,
                    [
                        email, name, new.role.rawValue, new.agency, new.groups.map(TrainingGroup.normalizeCode),
                        TokenStore.sha256(secret), Double(linkLifetime.components.seconds),
                    ]
                ).scalar(Int64.self)
                if let curp = new.curp {
                    do {
                        try MultiplierStore(connection: connection).link(email: email, to: curp)
                    } catch MultiplierStore.Problem.notAllowed {
                        throw Problem.notAllowed
                    }
                }
                let message = AccountMessage.invitation(
                    name: name, link: link(secret), hours: max(hours, 1), invitedBy: invitedBy)
                try Self.enqueue(message, to: email, kind: "invitation", connection)
                return id ?? 0
            }
        }
        return (id, secret)
    }

    /// An enlace invites an instructor to their agency's groups (db/migrations/0024): the same
    /// answer, the invitation's id, whether or not the e-mail has an account. A new person gets an
    /// invitation to set a password; a person with an account, a note that the groups were
    /// assigned (`signIn`, where they sign in). Which one was sent never leaves this function.
    public func inviteInstructor(
        email: String, name: String, groups: [String], agencyName: String, linkLifetime: Duration,
        link: (String) -> String, signIn: String, invitedBy: String?
    ) throws -> Int64 {
        guard let email = AccountEmail.normalize(email) else { throw Problem.badEmail }
        let name = name.trimmingSpaces()
        guard !name.isEmpty, name.count <= 200, CellText.textProblem(name, limit: 200) == nil else {
            throw Problem.badName
        }
        let groups = Array(Set(groups.map(TrainingGroup.normalizeCode))).sorted()
        guard !groups.isEmpty else { throw Problem.notAllowed }
        let secret = TokenStore.randomSecret()
        let hours = Int(linkLifetime.components.seconds / 3600)
        return try mapped {
            try connection.withTransaction { connection -> Int64 in
                guard
                    let row = try connection.query(
                        """
                        SELECT invitation_id, account_created FROM account_invite_instructor(
                            $1, $2, $3::text[], $4, make_interval(secs => $5::double precision))
                        """,
                        [email, name, groups, TokenStore.sha256(secret), Double(linkLifetime.components.seconds)]
                    ).rows.first
                else { throw Problem.notAllowed }
                let message =
                    try row.decode("account_created", as: Bool.self)
                    ? AccountMessage.invitation(
                        name: name, link: link(secret), hours: max(hours, 1), invitedBy: invitedBy)
                    : AccountMessage.groupAssignment(name: name, agency: agencyName, groups: groups, signIn: signIn)
                try Self.enqueue(
                    message, to: email,
                    kind: try row.decode("account_created", as: Bool.self) ? "invitation" : "group_assignment",
                    connection)
                return try row.decode("invitation_id")
            }
        }
    }

    /// The invitations the caller may read (an enlace, their agency's), newest first.
    public func invitations(limit: Int = 500) throws -> [InstructorInvitation] {
        try connection.query(
            """
            SELECT id, email, name, array_to_string(groups, ',') AS groups, invited_by,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS created_at
            FROM account_invitation ORDER BY id DESC LIMIT $1
            """, [limit]
        ).map { row in
            InstructorInvitation(
                id: try row.decode("id"), email: try row.decode("email"), name: try row.decode("name"),
                groups: try row.decode("groups", as: String.self).split(separator: ",").map(String.init),
                invitedBy: try row.decode("invited_by"), createdAt: try row.decode("created_at"))
        }
    }

    /// A new invitation for an account that has not chosen its password; nil otherwise.
    public func reinvite(email: String, linkLifetime: Duration, link: (String) -> String, invitedBy: String?) throws
        -> String?
    {
        let secret = TokenStore.randomSecret()
        return try mapped {
            try connection.withTransaction { connection -> String? in
                guard
                    let row = try connection.query(
                        "SELECT * FROM account_reinvite($1, $2, make_interval(secs => $3::double precision))",
                        [email, TokenStore.sha256(secret), Double(linkLifetime.components.seconds)]
                    ).rows.first
                else { return nil }
                let message = AccountMessage.invitation(
                    name: try row.decode("name"), link: link(secret),
                    hours: max(Int(linkLifetime.components.seconds / 3600), 1), invitedBy: invitedBy)
                try Self.enqueue(message, to: try row.decode("email"), kind: "invitation", connection)
                return secret
            }
        }
    }

    /// The accounts the caller may read (row-level security: the Secretaría Técnica every one, an
    /// enlace their agency's and their groups' instructors, anyone their own), by e-mail.
    public func list() throws -> [AccountListing] {
        try connection.query(
            """
            SELECT a.id, a.email, a.name, a.role, a.agency_code, a.active, a.created_by,
                   to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
                   to_char(a.last_sign_in_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_sign_in_at,
                   a.totp_confirmed_at IS NOT NULL AS two_factor,
                   array_to_string(ARRAY(SELECT gi.group_code::text FROM group_instructor gi
                         WHERE gi.user_name = lower(a.email) ORDER BY 1), ',') AS groups
            FROM account a ORDER BY lower(a.email)
            """
        ).map { row in
            AccountListing(
                id: try row.decode("id"), email: try row.decode("email"), name: try row.decode("name"),
                role: try row.decode("role"),
                agency: try row.decode("agency_code"),
                groups: try row.decode("groups", as: String.self).split(separator: ",").map(String.init),
                active: try row.decode("active"), createdBy: try row.decode("created_by"),
                createdAt: try row.decode("created_at"), lastSignInAt: try row.decode("last_sign_in_at"),
                twoFactor: try row.decode("two_factor"))
        }
    }

    /// Turns an account off (its sessions end and its tokens are revoked at once) or on. False
    /// when there is no such account.
    public func setActive(email: String, _ active: Bool) throws -> Bool {
        try mapped {
            try connection.query("SELECT account_set_active($1, $2)", [email, active]).scalar(Bool.self) ?? false
        }
    }

    /// Single-use links: an invitation or a password reset.
    public enum LinkKind: String, Sendable {
        case invitation
        case passwordReset = "password_reset"
    }

    public struct LinkHolder: Sendable, Equatable {
        public var id: Int64
        public var email: String
        public var name: String
    }

    /// Whose link this is, while it is unused and unexpired; nil otherwise.
    public func peek(link secret: String, kind: LinkKind) throws -> LinkHolder? {
        guard Self.plausible(secret) else { return nil }
        return try connection.query(
            "SELECT * FROM account_link_peek($1, $2)", [TokenStore.sha256(secret), kind.rawValue]
        ).rows.first.map { row in
            LinkHolder(id: try row.decode("id"), email: try row.decode("email"), name: try row.decode("name"))
        }
    }

    /// Uses the link once: the password (already hashed) is set and the account's sessions end.
    /// Nil when the link is unknown, used, expired, or its account is off.
    public func use(link secret: String, kind: LinkKind, passwordHash: String, name: String?) throws -> Int64? {
        guard Self.plausible(secret) else { return nil }
        return try connection.query(
            "SELECT id FROM account_link_use($1, $2, $3, $4)",
            [TokenStore.sha256(secret), kind.rawValue, passwordHash, name]
        ).scalar(Int64.self)
    }

    /// A reset link by e-mail when `email` names an active account with a password; nothing
    /// otherwise. The caller answers the same either way.
    public func requestReset(email: String, lifetime: Duration, link: (String) -> String) throws {
        guard let email = AccountEmail.normalize(email) else { return }
        let secret = TokenStore.randomSecret()
        try connection.withTransaction { connection in
            guard
                let row = try connection.query(
                    "SELECT * FROM account_reset_request($1, $2, make_interval(secs => $3::double precision))",
                    [email, TokenStore.sha256(secret), Double(lifetime.components.seconds)]
                ).rows.first
            else { return }
            let message = AccountMessage.passwordReset(
                name: try row.decode("name"), link: link(secret),
                minutes: max(Int(lifetime.components.seconds / 60), 1))
            try Self.enqueue(message, to: try row.decode("email"), kind: "password_reset", connection)
        }
    }

    static func enqueue(_ message: AccountMessage, to recipient: String, kind: String, _ connection: Connection) throws
    {
        _ = try connection.query(
            "SELECT mail_enqueue($1, $2, $3, $4, $5)", [recipient, message.subject, message.text, message.html, kind])
    }

    /// A link's or a session's secret is 43 characters of base64url; anything else is not one.
    static func plausible(_ secret: String) -> Bool {
        (20...100).contains(secret.utf8.count)
            && secret.utf8.allSatisfy {
                $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)
            }
    }

    /// The database's refusals as the store's problems.
    private func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            switch error.sqlState {
            case "23505": throw Problem.emailTaken
            case "42501": throw Problem.notAllowed
            case "23503" where error.description.contains("agency"): throw Problem.unknownAgency
            case "23503": throw Problem.unknownGroup
            case "23514": throw Problem.badName
            default: throw error
            }
        }
    }
}

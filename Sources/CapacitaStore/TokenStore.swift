import Capacita
import Crypto
import Foundation
import Postgres

/// The service's bearer tokens: a recognizable prefix and 32 random bytes, shown once at creation
/// and stored as their SHA-256 only (db/migrations/0010). Tokens never reach a log or a list.
public struct TokenStore: Sendable {
    public let connection: Connection

    /// Every token starts with this, so a leaked one is recognized (and scanners can find it).
    public static let prefix = "capacita_"

    public init(connection: Connection) {
        self.connection = connection
    }

    public struct Token: Sendable, Equatable, Encodable {
        public var id: Int64
        public var name: String
        public var role: String
        public var agency: String?
        /// The first characters: enough to tell tokens apart, not to use one.
        public var hint: String
        public var groups: [String]
        public var createdAt: String
        public var expiresOn: String?
        public var revokedAt: String?
        /// The account the token acts as (its e-mail), or nil for a token of its own.
        public var account: String?

        enum CodingKeys: String, CodingKey {
            case id, name, role, agency, hint, groups, account
            case createdAt = "created_at"
            case expiresOn = "expires_on"
            case revokedAt = "revoked_at"
        }
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case enlaceNeedsAgency
        case agencyOnlyForEnlace
        case groupsOnlyForInstructor
        case unknownGroup(String)
        case nameTaken(String)
        case badName
        case notFound(String)
        case unknownAccount(String)
        case inactiveAccount(String)
        case accountDecides

        public var description: String {
            switch self {
            case .enlaceNeedsAgency: return "un token de enlace necesita --agency"
            case .agencyOnlyForEnlace: return "--agency solo va con --role enlace"
            case .groupsOnlyForInstructor: return "--group solo va con --role instructor"
            case .unknownGroup(let code): return "no hay un grupo con la clave \(code)"
            case .nameTaken(let name): return "ya hay un token con el nombre «\(name)»"
            case .badName: return "el nombre es obligatorio, de hasta 100 caracteres, sin caracteres de control"
            case .notFound(let name): return "no hay un token vigente «\(name)»"
            case .unknownAccount(let email): return "no hay una cuenta \(email)"
            case .inactiveAccount(let email): return "la cuenta \(email) está desactivada"
            case .accountDecides:
                return
                    "con --user el rol, la instancia y los grupos son los de la cuenta: no use --role, --agency ni --group"
            }
        }
    }

    public static func sha256(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new token: the prefix and 32 random bytes from the system's generator, base64url.
    static func generate() -> String {
        prefix + randomSecret()
    }

    /// 32 random bytes from the system's generator, base64url: tokens, sessions, CSRF tokens.
    public static func randomSecret() -> String {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Creates a token for an account (`capacita token create --user`): it acts as the account, with
    /// its role, agency and groups, and ends with it. Its name is unique among the account's live
    /// tokens.
    public func create(account email: String, name: String, expiresOn: CalendarDate?, createdBy: String) throws
        -> (token: String, record: Token)
    {
        let name = name.trimmingSpaces()
        guard !name.isEmpty, name.count <= 100, CellText.textProblem(name, limit: 100) == nil else {
            throw Problem.badName
        }
        let token = Self.generate()
        return try connection.withTransaction { connection in
            guard
                let row = try connection.query(
                    "SELECT id, role, agency_code, active FROM account WHERE lower(email) = lower($1) FOR UPDATE",
                    [email]
                ).rows.first
            else { throw Problem.unknownAccount(email) }
            guard try row.decode("active", as: Bool.self) else { throw Problem.inactiveAccount(email) }
            let account: Int64 = try row.decode("id")
            guard
                try connection.query(
                    "SELECT 1 FROM api_token WHERE account_id = $1 AND name = $2 AND revoked_at IS NULL",
                    [account, name]
                ).rows.isEmpty
            else { throw Problem.nameTaken(name) }
            let id = try connection.query(
                """
                INSERT INTO api_token (name, role, agency_code, sha256, hint, created_by, expires_on, account_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8) RETURNING id
                """,
                [
                    name, try row.decode("role", as: String.self), try row.decode("agency_code", as: String?.self),
                    Self.sha256(token), String(token.prefix(Self.prefix.count + 4)), createdBy,
                    expiresOn?.description, account,
                ]
            ).scalar(Int64.self)
            guard let id, let record = try list().first(where: { $0.id == id }) else { throw Problem.badName }
            try AuditStore(connection: connection).record(
                "token.create", target: name, detail: ["account": Int(account)])
            return (token, record)
        }
    }

    /// Creates a token and returns it in full, the only time it is ever shown.
    public func create(
        role: Identity.Role, agency: String?, groups: [String], name: String, expiresOn: CalendarDate?,
        createdBy: String
    ) throws -> (token: String, record: Token) {
        let name = name.trimmingSpaces()
        guard !name.isEmpty, name.count <= 100, CellText.textProblem(name, limit: 100) == nil else {
            throw Problem.badName
        }
        switch role {
        case .enlace where agency == nil: throw Problem.enlaceNeedsAgency
        case .admin where agency != nil, .instructor where agency != nil: throw Problem.agencyOnlyForEnlace
        default: break
        }
        if role != .instructor, !groups.isEmpty { throw Problem.groupsOnlyForInstructor }
        let token = Self.generate()
        return try connection.withTransaction { connection in
            guard
                try connection.query("SELECT 1 FROM api_token WHERE name = $1 AND account_id IS NULL", [name]).rows
                    .isEmpty
            else {
                throw Problem.nameTaken(name)
            }
            let id = try connection.query(
                """
                INSERT INTO api_token (name, role, agency_code, sha256, hint, created_by, expires_on)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date) RETURNING id
                """,
                [
                    name, role.rawValue, agency, Self.sha256(token), String(token.prefix(Self.prefix.count + 4)),
                    createdBy,
                    expiresOn?.description,
                ]
            ).scalar(Int64.self)!
            for group in groups.map(TrainingGroup.normalizeCode) {
                guard try !connection.query("SELECT 1 FROM training_group WHERE code = $1", [group]).rows.isEmpty else {
                    throw Problem.unknownGroup(group)
                }
                try connection.query(
                    "INSERT INTO group_instructor (group_code, user_name, assigned_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    [group, name, createdBy])
            }
            try AuditStore(connection: connection).record(
                "token.create", target: name, detail: ["groups": groups.count])
            return (token, try list().first { $0.id == id }!)
        }
    }

    /// Every token, newest first, with its hint: never the token nor its hash.
    public func list() throws -> [Token] {
        try connection.query(
            """
            SELECT t.id, t.name, t.role, t.agency_code, t.hint,
                   to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS created_at,
                   t.expires_on::text AS expires_on,
                   to_char(t.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS revoked_at,
                   ARRAY(SELECT g.group_code FROM group_instructor g
                         WHERE g.user_name = coalesce(lower(a.email), t.name) ORDER BY 1)::text AS groups,
                   lower(a.email) AS account
            FROM api_token t LEFT JOIN account a ON a.id = t.account_id ORDER BY t.id DESC
            """
        ).map { row in
            let groups: String = try row.decode("groups")
            return Token(
                id: try row.decode("id"), name: try row.decode("name"), role: try row.decode("role"),
                agency: try row.decode("agency_code"), hint: try row.decode("hint"),
                groups: groups.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").map(
                    String.init),
                createdAt: try row.decode("created_at"), expiresOn: try row.decode("expires_on"),
                revokedAt: try row.decode("revoked_at"), account: try row.decode("account"))
        }
    }

    /// Revokes a token by name or id; its holder is refused from the next request on.
    public func revoke(_ nameOrID: String) throws {
        try connection.withTransaction { connection in
            let revoked = try connection.query(
                """
                UPDATE api_token SET revoked_at = now()
                WHERE ((name = $1 AND account_id IS NULL) OR id::text = $1) AND revoked_at IS NULL RETURNING name
                """, [nameOrID]
            ).scalar(String.self)
            guard let revoked else { throw Problem.notFound(nameOrID) }
            try AuditStore(connection: connection).record("token.revoke", target: revoked)
        }
    }

    /// The national reports' data version (db/migrations/0013): the highest visible change, and
    /// whether no writer was in progress when it was read.
    public struct ReportVersion: Sendable, Equatable {
        public var version: Int64
        public var settled: Bool

        /// Read on its own (a route without a token).
        public static func current(_ connection: Connection) throws -> ReportVersion {
            let row = try connection.query("SELECT version, settled FROM report_version()").rows.first
            return ReportVersion(
                version: try row?.decode("version") ?? 0, settled: try row?.decode("settled") ?? false)
        }
    }

    /// `identity(for:)` and the report version in one statement: a request that may answer from a
    /// kept report needs both, and one round trip costs half of two.
    public func identityAndReportVersion(for token: String) throws -> (Identity?, ReportVersion) {
        let valid = token.hasPrefix(Self.prefix) && token.utf8.count < 200
        let row = try connection.query(
            """
            SELECT v.version, v.settled, t.name, t.role, t.agency_code, t.account_id
            FROM report_version() v LEFT JOIN token_identity($1) t ON $2
            """, [Self.sha256(token), valid]
        ).rows.first
        let version = ReportVersion(
            version: try row?.decode("version") ?? 0, settled: try row?.decode("settled") ?? false)
        guard let row, let role = try row.decode("role", as: String?.self).flatMap(Identity.Role.init(rawValue:))
        else { return (nil, version) }
        var identity = Identity(role: role, agency: try row.decode("agency_code"), user: try row.decode("name"))
        identity.account = try row.decode("account_id")
        return (identity, version)
    }

    /// Whom a presented token stands for, or nil when it is unknown, revoked or expired. Runs as
    /// the application role through a definer function that reads valid tokens only.
    public func identity(for token: String) throws -> Identity? {
        guard token.hasPrefix(Self.prefix), token.utf8.count < 200 else { return nil }
        let row = try connection.query(
            "SELECT name, role, agency_code, account_id FROM token_identity($1)", [Self.sha256(token)]
        ).rows.first
        guard let row, var identity = try Self.identity(row) else { return nil }
        identity.account = try row.decode("account_id")
        return identity
    }

    /// The identity a definer function's row names (name, role, agency_code).
    static func identity(_ row: Row) throws -> Identity? {
        guard let role = Identity.Role(rawValue: try row.decode("role")) else { return nil }
        return Identity(role: role, agency: try row.decode("agency_code"), user: try row.decode("name"))
    }
}

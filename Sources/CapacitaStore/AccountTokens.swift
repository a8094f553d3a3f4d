import Capacita
import Foundation
import Postgres

/// "Tokens de acceso" (db/migrations/0021): the API tokens a signed-in person creates for a
/// program, acting as their account and ending with it. Every call names the caller's session,
/// never an account: the database finds whose tokens they are, so no request reaches another's.
public struct AccountTokens {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// How far ahead a token may expire, and how many live tokens an account may hold.
    public struct Rules: Sendable, Equatable {
        public var maxDays: Int
        public var maxLive: Int

        public init(maxDays: Int = 366, maxLive: Int = 20) {
            self.maxDays = maxDays
            self.maxLive = maxLive
        }
    }

    public struct Line: Sendable, Equatable {
        public var id: Int64
        public var name: String
        /// The first characters, to tell tokens apart: never enough to use one.
        public var hint: String
        public var createdAt: String
        public var expiresOn: String
        public var revokedAt: String?
        /// Neither revoked nor past its expiry.
        public var live: Bool
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case noAccount
        case badName
        case badExpiry(maxDays: Int)
        case nameTaken
        case tooMany(Int)

        /// Stable, for programs.
        public var key: String {
            switch self {
            case .noAccount: return "no_account"
            case .badName: return "bad_name"
            case .badExpiry: return "bad_expiry"
            case .nameTaken: return "name_taken"
            case .tooMany: return "too_many"
            }
        }

        public var description: String {
            switch self {
            case .noAccount: return "Los tokens de acceso son de las cuentas: entre con su correo y contraseña."
            case .badName: return "El nombre es obligatorio, de hasta 100 caracteres, sin caracteres de control."
            case .badExpiry(let days): return "El vencimiento va de mañana a \(days) días a partir de hoy."
            case .nameTaken: return "Ya tiene un token vigente con ese nombre."
            case .tooMany(let limit): return "Ya tiene \(limit) tokens vigentes: revoque alguno antes de crear otro."
            }
        }
    }

    /// A new token for the session's account, shown this once.
    public func create(session secret: String, name: String, expiresOn: CalendarDate, rules: Rules) throws
        -> (token: String, id: Int64)
    {
        let name = name.trimmingSpaces()
        guard !name.isEmpty, name.count <= 100, CellText.textProblem(name, limit: 100) == nil else {
            throw Problem.badName
        }
        guard AccountStore.plausible(secret) else { throw Problem.noAccount }
        let token = TokenStore.generate()
        let row: (outcome: String, id: Int64?) = try connection.withTransaction { connection in
            let found = try connection.query(
                "SELECT outcome, token_id FROM account_token_create($1, $2, $3, $4, $5::date, $6, $7)",
                [
                    TokenStore.sha256(secret), name, TokenStore.sha256(token),
                    String(token.prefix(TokenStore.prefix.count + 4)), expiresOn.description, rules.maxDays,
                    rules.maxLive,
                ]
            ).rows.first
            return (try found?.decode("outcome") ?? "no_account", try found?.decode("token_id"))
        }
        switch (row.outcome, row.id) {
        case ("created", let id?): return (token, id)
        case ("bad_expiry", _): throw Problem.badExpiry(maxDays: rules.maxDays)
        case ("name_taken", _): throw Problem.nameTaken
        case ("too_many", _): throw Problem.tooMany(rules.maxLive)
        default: throw Problem.noAccount
        }
    }

    public func list(session secret: String) throws -> [Line] {
        guard AccountStore.plausible(secret) else { return [] }
        return try connection.query(
            """
            SELECT id, name, hint, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS created_at,
                   expires_on::text AS expires_on,
                   to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS revoked_at,
                   revoked_at IS NULL AND expires_on >= (now() AT TIME ZONE 'UTC')::date AS live
            FROM account_tokens($1)
            """, [TokenStore.sha256(secret)]
        ).map { row in
            Line(
                id: try row.decode("id"), name: try row.decode("name"), hint: try row.decode("hint"),
                createdAt: try row.decode("created_at"), expiresOn: try row.decode("expires_on"),
                revokedAt: try row.decode("revoked_at"), live: try row.decode("live"))
        }
    }

    /// Revokes one of the session's account's live tokens; false when it is not one.
    public func revoke(session secret: String, id: Int64) throws -> Bool {
        guard AccountStore.plausible(secret) else { return false }
        return try connection.withTransaction {
            try $0.query("SELECT account_token_revoke($1, $2)", [TokenStore.sha256(secret), id]).scalar(Bool.self)
                ?? false
        }
    }
}

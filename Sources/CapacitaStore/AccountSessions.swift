import Capacita
import Foundation
import Postgres

/// Signing in with an account (db/migrations/0020): the password's hash read for the service to
/// check, failures counted toward the lock, sessions opened (pending while a second factor is
/// owed), the TOTP secret and recovery codes, and a person's own sessions.
public struct AccountSessions {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// What checking a password needs. `lockedSeconds` > 0: the account is locked that long.
    public struct Credentials: Sendable {
        public var id: Int64
        public var email: String
        public var role: Identity.Role
        public var active: Bool
        public var passwordHash: String?
        public var lockedSeconds: Int
        public var twoFactor: Bool
    }

    public func credentials(email: String) throws -> Credentials? {
        guard let email = AccountEmail.normalize(email) else { return nil }
        return try connection.query("SELECT * FROM account_sign_in_lookup($1)", [email]).rows.first.map { row in
            Credentials(
                id: try row.decode("id"), email: try row.decode("email"),
                role: Identity.Role(rawValue: try row.decode("role")) ?? .instructor, active: try row.decode("active"),
                passwordHash: try row.decode("password_hash"), lockedSeconds: try row.decode("locked_seconds"),
                twoFactor: try row.decode("totp_confirmed"))
        }
    }

    /// The first half of a sign-in with a password, in one transaction: the form's CSRF token
    /// used up, the attempt counted against the client's keys, and the account read. The password
    /// is checked after, off the database (bcrypt is slow on purpose).
    public func begin(
        form: SignInForms.Verified, email: String, keys: [String], limits: SignInThrottle.Limits
    ) throws -> SessionStore.Admission<Credentials?> {
        try connection.withTransaction { connection in
            try SessionStore.admit(form: form, keys: keys, limits: limits, connection) {
                try AccountSessions(connection: connection).credentials(email: email)
            }
        }
    }

    /// How many failures lock an account, and for how long the first time (each lock in a row doubles).
    public struct LockRule: Sendable {
        public var failures: Int
        public var lock: Duration

        public init(failures: Int, lock: Duration) {
            self.failures = failures
            self.lock = lock
        }
    }

    /// A wrong password or code, counted; the seconds of the lock it caused, or 0.
    @discardableResult
    public func failed(account id: Int64, _ rule: LockRule) throws -> Int {
        try connection.query(
            "SELECT account_sign_in_failed($1, $2, make_interval(secs => $3::double precision))",
            [id, max(rule.failures, 1), Double(max(rule.lock.components.seconds, 1))]
        ).scalar(Int.self) ?? 0
    }

    /// A session for the account (`pending` while its second factor is owed); nil when the
    /// account is off or locked.
    public func open(account id: Int64, pending: Bool, lifetime: Duration, userAgent: String?) throws
        -> (secret: String, csrf: String)?
    {
        let secret = TokenStore.randomSecret()
        let csrf = TokenStore.randomSecret()
        let opened = try connection.query(
            "SELECT account_session_open($1, $2, $3, make_interval(secs => $4::double precision), $5, $6)",
            [
                id, TokenStore.sha256(secret), csrf, Double(lifetime.components.seconds),
                userAgent.map { String($0.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.prefix(300)) },
                pending,
            ]
        ).scalar(Bool.self)
        guard opened == true else { return nil }
        return (secret, csrf)
    }

    /// The account behind a session cookie, pending or not, with what the second factor needs.
    public struct Factor: Sendable {
        public var account: Int64
        public var email: String
        public var role: Identity.Role
        public var pending: Bool
        public var totpSecret: String?
        public var confirmed: Bool
        /// The session's CSRF token, for the code's and the enrollment's forms.
        public var csrf: String
    }

    public func factor(session secret: String) throws -> Factor? {
        guard AccountStore.plausible(secret) else { return nil }
        return try connection.query("SELECT * FROM account_session_factor($1)", [TokenStore.sha256(secret)]).rows
            .first.map { row in
                Factor(
                    account: try row.decode("id"), email: try row.decode("email"),
                    role: Identity.Role(rawValue: try row.decode("role")) ?? .instructor,
                    pending: try row.decode("pending"), totpSecret: try row.decode("totp_secret"),
                    confirmed: try row.decode("totp_confirmed"), csrf: try row.decode("csrf"))
            }
    }

    /// The second factor was given: the pending session ends and a new, full one takes its place
    /// (a new secret and CSRF token); nil when the session was not pending or the account is off
    /// or locked.
    public func rotate(session secret: String, lifetime: Duration) throws -> (secret: String, csrf: String)? {
        guard AccountStore.plausible(secret) else { return nil }
        let fresh = TokenStore.randomSecret()
        let csrf = TokenStore.randomSecret()
        let rotated = try connection.query(
            "SELECT account_session_rotate($1, $2, $3, make_interval(secs => $4::double precision))",
            [TokenStore.sha256(secret), TokenStore.sha256(fresh), csrf, Double(lifetime.components.seconds)]
        ).scalar(Bool.self)
        guard rotated == true else { return nil }
        return (fresh, csrf)
    }

    /// Keeps a new, unconfirmed TOTP secret for the session's account.
    public func beginTwoFactor(session secret: String, totpSecret: String) throws -> Bool {
        guard AccountStore.plausible(secret) else { return false }
        return try connection.query(
            "SELECT account_totp_begin($1, $2)", [TokenStore.sha256(secret), totpSecret]
        ).scalar(Bool.self) ?? false
    }

    /// Confirms the TOTP secret (its first code was right) and stores the ten recovery codes' hashes.
    public func confirmTwoFactor(session secret: String, recoveryCodes: [String]) throws -> Bool {
        guard AccountStore.plausible(secret) else { return false }
        return try connection.query(
            "SELECT account_totp_confirm($1, $2::text[])",
            [TokenStore.sha256(secret), recoveryCodes.map { TokenStore.sha256(Self.normalizedCode($0)) }]
        ).scalar(Bool.self) ?? false
    }

    /// Records a TOTP code's time step as used by the session's account; false when that step or a
    /// later one was already used (the same code again, or an older one).
    public func useStep(session secret: String, step: Int64) throws -> Bool {
        guard AccountStore.plausible(secret) else { return false }
        return try connection.query("SELECT account_totp_step_use($1, $2)", [TokenStore.sha256(secret), step])
            .scalar(Bool.self) ?? false
    }

    /// A recovery code in place of the TOTP code; true once per code.
    public func useRecoveryCode(session secret: String, code: String) throws -> Bool {
        guard AccountStore.plausible(secret), (8...40).contains(code.utf8.count) else { return false }
        return try connection.query(
            "SELECT account_recovery_use($1, $2)",
            [TokenStore.sha256(secret), TokenStore.sha256(Self.normalizedCode(code))]
        ).scalar(Bool.self) ?? false
    }

    /// Recovery codes as people type them: without spaces or dashes, in capitals.
    static func normalizedCode(_ code: String) -> String {
        code.uppercased().filter { $0 != "-" && $0 != " " }
    }

    /// Ten recovery codes, 10 characters each from an alphabet without look-alikes, shown as XXXXX-XXXXX.
    public static func newRecoveryCodes() -> [String] {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var random = SystemRandomNumberGenerator()
        return (0..<10).map { _ in
            let code = String((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
            return code.prefix(5) + "-" + code.suffix(5)
        }
    }

    /// One of a person's own sessions ("Mis sesiones").
    public struct Line: Sendable, Equatable {
        public var id: Int64
        public var createdAt: String
        public var expiresAt: String
        public var userAgent: String?
        public var current: Bool
    }

    public func sessions(session secret: String) throws -> [Line] {
        guard AccountStore.plausible(secret) else { return [] }
        return try connection.query(
            """
            SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS created_at,
                   to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS expires_at, user_agent, current
            FROM account_sessions($1)
            """, [TokenStore.sha256(secret)]
        ).map { row in
            Line(
                id: try row.decode("id"), createdAt: try row.decode("created_at"),
                expiresAt: try row.decode("expires_at"), userAgent: try row.decode("user_agent"),
                current: try row.decode("current"))
        }
    }

    /// Ends one of the caller's own sessions; false when it is not theirs.
    public func end(session secret: String, other id: Int64) throws -> Bool {
        guard AccountStore.plausible(secret) else { return false }
        return try connection.query("SELECT account_session_end($1, $2)", [TokenStore.sha256(secret), id]).scalar(
            Bool.self) ?? false
    }
}

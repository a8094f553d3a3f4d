import Foundation
import Postgres

/// The web pages' sessions (db/migrations/0015): opened with a token, held by the browser as a
/// random secret, stored as its SHA-256 beside a CSRF token and an expiry. A session stands only
/// while its token does, so revoking the token ends it at once on every instance.
public struct SessionStore {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// What the browser keeps (`secret`, in the cookie) and what the pages' forms carry (`csrf`).
    public struct Opened: Sendable {
        public var secret: String
        public var csrf: String
        public var identity: Identity
    }

    public struct Current: Sendable {
        public var identity: Identity
        public var csrf: String
        /// The account signed in; nil for a session opened with a token.
        public var account: Int64?
        /// The account's name, or the token's.
        public var label: String
    }

    /// A session for a valid token; nil for an unknown, revoked or expired one (nothing stored).
    public func open(token: String, lifetime: Duration) throws -> Opened? {
        guard token.hasPrefix(TokenStore.prefix), token.utf8.count < 200 else { return nil }
        let secret = TokenStore.randomSecret()
        let csrf = TokenStore.randomSecret()
        guard
            let row = try connection.query(
                "SELECT name, role, agency_code FROM session_open($1, $2, $3, make_interval(secs => $4::double precision))",
                [TokenStore.sha256(token), TokenStore.sha256(secret), csrf, Double(lifetime.components.seconds)]
            ).rows.first,
            let identity = try TokenStore.identity(row)
        else { return nil }
        return Opened(secret: secret, csrf: csrf, identity: identity)
    }

    /// Whom a cookie's secret stands for, while its session and its token are valid.
    public func current(secret: String) throws -> Current? {
        guard secret.utf8.count < 200, !secret.isEmpty else { return nil }
        guard
            let row = try connection.query(
                "SELECT name, role, agency_code, csrf, account_id, label FROM session_identity($1)",
                [TokenStore.sha256(secret)]
            ).rows.first,
            let identity = try TokenStore.identity(row)
        else { return nil }
        return Current(
            identity: identity, csrf: try row.decode("csrf"), account: try row.decode("account_id"),
            label: try row.decode("label"))
    }

    /// What a sign-in post came to.
    public enum SignIn: Sendable {
        /// The form's CSRF token was used already, or expired by the database's clock.
        case forgedForm
        /// Too many failures from these keys: try again after this many seconds (the token was not checked).
        case throttled(seconds: Int)
        /// An unknown, revoked or expired token (counted as a failure).
        case refused
        case opened(Opened)
    }

    /// A sign-in post in one transaction: the form's CSRF token (its MAC and expiry checked by
    /// `SignInForms.verify`) used up, the attempt counted against `keys` (refused unchecked past the
    /// limit), then the token checked; a success takes its attempt back.
    public func signIn(
        form: SignInForms.Verified, token: String, keys: [String], limits: SignInThrottle.Limits, lifetime: Duration
    ) throws -> SignIn {
        try connection.withTransaction { connection -> SignIn in
            let admitted = try Self.admit(form: form, keys: keys, limits: limits, connection) {
                try open(token: token, lifetime: lifetime)
            }
            switch admitted {
            case .forgedForm: return .forgedForm
            case .throttled(let seconds): return .throttled(seconds: seconds)
            case .admitted(nil): return .refused
            case .admitted(let opened?):
                try SignInThrottle(connection: connection).succeeded(keys)
                return .opened(opened)
            }
        }
    }

    /// Whether a public form's post may go on: its CSRF token unused (then used up) and the
    /// client under its failure limit (the attempt counted); `then` runs only when it may.
    public enum Admission<T: Sendable>: Sendable {
        case forgedForm
        case throttled(seconds: Int)
        case admitted(T)
    }

    /// In the caller's transaction (the throttle's rows stay locked until it ends).
    public static func admit<T>(
        form: SignInForms.Verified, keys: [String], limits: SignInThrottle.Limits, _ connection: Connection,
        then: () throws -> T
    ) throws -> Admission<T> {
        let unused = try connection.query(
            "SELECT sign_in_form_use($1, to_timestamp($2::double precision))",
            [form.sha256, form.expiresAt.timeIntervalSince1970]
        ).scalar(Bool.self)
        guard unused == true else { return .forgedForm }
        let wait = try SignInThrottle(connection: connection).attempt(keys, limits)
        guard wait == 0 else { return .throttled(seconds: wait) }
        return .admitted(try then())
    }

    public func close(secret: String) throws {
        guard secret.utf8.count < 200 else { return }
        _ = try connection.query("SELECT session_close($1)", [TokenStore.sha256(secret)])
    }
}

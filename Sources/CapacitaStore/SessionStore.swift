import Foundation
import Postgres

/// The web pages' sessions (db/migrations/0015, 0020): opened by an account's sign-in
/// (`AccountSessions`), held by the browser as a random secret, stored as its SHA-256 beside a CSRF
/// token and an expiry. Sessions opened with a token before accounts are read as before until they
/// expire, and stand only while their token does.
public struct SessionStore {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public struct Current: Sendable {
        public var identity: Identity
        public var csrf: String
        /// The account signed in; nil for a session opened with a token before accounts.
        public var account: Int64?
        /// The account's name, or the token's.
        public var label: String
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

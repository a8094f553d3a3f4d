import Crypto
import Foundation
import Postgres

/// Failed sign-ins counted per key in PostgreSQL (db/migrations/0016), so every instance sees the
/// same count. A key is `address:<client address>`; once accounts exist, `account:<user>` is
/// passed beside it and either past its limit refuses the attempt.
public struct SignInThrottle {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// How many failures a key may have in how long a window.
    public struct Limits: Sendable {
        public var failures: Int
        public var window: Duration

        public init(failures: Int, window: Duration) {
            self.failures = failures
            self.window = window
        }
    }

    /// The key of a client address (cut to a length the table takes).
    public static func addressKey(_ address: String) -> String {
        "address:" + String(address.prefix(150))
    }

    /// Counts one attempt for each key; 0 when it may go on, or the seconds until it may be tried
    /// again. Call it inside the transaction that checks the token: the keys' rows stay locked
    /// until it ends, so attempts sent at once are counted one after another.
    public func attempt(_ keys: [String], _ limits: Limits) throws -> Int {
        try connection.query(
            "SELECT sign_in_attempt($1::text[], $2, make_interval(secs => $3::double precision))",
            [keys, limits.failures, Double(limits.window.components.seconds)]
        ).scalar(Int.self) ?? 0
    }

    /// A sign-in that succeeded takes back its own attempt (earlier failures stay counted).
    public func succeeded(_ keys: [String]) throws {
        _ = try connection.query("SELECT sign_in_succeeded($1::text[])", [keys])
    }

}

/// The sign-in form's CSRF tokens (db/migrations/0016). Showing the form writes nothing: a token
/// is a random nonce and its expiry, with an HMAC-SHA256 of both under a key every instance shares
/// (kept in PostgreSQL, read once at start). A post is taken only with a token whose MAC and
/// expiry hold, checked here, and then only once: `SessionStore.admit` records it as used.
public struct SignInForms: Sendable {
    /// The key's bytes (SymmetricKey is not Sendable; one is made for each use).
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Tells apart the MACs of these tokens from any other use the key might ever have.
    static let purpose = "capacita sign-in form v1\n"

    /// A key of 32 bytes.
    public init(key: [UInt8]) {
        self.keyBytes = key
    }

    /// The shared key, from `sign_in_form_key()` (the application role cannot read its table).
    public static func load(connection: Connection) throws -> SignInForms {
        guard let hex = try connection.query("SELECT sign_in_form_key()").scalar(String.self),
            let bytes = bytes(hex: hex), bytes.count == 32
        else { throw SignInFormsError.noKey }
        return SignInForms(key: bytes)
    }

    /// A token for a form shown at `now`, good for `lifetime`: `<nonce>.<expiry>.<mac>`, the nonce
    /// 16 random bytes and the MAC in hex, the expiry in Unix seconds (all safe in a cookie).
    public func issue(now: Date = Date(), lifetime: Duration) -> String {
        var random = SystemRandomNumberGenerator()
        let nonce = Self.hex((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        let signed = nonce + "." + String(Int64(now.timeIntervalSince1970) + lifetime.components.seconds)
        return signed + "." + Self.hex(Array(HMAC<SHA256>.authenticationCode(for: message(signed), using: key)))
    }

    /// A token that passed: its SHA-256 (what is recorded when it is used) and its expiry.
    public struct Verified: Sendable, Equatable {
        public let sha256: String
        public let expiresAt: Date
    }

    /// The token's MAC (compared in constant time) and expiry, checked at `now`; nil for anything
    /// this service did not issue or that has expired.
    public func verify(_ token: String, now: Date = Date()) -> Verified? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 200, parts.count == 3, parts[0].utf8.count == 32, parts[2].utf8.count == 64,
            parts[1].utf8.count <= 12, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let expiry = Int64(parts[1]), let mac = Self.bytes(hex: String(parts[2]))
        else { return nil }
        let signed = parts[0] + "." + parts[1]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message(String(signed)), using: key),
            expiry >= Int64(now.timeIntervalSince1970)
        else { return nil }
        return Verified(sha256: TokenStore.sha256(token), expiresAt: Date(timeIntervalSince1970: Double(expiry)))
    }

    func message(_ signed: String) -> Data { Data((Self.purpose + signed).utf8) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Lower-case hex only (what `hex` writes); nil for anything else.
    static func bytes(hex: String) -> [UInt8]? {
        let text = Array(hex.utf8)
        guard text.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: digit - 0x30
            case 0x61...0x66: digit - 0x61 + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = 0
        while index < text.count {
            guard let high = value(text[index]), let low = value(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

public enum SignInFormsError: Error, CustomStringConvertible {
    case noKey

    public var description: String {
        "no se pudo leer la clave de los formularios de entrada (sign_in_form_key, migración 0016)"
    }
}

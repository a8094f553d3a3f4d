import Capacita
import CapacitaStore
import Foundation
import HummingbirdBcrypt
import HummingbirdOTP

/// How accounts behave, as configuration with documented defaults (docs/access.md): bcrypt's cost,
/// the links' lifetimes, the lock after failed sign-ins, which roles must use a second factor, the
/// address links start with.
public struct AccountSettings: Sendable {
    /// The address the links in e-mails start with (CAPACITA_PUBLIC_URL), without a trailing slash.
    public var publicURL: String
    /// bcrypt's cost (log2 of its rounds): 12 by default, about a quarter second here; 4 to 31.
    public var bcryptCost: Int
    public var invitationLifetime: Duration
    public var resetLifetime: Duration
    public var lock: AccountSessions.LockRule
    /// Roles that must sign in with a second factor; administrators always do.
    public var twoFactorRoles: Set<Identity.Role>
    public var passwordPolicy: PasswordPolicy
    /// "Tokens de acceso": how far ahead one may expire (366 days) and how many live ones an
    /// account holds (20).
    public var tokens: AccountTokens.Rules = .init()

    public init(
        publicURL: String, bcryptCost: Int = 12, invitationLifetime: Duration = .seconds(72 * 3600),
        resetLifetime: Duration = .seconds(3600),
        lock: AccountSessions.LockRule = .init(failures: 10, lock: .seconds(15 * 60)),
        twoFactorRoles: Set<Identity.Role> = [.admin], passwordPolicy: PasswordPolicy = PasswordPolicy()
    ) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.bcryptCost = min(max(bcryptCost, 4), 31)
        self.invitationLifetime = invitationLifetime
        self.resetLifetime = resetLifetime
        self.lock = lock
        self.twoFactorRoles = twoFactorRoles.union([.admin])
        self.passwordPolicy = passwordPolicy
    }

    /// From the environment: CAPACITA_PUBLIC_URL (else `fallbackURL`), CAPACITA_BCRYPT_COST,
    /// CAPACITA_INVITATION_HOURS, CAPACITA_TWO_FACTOR_ROLES (roles besides admin, by commas).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, fallbackURL: String
    ) throws(ConfigurationProblem) -> AccountSettings {
        let url = environment["CAPACITA_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? fallbackURL
        guard let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme ?? ""),
            parsed.host?.isEmpty == false, parsed.query == nil
        else { throw .init("CAPACITA_PUBLIC_URL debe ser una dirección http(s)://… sin consulta") }
        var settings = AccountSettings(publicURL: url)
        if let text = environment["CAPACITA_BCRYPT_COST"], !text.isEmpty {
            guard let cost = Int(text), (4...31).contains(cost) else {
                throw .init("CAPACITA_BCRYPT_COST va de 4 a 31")
            }
            settings.bcryptCost = cost
        }
        if let text = environment["CAPACITA_INVITATION_HOURS"], !text.isEmpty {
            guard let hours = Int(text), (1...720).contains(hours) else {
                throw .init("CAPACITA_INVITATION_HOURS va de 1 a 720")
            }
            settings.invitationLifetime = .seconds(hours * 3600)
        }
        if let text = environment["CAPACITA_TWO_FACTOR_ROLES"], !text.isEmpty {
            var roles: Set<Identity.Role> = [.admin]
            for name in text.split(separator: ",") {
                guard let role = Identity.Role(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw .init("CAPACITA_TWO_FACTOR_ROLES: admin, enlace o instructor, separados por comas")
                }
                roles.insert(role)
            }
            settings.twoFactorRoles = roles
        }
        return settings
    }

    public struct ConfigurationProblem: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public func invitationLink(_ secret: String) -> String { "\(publicURL)/invitacion?t=\(secret)" }
    public var signInLink: String { "\(publicURL)/entrar" }
    public func resetLink(_ secret: String) -> String { "\(publicURL)/contrasena/nueva?t=\(secret)" }

    public func needsTwoFactor(_ role: Identity.Role) -> Bool { twoFactorRoles.contains(role) }
}

/// bcrypt and TOTP, the slow and the secret parts of signing in. bcrypt runs on threads of its own
/// (`BoundedWork`), never on the threads that answer other requests.
struct AccountSecurity: Sendable {
    let settings: AccountSettings
    let work: BoundedWork

    init(settings: AccountSettings) {
        self.settings = settings
        work = BoundedWork(
            slots: 4, deadline: .seconds(20),
            busy: APIError(
                .serviceUnavailable, "busy",
                "el servicio atiende muchas entradas a la vez; intente de nuevo en unos segundos"),
            tooSlow: APIError(
                .serviceUnavailable, "busy", "la entrada tardó demasiado; intente de nuevo en unos segundos"))
    }

    /// A hash the password is checked against when the e-mail has no account, so an unknown
    /// e-mail takes as long as a known one.
    private static let decoy = Bcrypt.hash("capacita-sin-cuenta", cost: 4)

    func hash(_ password: String) async throws -> String {
        let cost = UInt8(settings.bcryptCost)
        return try await work.run { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` is the one `hash` was made from; with no hash, false after the same work.
    func verify(_ password: String, hash: String?) async throws -> Bool {
        guard password.utf8.count <= PasswordPolicy.maximumBytes, !password.utf8.contains(0) else { return false }
        let against = hash ?? Self.decoy
        let cost = UInt8(settings.bcryptCost)
        let known = hash != nil
        return try await work.run {
            // The decoy is cheap to make; checking it costs what the configured cost would.
            if !known { _ = Bcrypt.hash(password, cost: cost) }
            return Bcrypt.verify(password, hash: against) && known
        }
    }

    /// A new TOTP secret: 32 characters of base32's alphabet (160 bits), the key bytes of the code.
    static func newTOTPSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var random = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<32, using: &random)] })
    }

    /// The `otpauth://` address an authenticator app reads, and the key as text for typing it in.
    static func enrollment(secret: String, email: String) -> (uri: String, key: String) {
        let uri = TOTP(secret: secret).createAuthenticatorURL(label: "capacita:\(email)", issuer: "capacita")
        let key =
            URLComponents(string: uri)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
        // In groups of four, as authenticator apps show it.
        let grouped = stride(from: 0, to: key.count, by: 4).map { start -> String in
            let from = key.index(key.startIndex, offsetBy: start)
            return String(key[from..<(key.index(from, offsetBy: 4, limitedBy: key.endIndex) ?? key.endIndex)])
        }
        return (uri, grouped.joined(separator: " "))
    }

    /// The 30-second time step whose TOTP code of `secret` is `code`: now, or one step before or
    /// after (clocks drift); nil when it is none of them. The step is recorded as used
    /// (`AccountSessions.useStep`), so each code opens at most one session.
    static func step(of code: String, secret: String, at date: Date = Date()) -> Int64? {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits)
        else { return nil }
        let totp = TOTP(secret: secret)
        let now = Int64((date.timeIntervalSince1970 / 30).rounded(.down))
        return [Int64(-1), 0, 1].first { totp.compute(date: date.addingTimeInterval(Double($0) * 30)) == value }
            .map { now + $0 }
    }
}

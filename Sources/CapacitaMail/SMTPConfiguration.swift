import Foundation

/// Where mail goes and as whom, read from the environment:
///
/// - `CAPACITA_SMTP_URL`: `smtp://host[:port]` (STARTTLS when the server offers it) or
///   `smtps://host[:port]` (TLS from the start). Unset or empty: no mail server.
/// - `CAPACITA_SMTP_USER`, `CAPACITA_SMTP_PASSWORD`: both or neither. With them, `smtp://` to
///   another machine requires STARTTLS: the password never crosses a network in clear text.
/// - `CAPACITA_MAIL_FROM`: `capacita <no-responder@dominio.gob.mx>` or a bare address.
///
/// The password is kept out of `description`, so printing or logging the value shows none.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    public enum Security: String, Sendable {
        /// `smtp://`: STARTTLS when the server offers it, plain otherwise (libcurl's CURLUSESSL_TRY).
        case startTLSWhenOffered = "starttls_when_offered"
        /// `smtp://` with credentials to another machine: no STARTTLS, no mail (CURLUSESSL_ALL).
        case startTLSRequired = "starttls_required"
        /// `smtps://`: TLS from the first byte.
        case implicitTLS = "implicit_tls"
    }

    /// The URL as libcurl gets it, rebuilt from its checked parts.
    public let url: String
    public let host: String
    public let port: Int?
    public let security: Security
    public let username: String?
    let password: String?
    public let from: MailAddress
    /// Time to open the connection (TCP and TLS), and for the whole exchange.
    public let connectTimeout: Duration
    public let timeout: Duration

    public init(
        url: String, username: String? = nil, password: String? = nil, from: String,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60)
    ) throws(SMTPConfigurationError) {
        let text = url.trimmingCharacters(in: .whitespaces)
        guard text.utf8.count <= 1000, !text.unicodeScalars.contains(where: { $0.properties.isWhitespace }),
            let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme)
        else {
            throw .init("CAPACITA_SMTP_URL debe ser smtp://servidor[:puerto] o smtps://servidor[:puerto]")
        }
        guard components.user == nil, components.password == nil else {
            throw .init(
                "CAPACITA_SMTP_URL no lleva usuario ni contraseña: use CAPACITA_SMTP_USER y CAPACITA_SMTP_PASSWORD")
        }
        guard components.query == nil, components.fragment == nil else {
            throw .init("CAPACITA_SMTP_URL no lleva consulta (?…) ni fragmento (#…)")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard (1...253).contains(host.utf8.count),
            host.utf8.allSatisfy({ Self.hostCharacters.contains($0) })
        else { throw .init("CAPACITA_SMTP_URL: falta el servidor, o su nombre no es válido") }
        if let port = components.port, !(1...65535).contains(port) {
            throw .init("CAPACITA_SMTP_URL: el puerto va de 1 a 65535")
        }
        // libcurl takes the path as the name this machine gives itself in EHLO.
        let path = components.path
        let helo = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard helo.utf8.count <= 253, helo.utf8.allSatisfy({ Self.hostCharacters.contains($0) && $0 != 0x3A }) else {
            throw .init("CAPACITA_SMTP_URL: después del servidor solo puede ir el nombre de esta máquina (/nombre)")
        }
        let user = username.flatMap { $0.isEmpty ? nil : $0 }
        let secret = password.flatMap { $0.isEmpty ? nil : $0 }
        guard (user == nil) == (secret == nil) else {
            throw .init("CAPACITA_SMTP_USER y CAPACITA_SMTP_PASSWORD van juntos: defina los dos o ninguno")
        }
        for (name, value) in [("CAPACITA_SMTP_USER", user), ("CAPACITA_SMTP_PASSWORD", secret)] {
            guard let value else { continue }
            guard value.utf8.count <= 256,
                !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { throw .init("\(name): a lo más 256 bytes, sin caracteres de control") }
        }
        let sender: MailAddress
        do {
            sender = try MailAddress.parse(from, field: .sender)
        } catch {
            throw .init(
                "CAPACITA_MAIL_FROM debe ser una dirección como «capacita <no-responder@dominio.gob.mx>» (\(error.description))"
            )
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        self.url =
            "\(scheme)://\(hostPart)" + (components.port.map { ":\($0)" } ?? "") + (helo.isEmpty ? "" : "/\(helo)")
        self.host = host
        self.port = components.port
        if scheme == "smtps" {
            security = .implicitTLS
        } else if user != nil, !Self.isLoopback(host) {
            security = .startTLSRequired
        } else {
            security = .startTLSWhenOffered
        }
        self.username = user
        self.password = secret
        self.from = sender
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The configuration the environment gives; nil when `CAPACITA_SMTP_URL` is unset or empty
    /// (mail stays in the outbox). A URL without `CAPACITA_MAIL_FROM`, or anything malformed,
    /// is an error: a service that seems configured but cannot send must not start.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SMTPConfigurationError) -> SMTPConfiguration? {
        guard let url = environment["CAPACITA_SMTP_URL"], !url.isEmpty else { return nil }
        guard let from = environment["CAPACITA_MAIL_FROM"], !from.isEmpty else {
            throw .init(
                "falta CAPACITA_MAIL_FROM: la dirección de la que sale el correo, como «capacita <no-responder@dominio.gob.mx>»"
            )
        }
        return try SMTPConfiguration(
            url: url, username: environment["CAPACITA_SMTP_USER"], password: environment["CAPACITA_SMTP_PASSWORD"],
            from: from)
    }

    public var description: String {
        "\(url) (\(security.rawValue))" + (username.map { ", usuario \($0)" } ?? "") + ", remitente \(from.address)"
    }

    /// Letters, digits, dots, hyphens, and colons for IPv6 literals.
    private static let hostCharacters = Set(
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:".utf8))

    static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        // 127.0.0.0/8 as an address, not a name that starts with "127." (127.example.com).
        let octets = lower.split(separator: ".", omittingEmptySubsequences: false)
        let inLoopbackBlock = octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
        return lower == "localhost" || lower == "::1" || inLoopbackBlock
    }
}

/// A configuration that cannot be used, said in Spanish with the variable's name.
public struct SMTPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

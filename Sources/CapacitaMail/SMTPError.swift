import CCurl

/// Why a message did not go out. `key` is stable English for programs and logs; `description` is
/// Spanish for people. Neither carries the recipient, the body or the password: curl's error text
/// names commands and codes (`RCPT failed: 550`), not addresses.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An address that cannot be written in an envelope or a header (`field`: recipient, sender).
    case invalidAddress(field: Field)
    /// A line break in a header's value: it would let the value add headers of its own.
    case headerInjection(field: Field)
    /// Other control characters, or a text longer than the message allows.
    case invalidText(field: Field)
    case messageTooLarge(bytes: Int)
    /// libcurl could not start (its global set-up, or a handle).
    case library(String)
    /// The transfer failed: curl's code, the server's last SMTP reply code (0 when none) and
    /// curl's own text.
    case delivery(curlCode: Int, smtpStatus: Int, detail: String)

    public enum Field: String, Sendable {
        case recipient, sender
        case senderName = "sender_name"
        case subject, text, html
    }

    /// Trying again cannot help: the message itself is wrong, or the server refused it for good
    /// (a 5xx reply to the envelope or the data). Authentication and TLS refusals are not: they are
    /// the configuration's, which the operator fixes, and the message can go after that.
    public var isPermanent: Bool {
        switch self {
        case .invalidAddress, .headerInjection, .invalidText, .messageTooLarge: return true
        case .library: return false
        case .delivery(let curlCode, let smtpStatus, _):
            let configuration = [530, 534, 535, 538]
            return (500..<600).contains(smtpStatus) && !configuration.contains(smtpStatus)
                && curlCode != Int(CURLE_LOGIN_DENIED.rawValue) && curlCode != Int(CURLE_USE_SSL_FAILED.rawValue)
        }
    }

    public var key: String {
        switch self {
        case .invalidAddress: return "invalid_address"
        case .headerInjection: return "header_injection"
        case .invalidText: return "invalid_text"
        case .messageTooLarge: return "message_too_large"
        case .library: return "library_failure"
        case .delivery(let curlCode, _, _):
            switch UInt32(clamping: curlCode) {
            case CURLE_COULDNT_RESOLVE_HOST.rawValue: return "unknown_host"
            case CURLE_COULDNT_CONNECT.rawValue: return "connection_refused"
            case CURLE_OPERATION_TIMEDOUT.rawValue: return "timeout"
            case CURLE_LOGIN_DENIED.rawValue: return "login_denied"
            case CURLE_USE_SSL_FAILED.rawValue: return "starttls_unavailable"
            case CURLE_SSL_CONNECT_ERROR.rawValue, CURLE_PEER_FAILED_VERIFICATION.rawValue: return "tls_failed"
            default: return isPermanent ? "rejected" : "delivery_failed"
            }
        }
    }

    public var description: String {
        switch self {
        case .invalidAddress(let field): return "\(field.spanish) no es una dirección de correo válida"
        case .headerInjection(let field): return "\(field.spanish) no puede llevar saltos de línea"
        case .invalidText(let field):
            return "\(field.spanish) lleva caracteres de control o es demasiado largo para un mensaje"
        case .messageTooLarge(let bytes): return "el mensaje es demasiado grande (\(bytes) bytes)"
        case .library(let detail): return "no se pudo iniciar libcurl: \(detail)"
        case .delivery(_, let smtpStatus, let detail):
            let reply = smtpStatus > 0 ? " (SMTP \(smtpStatus))" : ""
            let what: String
            switch key {
            case "unknown_host": what = "no se encontró el servidor de correo"
            case "connection_refused": what = "no se pudo conectar al servidor de correo"
            case "timeout": what = "el servidor de correo no respondió a tiempo"
            case "login_denied": what = "el servidor de correo no aceptó el usuario y la contraseña"
            case "starttls_unavailable": what = "el servidor de correo no ofrece STARTTLS y la conexión lo requiere"
            case "tls_failed": what = "falló la conexión cifrada (TLS) con el servidor de correo"
            case "rejected": what = "el servidor de correo rechazó el mensaje"
            default: what = "no se pudo entregar el mensaje al servidor de correo"
            }
            return what + reply + (detail.isEmpty ? "" : ": " + detail)
        }
    }
}

extension SMTPError.Field {
    var spanish: String {
        switch self {
        case .recipient: return "el destinatario"
        case .sender: return "el remitente"
        case .senderName: return "el nombre del remitente"
        case .subject: return "el asunto"
        case .text: return "el texto"
        case .html: return "el HTML"
        }
    }
}

/// An address as it goes in the envelope (`MAIL FROM:<…>`, `RCPT TO:<…>`) and in a header: ASCII
/// (no SMTPUTF8), one `@`, a local part of atom characters and dots, a domain of labels; with an
/// optional display name (any Unicode, written per RFC 2047 when it needs to be).
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public let address: String
    public let name: String?

    public static let maximumLength = 254

    public init(address: String, name: String? = nil, field: SMTPError.Field = .recipient) throws(SMTPError) {
        if address.utf8.contains(where: { $0 == 10 || $0 == 13 }) { throw .headerInjection(field: field) }
        guard Self.isValid(address) else { throw .invalidAddress(field: field) }
        if let name {
            if name.utf8.contains(where: { $0 == 10 || $0 == 13 }) { throw .headerInjection(field: .senderName) }
            guard name.count <= 100, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { throw .invalidText(field: .senderName) }
        }
        self.address = address
        self.name = name.flatMap { $0.trimmingSpaces.isEmpty ? nil : $0.trimmingSpaces }
    }

    /// `Nombre <usuario@dominio>` or `usuario@dominio`.
    public static func parse(_ text: String, field: SMTPError.Field) throws(SMTPError) -> MailAddress {
        let trimmed = text.trimmingSpaces
        guard trimmed.utf8.count <= 400 else { throw .invalidAddress(field: field) }
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            return try MailAddress(address: trimmed, field: field)
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = String(trimmed[..<open]).trimmingSpaces
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        return try MailAddress(address: address, name: name.isEmpty ? nil : name, field: field)
    }

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    /// The part after the `@` (for Message-ID).
    var domain: String { address.split(separator: "@").last.map(String.init) ?? "localhost" }

    static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard (3...maximumLength).contains(bytes.count), bytes.filter({ $0 == 0x40 }).count == 1,
            let at = bytes.firstIndex(of: 0x40)
        else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        // RFC 5321: a local part of at most 64 octets, atoms separated by single dots.
        let atomSpecials = Array("!#$%&'*+-/=?^_`{|}~".utf8)
        func isAtom(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || atomSpecials.contains(byte) }
        guard (1...64).contains(local.count), local.first != 0x2E, local.last != 0x2E,
            local.allSatisfy({ isAtom($0) || $0 == 0x2E }), !containsDoubleDot(local)
        else { return false }
        let labels = domain.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard (1...253).contains(domain.count),
            labels.allSatisfy({ label in
                (1...63).contains(label.count) && label.first != 0x2D && label.last != 0x2D
                    && label.allSatisfy { isAlphanumeric($0) || $0 == 0x2D }
            })
        else { return false }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func containsDoubleDot(_ bytes: ArraySlice<UInt8>) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == 0x2E && $1 == 0x2E }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

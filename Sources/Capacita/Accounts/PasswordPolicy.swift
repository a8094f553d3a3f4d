/// What a password must be, said in Spanish. bcrypt reads at most 72 bytes, so a longer password
/// would be cut without telling its owner: it is refused instead.
public struct PasswordPolicy: Sendable, Equatable {
    /// Characters at least (NIST SP 800-63B asks for 8; the issue, 12).
    public var minimumLength: Int
    /// bcrypt's limit, in bytes of UTF-8.
    public static let maximumBytes = 72

    public init(minimumLength: Int = 12) {
        self.minimumLength = minimumLength
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case tooShort(minimum: Int)
        case tooLong
        case controlCharacters
        case mismatch
        case isEmailOrName

        public var key: String {
            switch self {
            case .tooShort: return "password_too_short"
            case .tooLong: return "password_too_long"
            case .controlCharacters: return "password_control_characters"
            case .mismatch: return "password_mismatch"
            case .isEmailOrName: return "password_is_email_or_name"
            }
        }

        public var description: String {
            switch self {
            case .tooShort(let minimum): return "La contraseña debe tener al menos \(minimum) caracteres."
            case .tooLong:
                return
                    "La contraseña es demasiado larga: a lo más \(PasswordPolicy.maximumBytes) bytes (unos 70 caracteres sin acentos)."
            case .controlCharacters:
                return "La contraseña no puede llevar tabuladores, saltos de línea ni otros caracteres de control."
            case .mismatch: return "La contraseña y su confirmación no coinciden."
            case .isEmailOrName: return "La contraseña no puede ser su correo ni su nombre."
            }
        }
    }

    /// The first problem of `password` (confirmed by `confirmation`) for the account of `email`
    /// and `name`, or nil when it is acceptable.
    public func check(_ password: String, confirmation: String, email: String, name: String) -> Problem? {
        if password != confirmation { return .mismatch }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .controlCharacters
        }
        if password.count < minimumLength { return .tooShort(minimum: minimumLength) }
        if password.utf8.count > Self.maximumBytes { return .tooLong }
        let folded = Self.fold(password)
        let local = email.split(separator: "@").first.map { Self.fold(String($0)) } ?? ""
        if folded == Self.fold(email) || folded == Self.fold(name) || (!local.isEmpty && folded == local)
            || folded == Self.fold(name.replacingOccurrences(of: " ", with: ""))
        {
            return .isEmailOrName
        }
        return nil
    }

    private static func fold(_ text: String) -> String {
        text.lowercased().filter { !$0.isWhitespace }
    }
}

/// The e-mails accounts receive, in Spanish, as plain text and HTML. They carry a link and the
/// person's name, never a CURP, a password or a token.
public struct AccountMessage: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String

    /// An invitation to set a password: `link` opens the form; it works once, until `hours` pass.
    public static func invitation(name: String, link: String, hours: Int, invitedBy: String?) -> AccountMessage {
        let by = invitedBy.map { " (\($0))" } ?? ""
        return AccountMessage(
            subject: "Invitación a capacita, Programa Nacional de Capacitación",
            text: """
                Hola, \(name):

                Se le creó una cuenta en capacita\(by), el sistema del Programa Nacional de Capacitación en materia de trata de personas.

                Para activarla, abra este enlace y elija su contraseña:
                \(link)

                El enlace sirve una sola vez y vence en \(hours) horas. Si usted no esperaba este mensaje, ignórelo.
                """,
            html: """
                <p>Hola, \(HTMLText.escape(name)):</p>
                <p>Se le creó una cuenta en capacita\(HTMLText.escape(by)), el sistema del Programa Nacional de Capacitación en materia de trata de personas.</p>
                <p>Para activarla, abra este enlace y elija su contraseña:<br><a href="\(HTMLText.escape(link))">\(HTMLText.escape(link))</a></p>
                <p>El enlace sirve una sola vez y vence en \(hours) horas. Si usted no esperaba este mensaje, ignórelo.</p>
                """)
    }

    /// A password reset: `link` works once, within `minutes`.
    public static func passwordReset(name: String, link: String, minutes: Int) -> AccountMessage {
        AccountMessage(
            subject: "Restablecer su contraseña de capacita",
            text: """
                Hola, \(name):

                Alguien pidió restablecer la contraseña de su cuenta en capacita. Para elegir una nueva, abra este enlace:
                \(link)

                El enlace sirve una sola vez y vence en \(minutes) minutos. Si usted no lo pidió, ignore este mensaje: su contraseña no cambia.
                """,
            html: """
                <p>Hola, \(HTMLText.escape(name)):</p>
                <p>Alguien pidió restablecer la contraseña de su cuenta en capacita. Para elegir una nueva, abra este enlace:<br><a href="\(HTMLText.escape(link))">\(HTMLText.escape(link))</a></p>
                <p>El enlace sirve una sola vez y vence en \(minutes) minutos. Si usted no lo pidió, ignore este mensaje: su contraseña no cambia.</p>
                """)
    }
}

extension AccountMessage {
    /// To a person who already has an account: an enlace assigned them groups to teach. No link
    /// to act on: they sign in as always (`signIn`, the sign-in page's address).
    public static func groupAssignment(name: String, agency: String, groups: [String], signIn: String)
        -> AccountMessage
    {
        let list = groups.joined(separator: ", ")
        return AccountMessage(
            subject: "Grupos asignados en capacita",
            text: """
                Hola, \(name):

                La instancia \(agency) le asignó como instructor(a) de estos grupos en capacita, el sistema del Programa Nacional de Capacitación en materia de trata de personas: \(list).

                Ya tiene una cuenta con este correo: entre como siempre en \(signIn). Si usted no esperaba este mensaje, avise a la Secretaría Técnica.
                """,
            html: """
                <p>Hola, \(HTMLText.escape(name)):</p>
                <p>La instancia \(HTMLText.escape(agency)) le asignó como instructor(a) de estos grupos en capacita, el sistema del Programa Nacional de Capacitación en materia de trata de personas: \(HTMLText.escape(list)).</p>
                <p>Ya tiene una cuenta con este correo: entre como siempre en <a href="\(HTMLText.escape(signIn))">\(HTMLText.escape(signIn))</a>. Si usted no esperaba este mensaje, avise a la Secretaría Técnica.</p>
                """)
    }
}

/// Text made safe inside HTML.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

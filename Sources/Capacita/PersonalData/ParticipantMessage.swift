extension AccountMessage {
    /// The link a participant asked for on `/mis-constancias`: it opens their own page once, within
    /// `minutes`. No name and no CURP: the message goes to the address the agency registered, and
    /// says only what was asked for.
    public static func participantLink(link: String, minutes: Int) -> AccountMessage {
        AccountMessage(
            subject: "Su enlace para consultar sus constancias en capacita",
            text: """
                Hola:

                Se pidió, con su CURP y este correo, consultar sus cursos y constancias del Programa Nacional de Capacitación en materia de trata de personas. Para verlos, abra este enlace:
                \(link)

                El enlace sirve una sola vez y vence en \(minutes) minutos. Si usted no lo pidió, ignore este mensaje: nadie puede entrar sin este enlace.
                """,
            html: """
                <p>Hola:</p>
                <p>Se pidió, con su CURP y este correo, consultar sus cursos y constancias del Programa Nacional de Capacitación en materia de trata de personas. Para verlos, abra este enlace:<br><a href="\(HTMLText.escape(link))">\(HTMLText.escape(link))</a></p>
                <p>El enlace sirve una sola vez y vence en \(minutes) minutos. Si usted no lo pidió, ignore este mensaje: nadie puede entrar sin este enlace.</p>
                """)
    }
}

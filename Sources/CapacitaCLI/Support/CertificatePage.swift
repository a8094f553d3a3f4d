import Capacita
import CapacitaOutput
import CapacitaStore

/// A one-page printable certificate.
enum CertificatePage {
    static let institution = Constancia.institution

    /// The base address with the code appended: `https://…/verificar/` + `ABCD-1234`.
    static func address(_ base: String, code: String) -> String {
        (base.hasSuffix("/") ? base : base + "/") + code
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `verifyAddress`: where the public checks a code (the service's `/verificar/`), when one
    /// is configured; the page then prints the address with the code. Without one, the code alone.
    static func html(_ record: ConstanciaRecord, verifyAddress: String?) -> String {
        let dates = CalendarDate.spanishRange(record.startsOn, record.endsOn)
        let revoked =
            record.revokedAt.map {
                "<p class=\"revoked\">REVOCADA el \(escape($0)): \(escape(record.revokedReason ?? ""))</p>"
            } ?? ""
        let verifyLine =
            verifyAddress.map { "<br>Verifique su autenticidad en " + escape(Self.address($0, code: record.code)) }
            ?? ""
        return """
            <!DOCTYPE html>
            <html lang="es">
            <head>
            <meta charset="utf-8">
            <title>Constancia \(escape(record.folio))</title>
            <style>
              @page { size: letter landscape; margin: 1.5cm; }
              body { font-family: Georgia, serif; text-align: center; color: #222; }
              .frame { border: 6px double #6b1d2a; padding: 2.5em 3em; min-height: 14cm; }
              .institution { font-size: 0.95em; text-transform: uppercase; letter-spacing: 0.05em; }
              h1 { font-size: 2.2em; margin: 0.6em 0 0.2em; color: #6b1d2a; }
              .name { font-size: 1.8em; margin: 0.4em 0; border-bottom: 1px solid #999; display: inline-block; padding: 0 1em; }
              .course { font-size: 1.3em; font-style: italic; }
              .meta { margin-top: 2.5em; font-family: monospace; font-size: 0.95em; }
              .revoked { color: #b00; font-weight: bold; font-size: 1.4em; }
            </style>
            </head>
            <body>
            <div class="frame">
              <p class="institution">\(escape(institution))</p>
              <p>Programa Nacional de Capacitación en materia de trata de personas</p>
              <h1>Constancia</h1>
              <p>a</p>
              <p class="name">\(escape(record.name.full))</p>
              <p>\(escape(record.agencyName))</p>
              <p>por haber acreditado el</p>
              <p class="course">\(escape(record.courseTitle))</p>
              <p>con duración de \(escape(Cell.number(record.hours).display)) horas, impartido \(escape(dates)).</p>
              \(revoked)
              <p class="meta">Folio \(escape(record.folio)) · Código de verificación \(escape(record.code))\(verifyLine)</p>
            </div>
            </body>
            </html>
            """
    }
}

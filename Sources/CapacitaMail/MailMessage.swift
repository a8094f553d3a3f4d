import Foundation

/// One message: a sender, a recipient, a subject, and the same content as plain text and HTML.
/// Checked when made, so nothing a value carries can add a header or break the envelope.
public struct MailMessage: Sendable, Equatable {
    public let from: MailAddress
    public let to: MailAddress
    public let subject: String
    public let text: String
    public let html: String

    /// Characters of a subject (the outbox keeps 200), and bytes of each body.
    public static let maximumSubjectLength = 500
    public static let maximumBodyBytes = 1 << 20

    public init(from: MailAddress, to: MailAddress, subject: String, text: String, html: String) throws(SMTPError) {
        if subject.utf8.contains(where: { $0 == 10 || $0 == 13 }) { throw .headerInjection(field: .subject) }
        guard !subject.isEmpty, subject.count <= Self.maximumSubjectLength,
            !subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .invalidText(field: .subject) }
        guard text.utf8.count <= Self.maximumBodyBytes else { throw .invalidText(field: .text) }
        guard html.utf8.count <= Self.maximumBodyBytes else { throw .invalidText(field: .html) }
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// The message as it is uploaded: RFC 5322 headers (the subject and a non-ASCII sender name
    /// as RFC 2047 encoded-words), a multipart/alternative body with the text and the HTML in
    /// UTF-8, each quoted-printable; CRLF line ends and only ASCII bytes throughout, so it passes
    /// any server, 8BITMIME or not. `date`, `messageID` and `boundary` are fixed by tests.
    public func rendered(date: Date = Date(), messageID: String? = nil, boundary: String? = nil) -> [UInt8] {
        let boundary = boundary ?? "=_capacita_" + MIMEText.randomHex(16)
        let id = messageID ?? "\(MIMEText.randomHex(16))@\(from.domain)"
        var lines = [
            "Date: " + MIMEText.date(date),
            "From: " + MIMEText.mailbox(from),
            "To: " + MIMEText.mailbox(to),
            MIMEText.header("Subject", subject),
            "Message-ID: <\(id)>",
            // RFC 3834: nobody typed this; autoresponders should not answer it.
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
            "",
        ]
        for (type, body) in [("text/plain", text), ("text/html", MIMEText.document(html, title: subject))] {
            lines += [
                "--" + boundary,
                "Content-Type: \(type); charset=UTF-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                MIMEText.quotedPrintable(body),
            ]
        }
        lines.append("--" + boundary + "--")
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}

/// The encodings a message's parts need: RFC 2047 words, RFC 2045 quoted-printable, RFC 5322 dates.
enum MIMEText {
    /// A header whose value is written as is when it is short printable ASCII, and otherwise as
    /// encoded-words (`=?UTF-8?B?…?=`), each whole characters, one per folded line (RFC 2047).
    static func header(_ name: String, _ value: String) -> String {
        let prefix = name + ": "
        if isPlainASCII(value), prefix.utf8.count + value.utf8.count <= 78, !value.contains("=?") {
            return prefix + value
        }
        return prefix + encodedWords(value).joined(separator: "\r\n ")
    }

    /// 39 bytes of UTF-8 are 52 characters of base64, a word of 64: each folded line stays under
    /// 78 characters, and under RFC 2047's 75 per word.
    static func encodedWords(_ value: String, bytesPerWord: Int = 39) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in value {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > bytesPerWord {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// `Nombre <dirección>`, the name as is when it is plain words, quoted when it is other
    /// printable ASCII, encoded-words otherwise.
    static func mailbox(_ address: MailAddress) -> String {
        guard let name = address.name else { return address.address }
        let words = name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x20
        }
        if words { return "\(name) <\(address.address)>" }
        if isPlainASCII(name), !name.contains("=?") {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address.address)>"
        }
        return encodedWords(name).joined(separator: "\r\n ") + " <\(address.address)>"
    }

    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// RFC 2045 §6.7: lines of at most 76 characters (soft breaks `=` at the end), `=XX` for
    /// every byte that is not printable ASCII and for `=` itself, and for a space or tab that ends
    /// a line. A line that starts with `.` or `From ` has that character encoded too: some relays
    /// and mailboxes still mangle such lines. Any line end in the input becomes CRLF.
    static func quotedPrintable(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let lines = normalizedLines(text)
        for (index, line) in lines.enumerated() {
            var column = 0
            let startsWithFrom = line.starts(with: Array("From ".utf8))
            for (position, byte) in line.enumerated() {
                let last = position == line.count - 1
                let literal: Bool
                switch byte {
                case 0x20, 0x09: literal = !last
                case 0x3D: literal = false
                case 0x2E where position == 0: literal = false
                case 0x46 where position == 0 && startsWithFrom: literal = false
                case 0x21...0x7E: literal = true
                default: literal = false
                }
                let width = literal ? 1 : 3
                // Room for the soft break's `=` at the end of a 76-character line.
                if column + width > 75 {
                    out += Array("=\r\n".utf8)
                    column = 0
                }
                if literal {
                    out.append(byte)
                } else {
                    out += [0x3D, hexDigit(byte >> 4), hexDigit(byte & 0x0F)]
                }
                column += width
            }
            if index < lines.count - 1 { out += [0x0D, 0x0A] }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text's lines as bytes, split at CRLF, CR or LF.
    static func normalizedLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var previousCR = false
        for byte in text.utf8 {
            if byte == 0x0A, previousCR {
                previousCR = false
                continue
            }
            previousCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                lines.append([])
            } else {
                lines[lines.count - 1].append(byte)
            }
        }
        return lines
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x41 + value - 10
    }

    /// A whole HTML document around a fragment (the accounts' messages are paragraphs); a
    /// document already whole is left as it is.
    static func document(_ html: String, title: String) -> String {
        let head = html.prefix(200).lowercased()
        if head.contains("<html") || head.contains("<!doctype") { return html }
        return """
            <!DOCTYPE html>
            <html lang="es">
            <head><meta charset="utf-8"><title>\(escapeHTML(title))</title></head>
            <body>
            \(html)
            </body>
            </html>
            """
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// RFC 5322's date, in UTC: `Tue, 05 Mar 2024 14:03:00 +0000`.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(decoding: [hexDigit(byte >> 4), hexDigit(byte & 0x0F)], as: UTF8.self).lowercased()
        }.joined()
    }
}

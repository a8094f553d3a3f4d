import CapacitaMail
import Foundation
import Testing

/// What a message may carry, and the configuration the environment gives, without a server.
@Suite struct MailMessageTests {
    static func sender() throws -> MailAddress {
        try MailAddress(address: "no-responder@ejemplo.gob.mx", name: "capacita", field: .sender)
    }

    @Test func lineBreaksInAnAddressOrTheSubjectAreRefusedAsHeaderInjection() throws {
        #expect(throws: SMTPError.headerInjection(field: .recipient)) {
            try MailAddress(address: "ana@ejemplo.mx\r\nBcc: todos@ejemplo.mx")
        }
        #expect(throws: SMTPError.headerInjection(field: .senderName)) {
            try MailAddress(address: "ana@ejemplo.mx", name: "Ana\nBcc: x@y.mx", field: .sender)
        }
        let to = try MailAddress(address: "ana@ejemplo.mx")
        for subject in ["Hola\r\nBcc: todos@ejemplo.mx", "Hola\nX: y", "Hola\rX: y"] {
            #expect(throws: SMTPError.headerInjection(field: .subject)) {
                try MailMessage(from: try Self.sender(), to: to, subject: subject, text: "t", html: "h")
            }
        }
        #expect(throws: SMTPError.invalidText(field: .subject)) {
            try MailMessage(from: try Self.sender(), to: to, subject: "Hola\u{0}", text: "t", html: "h")
        }
    }

    @Test func addressesThatCannotGoInAnEnvelopeAreRefused() {
        for address in [
            "", "ana", "@ejemplo.mx", "ana@", "ana@@ejemplo.mx", "ana lopez@ejemplo.mx", "<ana@ejemplo.mx>",
            "ana@ejemplo..mx", ".ana@ejemplo.mx", "ana@-ejemplo.mx", "josé@ejemplo.mx", "ana@ejemplo.mx>",
            String(repeating: "a", count: 65) + "@ejemplo.mx",
        ] {
            #expect(throws: SMTPError.invalidAddress(field: .recipient), "\(address)") {
                try MailAddress(address: address)
            }
        }
        #expect((try? MailAddress(address: "ana.lopez+capacita@sub.ejemplo.gob.mx")) != nil)
    }

    @Test func theRenderedMessageIsASCIIWithCRLFAndShortLines() throws {
        let message = try MailMessage(
            from: try Self.sender(), to: try MailAddress(address: "ana@ejemplo.mx"),
            subject: String(repeating: "Acción ", count: 25), text: String(repeating: "ñ", count: 500) + "\nfin",
            html: "<p>\(String(repeating: "é=", count: 300))</p>")
        let bytes = message.rendered(date: Date(timeIntervalSince1970: 0), messageID: "x@ejemplo.gob.mx")
        #expect(bytes.allSatisfy { $0 < 128 })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(text.hasPrefix("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("\r\nMessage-ID: <x@ejemplo.gob.mx>\r\n"))
    }

    @Test func theEnvironmentGivesAConfigurationOrSaysWhatIsWrongInSpanish() throws {
        #expect(try SMTPConfiguration.fromEnvironment([:]) == nil)
        #expect(try SMTPConfiguration.fromEnvironment(["CAPACITA_SMTP_URL": ""]) == nil)

        let plain = try #require(
            try SMTPConfiguration.fromEnvironment([
                "CAPACITA_SMTP_URL": "smtp://correo.ejemplo.gob.mx:587",
                "CAPACITA_MAIL_FROM": "capacita <no-responder@ejemplo.gob.mx>",
            ]))
        #expect(plain.url == "smtp://correo.ejemplo.gob.mx:587" && plain.security == .startTLSWhenOffered)
        #expect(plain.from.address == "no-responder@ejemplo.gob.mx" && plain.from.name == "capacita")

        // With a password, STARTTLS is required unless the server is this machine.
        let withPassword = try #require(
            try SMTPConfiguration.fromEnvironment([
                "CAPACITA_SMTP_URL": "smtp://correo.ejemplo.gob.mx",
                "CAPACITA_MAIL_FROM": "no-responder@ejemplo.gob.mx",
                "CAPACITA_SMTP_USER": "capacita", "CAPACITA_SMTP_PASSWORD": "muy-secreta",
            ]))
        #expect(withPassword.security == .startTLSRequired)
        #expect(!withPassword.description.contains("muy-secreta"))
        let local = try SMTPConfiguration(
            url: "smtp://127.0.0.1:2525", username: "u", password: "p", from: "a@ejemplo.mx")
        #expect(local.security == .startTLSWhenOffered)
        let lookalike = try SMTPConfiguration(
            url: "smtp://127.ejemplo.mx", username: "u", password: "p", from: "a@ejemplo.mx")
        #expect(lookalike.security == .startTLSRequired)
        #expect(try SMTPConfiguration(url: "SMTPS://correo.ejemplo.mx", from: "a@ejemplo.mx").security == .implicitTLS)

        let refused: [([String: String], String)] = [
            (["CAPACITA_SMTP_URL": "smtp://correo.ejemplo.mx"], "CAPACITA_MAIL_FROM"),
            (["CAPACITA_SMTP_URL": "http://correo.ejemplo.mx", "CAPACITA_MAIL_FROM": "a@ejemplo.mx"], "smtp://"),
            (
                ["CAPACITA_SMTP_URL": "smtp://u:p@correo.ejemplo.mx", "CAPACITA_MAIL_FROM": "a@ejemplo.mx"],
                "CAPACITA_SMTP_USER"
            ),
            (["CAPACITA_SMTP_URL": "smtp://correo.ejemplo.mx?x=1", "CAPACITA_MAIL_FROM": "a@ejemplo.mx"], "consulta"),
            (["CAPACITA_SMTP_URL": "smtp://:25", "CAPACITA_MAIL_FROM": "a@ejemplo.mx"], "servidor"),
            (
                ["CAPACITA_SMTP_URL": "smtp://correo.ejemplo.mx", "CAPACITA_MAIL_FROM": "no es correo"],
                "CAPACITA_MAIL_FROM"
            ),
            (
                [
                    "CAPACITA_SMTP_URL": "smtp://correo.ejemplo.mx", "CAPACITA_MAIL_FROM": "a@ejemplo.mx",
                    "CAPACITA_SMTP_USER": "solo-usuario",
                ], "van juntos"
            ),
            (["CAPACITA_SMTP_URL": "smtp://correo.ejemplo.mx\r\n", "CAPACITA_MAIL_FROM": "a@ejemplo.mx"], "smtp://"),
        ]
        for (environment, words) in refused {
            #expect(
                performing: { try SMTPConfiguration.fromEnvironment(environment) },
                throws: { ($0 as? SMTPConfigurationError)?.description.contains(words) == true })
        }
    }
}

import CapacitaMail
import Foundation
import TestSupport
import Testing

/// The SMTP client against a real server (aiosmtpd, `scripts/smtp-sink`), each message read back as
/// Python's `email` package parses it: the code under test does not check its own encoding.
@Suite struct SMTPClientTests {
    static let subject = "Invitación a capacita: acción, señal y niño — ¿listo? 😀 con un asunto largo que se pliega"
    static let text = """
        Hola, Ramón Muñoz:

        Su cuenta está lista. Línea con = signo y espacio final 
        .una línea que empieza con punto
        From aquí empieza otra
        \(String(repeating: "áéíóú ", count: 40))
        """
    static let html = "<p>Hola, <b>Ramón</b>: acción &amp; señal</p>"

    static func configuration(_ sink: SMTPSink, user: String? = nil, password: String? = nil) throws
        -> SMTPConfiguration
    {
        try SMTPConfiguration(
            url: sink.url, username: user, password: password,
            from: "Capacitación SESNSP <no-responder@ejemplo.gob.mx>",
            connectTimeout: .seconds(5), timeout: .seconds(30))
    }

    static func message(to recipient: String = "ana.lopez@ejemplo.gob.mx") throws -> MailMessage {
        try MailMessage(
            from: MailAddress.parse("Capacitación SESNSP <no-responder@ejemplo.gob.mx>", field: .sender),
            to: MailAddress(address: recipient), subject: subject, text: text, html: html)
    }

    @Test func aMessageArrivesWithItsSubjectDecodedBothPartsAndAccentsIntact() throws {
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        try SMTPClient(configuration: try Self.configuration(sink)).send(try Self.message())

        let received = try sink.messages()
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.parseError == nil)
        #expect(mail.mailFrom == "no-responder@ejemplo.gob.mx")
        #expect(mail.recipients == ["ana.lopez@ejemplo.gob.mx"])
        #expect(mail.subject == Self.subject)
        #expect(mail.from == "Capacitación SESNSP <no-responder@ejemplo.gob.mx>")
        #expect(mail.to == "ana.lopez@ejemplo.gob.mx")
        #expect(mail.contentType == "multipart/alternative")
        #expect(mail.parts?.map(\.contentType) == ["text/plain", "text/html"])
        #expect(mail.parts?.allSatisfy { $0.charset == "utf-8" } == true)
        // The text as written, line ends as CRLF (the wire's), the trailing space kept.
        #expect(mail.text?.replacingOccurrences(of: "\r\n", with: "\n") == Self.text)
        #expect(mail.html?.contains(Self.html) == true)
        #expect(mail.html?.contains("<html lang=\"es\">") == true)
        #expect(mail.date != nil && mail.messageID?.hasSuffix("@ejemplo.gob.mx>") == true)
        // What a strict relay refuses: nothing of it.
        #expect(mail.defects == [])
        #expect(mail.bareLF == false && mail.longLines == false && mail.eightBit == false)
    }

    @Test func credentialsAreUsedWhenGivenAndRefusedWhenWrong() throws {
        let sink = try SMTPSink.start(auth: "capacita:s3creto-de-prueba")
        defer { sink.stop() }
        try SMTPClient(configuration: try Self.configuration(sink, user: "capacita", password: "s3creto-de-prueba"))
            .send(try Self.message())
        #expect(try sink.messages().map(\.authenticatedAs) == ["capacita"])

        #expect {
            try SMTPClient(configuration: try Self.configuration(sink, user: "capacita", password: "otra"))
                .send(try Self.message())
        } throws: { error in
            guard let error = error as? SMTPError else { return false }
            return error.key == "login_denied" && !error.isPermanent && !error.description.contains("otra")
        }
        #expect(try sink.messages().count == 1)
    }

    @Test func aRecipientTheServerRefusesIsAPermanentFailure() throws {
        let sink = try SMTPSink.start(rejectPrefix: "nadie")
        defer { sink.stop() }
        #expect {
            try SMTPClient(configuration: try Self.configuration(sink)).send(
                try Self.message(to: "nadie@ejemplo.gob.mx"))
        } throws: { error in
            guard case .delivery(_, 550, _)? = error as? SMTPError else { return false }
            return (error as? SMTPError)?.isPermanent == true
                && (error as? SMTPError)?.description.contains("nadie") == false
        }
        #expect(try sink.messages().isEmpty)
    }

    @Test func aStoppedServerIsATransientFailure() throws {
        let sink = try SMTPSink.start()
        let configuration = try Self.configuration(sink)
        sink.stop()
        #expect {
            try SMTPClient(configuration: configuration).send(try Self.message())
        } throws: { error in
            (error as? SMTPError)?.key == "connection_refused" && (error as? SMTPError)?.isPermanent == false
        }
    }

    @Test func anAsyncCallerSendsOnAThreadOfItsOwn() async throws {
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let client = SMTPClient(configuration: try Self.configuration(sink))
        async let first: Void = client.sendOnOwnThread(try Self.message(to: "uno@ejemplo.gob.mx"))
        async let second: Void = client.sendOnOwnThread(try Self.message(to: "dos@ejemplo.gob.mx"))
        _ = try await (first, second)
        #expect(Set(try sink.messages().flatMap(\.recipients)) == ["uno@ejemplo.gob.mx", "dos@ejemplo.gob.mx"])
    }
}

import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaServer
import CapacitaStore
import Foundation
import Logging

/// The outbox from the command line: deliver what is due now, and see what has not gone out.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Correo: la cola de mensajes (invitaciones, restablecer contraseña) y su envío por SMTP.",
        discussion: """
            El servidor es CAPACITA_SMTP_URL (smtp://servidor:puerto, con STARTTLS si lo ofrece, o smtps://), \
            con CAPACITA_SMTP_USER y CAPACITA_SMTP_PASSWORD si pide usuario, y el remitente CAPACITA_MAIL_FROM. \
            El servicio (capacita serve) envía la cola solo; estas órdenes sirven sin él.
            """,
        subcommands: [Send.self, List.self]
    )

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Envía ahora los mensajes pendientes cuyo intento toca (con --all, también los que esperan reintento).")

        @Flag(name: .long, help: "También los mensajes que esperan su siguiente intento.")
        var all = false
        @Option(
            name: .customLong("test"),
            help: ArgumentHelp("Antes, pone en la cola un mensaje de prueba para este correo.", valueName: "correo"))
        var testRecipient: String?
        @OptionGroup var output: FormatOption

        func validate() throws {
            if output.format == .xlsx { throw ValidationError("el resumen del envío no se escribe en un libro") }
            if let testRecipient, AccountEmail.normalize(testRecipient) == nil {
                throw ValidationError("--test necesita un correo válido")
            }
        }

        func run() throws {
            let settings: MailSettings
            do {
                guard let configured = try MailSettings.fromEnvironment() else {
                    throw Refused(
                        message:
                            "No hay servidor de correo: defina CAPACITA_SMTP_URL y CAPACITA_MAIL_FROM; los mensajes esperan en la cola."
                    )
                }
                settings = configured
            } catch let error as MailConfigurationError {
                throw Refused(message: error.description)
            }
            let connection = try Database.connect()
            if let testRecipient, let recipient = AccountEmail.normalize(testRecipient) {
                let id = try connection.withTransaction { connection in
                    try MailOutbox(connection: connection).enqueue(MailCommand.testMessage(to: recipient))
                }
                Failure.printError("Mensaje de prueba \(id) en la cola para \(recipient).")
            }
            // The deliverer acts for no one: claiming returns the bodies, which no request may read.
            connection.act(as: nil)
            var logger = Logger(label: "capacita.mail")
            logger.logLevel = .critical
            let report = try MailDeliverer(settings: settings, logger: logger).deliverDue(
                connection: connection, dueBy: all ? Date.distantFuture : nil)
            switch output.format {
            case .table, .xlsx:
                let line =
                    "Enviados: \(report.sent); por reintentar: \(report.retrying); abandonados: \(report.gaveUp)."
                try output.emit(report.attempted == 0 ? "No había mensajes por enviar." : line)
            case .json, .csv:
                try output.emit(
                    Record([
                        ("sent", .int(report.sent)), ("retrying", .int(report.retrying)),
                        ("gave_up", .int(report.gaveUp)),
                    ]), sheet: "Envío")
            }
            // Some did not go out: the command did not do all it was asked (exit 1, with the reason's place).
            if report.retrying + report.gaveUp > 0 {
                throw Refused(
                    message:
                        "\(Plural.count(report.retrying + report.gaveUp, "mensaje no salió", "mensajes no salieron")); vea el motivo con: capacita mail list"
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lista los mensajes pendientes y los abandonados (nunca su texto).")

        @Option(name: .long, help: ArgumentHelp("A lo más estos mensajes (1 a 10000).", valueName: "n"))
        var limit = 1000
        @OptionGroup var output: FormatOption

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit va de 1 a 10000") }
        }

        func run() throws {
            let messages = try MailOutbox(connection: try Database.connect()).list(limit: limit)
            try output.emit(
                Table(
                    columns: [
                        "id", "recipient", "kind", "status", "attempts", "created_at", "next_attempt_at", "failed_at",
                        "subject", "last_error",
                    ],
                    rows: messages.map { message in
                        [
                            .int(Int(message.id)), .text(message.recipient), .code(message.kind), .code(message.status),
                            .int(message.attempts), .text(MailCommand.minute(message.createdAt)),
                            message.nextAttemptAt.map { .text(MailCommand.minute($0)) } ?? .null,
                            message.failedAt.map { .text(MailCommand.minute($0)) } ?? .null,
                            .text(message.subject), message.lastError.map(Cell.text) ?? .null,
                        ]
                    }), sheet: "Correo")
            if output.format == .table, messages.isEmpty, output.out == nil {
                Failure.printError("No hay mensajes pendientes ni abandonados.")
            }
        }
    }

    /// `YYYY-MM-DD HH:MM` in UTC, as the token list writes its times.
    static func minute(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// A message that says only that mail works.
    static func testMessage(to recipient: String) -> OutgoingMail {
        OutgoingMail(
            recipient: recipient, subject: "Prueba de correo de capacita",
            text: """
                Este es un mensaje de prueba de capacita, el sistema del Programa Nacional de Capacitación.

                Si lo recibió, el correo del sistema funciona. No necesita responder.
                """,
            html: """
                <p>Este es un mensaje de prueba de capacita, el sistema del Programa Nacional de Capacitación.</p>
                <p>Si lo recibió, el correo del sistema funciona. No necesita responder.</p>
                """,
            kind: .test)
    }
}

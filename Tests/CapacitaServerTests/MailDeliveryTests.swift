import CapacitaServer
import CapacitaStore
import Foundation
import Logging
import Postgres
import Synchronization
import TestSupport
import Testing

/// Delivery from the outbox to a real SMTP server (aiosmtpd, `scripts/smtp-sink`), on the
/// application role's own connections acting for no one, as the service delivers.
@Suite struct MailDeliveryTests {
    /// A migrated database: the superuser's URL (to look at the table) and the service role's.
    static func withDatabase<T>(_ body: (_ owner: Connection, _ appURL: String) async throws -> T) async throws -> T {
        let (name, url) = try TestDatabase.create()
        defer { TestDatabase.drop(name) }
        let owner = try Connection(url)
        try MigrationRunner(
            connection: owner,
            migrations: try Migration.load(from: TestDatabase.projectRoot.appendingPathComponent("db/migrations"))
        ).migrate()
        guard var app = URLComponents(string: url) else { throw MailTestError(message: "cannot parse \(url)") }
        app.user = "capacita_app"
        guard let appURL = app.string else { throw MailTestError(message: "cannot build the app URL") }
        return try await body(owner, appURL)
    }

    static func settings(_ url: String, maxAttempts: Int? = nil) throws -> MailSettings {
        var environment = ["CAPACITA_SMTP_URL": url, "CAPACITA_MAIL_FROM": "capacita <no-responder@ejemplo.gob.mx>"]
        if let maxAttempts { environment["CAPACITA_MAIL_MAX_ATTEMPTS"] = String(maxAttempts) }
        guard let settings = try MailSettings.fromEnvironment(environment) else {
            throw MailTestError(message: "no mail settings")
        }
        return settings
    }

    static func invitation(_ recipient: String) -> OutgoingMail {
        OutgoingMail(
            recipient: recipient, subject: "Invitación a capacita, Programa Nacional de Capacitación",
            text: "Hola, Ramón Muñoz:\n\nAbra este enlace: https://capacita.ejemplo.gob.mx/invitacion?t=abc\n",
            html:
                "<p>Hola, Ramón Muñoz:</p><p><a href=\"https://capacita.ejemplo.gob.mx/invitacion?t=abc\">enlace</a></p>",
            kind: .invitation)
    }

    static func row(_ owner: Connection, _ id: Int64) throws -> (attempts: Int, next: Date, sent: Bool, failed: Bool) {
        guard
            let row = try owner.query(
                """
                SELECT attempts, next_attempt_at, sent_at IS NOT NULL AS sent, failed_at IS NOT NULL AS failed
                FROM mail_outbox WHERE id = $1
                """, [id]
            ).rows.first
        else { throw MailTestError(message: "no message \(id)") }
        return (
            try row.decode("attempts"), try row.decode("next_attempt_at"), try row.decode("sent"),
            try row.decode("failed")
        )
    }

    @Test func aMessageWaitsWhileTheServerIsDownAndIsSentOnceWhenItIsBack() async throws {
        try await Self.withDatabase { owner, appURL in
            let connection = try Connection(appURL)
            let id = try MailOutbox(connection: connection).enqueue(Self.invitation("ramon.munoz@ejemplo.gob.mx"))
            let before = try Self.row(owner, id).next

            // The server is down: a refused connection, counted, tried again in a minute.
            let down = try SMTPSink.start()
            let port = down.port
            down.stop()
            let deliverer = MailDeliverer(
                settings: try Self.settings("smtp://127.0.0.1:\(port)"), logger: Logger(label: "t"))
            let now = Date()
            let first = try deliverer.deliverDue(connection: connection, now: now)
            #expect(first.retrying == 1 && first.sent == 0 && first.gaveUp == 0)
            let waiting = try Self.row(owner, id)
            #expect(waiting.attempts == 1 && !waiting.sent && !waiting.failed)
            #expect(abs(waiting.next.timeIntervalSince(now.addingTimeInterval(60))) < 0.01)
            #expect(waiting.next > before)
            connection.act(as: .admin("pruebas"))
            let listed = try MailOutbox(connection: connection).list()
            connection.act(as: nil)
            #expect(listed.map(\.status) == ["pending"])
            #expect(listed.first?.lastError?.hasPrefix("connection_refused") == true)

            // Not due yet: a pass now leaves it alone.
            #expect(try deliverer.deliverDue(connection: connection).attempted == 0)

            // The server is back, and the retry is due (driven by time given, not waited for).
            let sink = try SMTPSink.start(port: port)
            defer { sink.stop() }
            let second = try deliverer.deliverDue(connection: connection, dueBy: now.addingTimeInterval(120))
            #expect(second.sent == 1 && second.attempted == 1)
            let third = try deliverer.deliverDue(connection: connection, dueBy: now.addingTimeInterval(86400))
            #expect(third.attempted == 0)
            let received = try sink.messages()
            #expect(received.count == 1)
            #expect(received.first?.recipients == ["ramon.munoz@ejemplo.gob.mx"])
            #expect(received.first?.subject == "Invitación a capacita, Programa Nacional de Capacitación")
            #expect(received.first?.text?.contains("Hola, Ramón Muñoz:") == true)
            #expect(received.first?.html?.contains("<p>Hola, Ramón Muñoz:</p>") == true)
            let sent = try Self.row(owner, id)
            #expect(sent.sent && sent.attempts == 2)
        }
    }

    @Test func twoDeliverersAtOnceSendEachMessageOnce() async throws {
        try await Self.withDatabase { owner, appURL in
            let sink = try SMTPSink.start()
            defer { sink.stop() }
            let setup = try Connection(appURL)
            let recipients = (1...24).map { "persona\($0)@ejemplo.gob.mx" }
            for recipient in recipients { try MailOutbox(connection: setup).enqueue(Self.invitation(recipient)) }
            let settings = try Self.settings(sink.url)
            let connections = [try Connection(appURL), try Connection(appURL)]
            let reports = Mutex<[MailDeliverer.Report]>([])
            let failures = Mutex<[String]>([])
            // Both start together and each walks the whole queue.
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for connection in connections {
                group.enter()
                Thread {
                    defer { group.leave() }
                    start.wait()
                    do {
                        let report = try MailDeliverer(settings: settings, logger: Logger(label: "t"))
                            .deliverDue(connection: connection)
                        reports.withLock { $0.append(report) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }.start()
            }
            start.signal()
            start.signal()
            group.wait()
            #expect(failures.withLock { $0 } == [])
            #expect(reports.withLock { $0.map(\.sent).reduce(0, +) } == 24)
            let received = try sink.messages().flatMap(\.recipients)
            #expect(received.count == 24)
            #expect(Set(received) == Set(recipients))
            #expect(
                try owner.query("SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL AND attempts = 1")
                    .scalar(Int.self) == 24)
        }
    }

    @Test func aRefusedRecipientIsGivenUpAtOnceAndOthersAfterTheLastAttempt() async throws {
        try await Self.withDatabase { owner, appURL in
            let sink = try SMTPSink.start(rejectPrefix: "nadie")
            defer { sink.stop() }
            let connection = try Connection(appURL)
            let refused = try MailOutbox(connection: connection).enqueue(Self.invitation("nadie@ejemplo.gob.mx"))
            let deliverer = MailDeliverer(
                settings: try Self.settings(sink.url, maxAttempts: 2), logger: Logger(label: "t"))
            let report = try deliverer.deliverDue(connection: connection)
            #expect(report.gaveUp == 1)
            let given = try Self.row(owner, refused)
            #expect(given.failed && given.attempts == 1)

            // A server that is down: the second attempt is the last.
            let down = try SMTPSink.start()
            let port = down.port
            down.stop()
            let offline = MailDeliverer(
                settings: try Self.settings("smtp://127.0.0.1:\(port)", maxAttempts: 2), logger: Logger(label: "t"))
            let id = try MailOutbox(connection: connection).enqueue(Self.invitation("ana@ejemplo.gob.mx"))
            let now = Date()
            #expect(try offline.deliverDue(connection: connection, now: now).retrying == 1)
            #expect(try offline.deliverDue(connection: connection, dueBy: now.addingTimeInterval(3600)).gaveUp == 1)
            let last = try Self.row(owner, id)
            #expect(last.failed && last.attempts == 2)
        }
    }

    @Test func theRetriesDoubleFromAMinuteToAnHour() throws {
        let settings = try Self.settings("smtp://127.0.0.1:2525")
        let delays = (1...9).map { settings.retryDelay(afterAttempts: $0).components.seconds }
        #expect(delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600])
        #expect(settings.retryDelay(afterAttempts: 500) == .seconds(3600))
        #expect(settings.maxAttempts == 10)
        #expect(
            performing: { try Self.settings("smtp://127.0.0.1:2525", maxAttempts: 0) },
            throws: { ($0 as? MailConfigurationError)?.description.contains("CAPACITA_MAIL_MAX_ATTEMPTS") == true })
    }

    @Test func theFirstRetryAndTheIntervalComeFromTheEnvironmentWithinTheirBounds() throws {
        let base = ["CAPACITA_SMTP_URL": "smtp://127.0.0.1:2525", "CAPACITA_MAIL_FROM": "capacita@ejemplo.gob.mx"]
        let defaults = try #require(try MailSettings.fromEnvironment(base))
        #expect(defaults.interval == .seconds(10) && defaults.firstRetry == .seconds(60))
        let quick = try #require(
            try MailSettings.fromEnvironment(
                base.merging(["CAPACITA_MAIL_FIRST_RETRY": "2", "CAPACITA_MAIL_INTERVAL": "1"]) { $1 }))
        #expect(quick.interval == .seconds(1))
        #expect((1...4).map { quick.retryDelay(afterAttempts: $0).components.seconds } == [2, 4, 8, 16])
        for (name, value) in [
            ("CAPACITA_MAIL_FIRST_RETRY", "0"), ("CAPACITA_MAIL_FIRST_RETRY", "3601"),
            ("CAPACITA_MAIL_INTERVAL", "301"), ("CAPACITA_MAIL_INTERVAL", "1s"),
            ("CAPACITA_MAIL_INTERVAL", String(repeating: "9", count: 40)),
        ] {
            #expect(
                performing: { try MailSettings.fromEnvironment(base.merging([name: value]) { $1 }) },
                throws: { ($0 as? MailConfigurationError)?.description.hasPrefix(name) == true })
        }
    }

    @Test func theServiceDeliversInTheBackgroundAndLogsNoAddressOrBody() async throws {
        try await Self.withDatabase { _, appURL in
            let sink = try SMTPSink.start()
            defer { sink.stop() }
            let pool = try ConnectionPool(conninfo: appURL, size: 2)
            defer { pool.shutdown() }
            let records = LogRecords()
            let logger = Logger(label: "mail") { _ in RecordingLogHandler(records: records) }
            var settings = try Self.settings(sink.url)
            settings.interval = .milliseconds(50)
            // A refusal under a loaded machine (the sink slow to answer) is tried again a second
            // later, not a minute: what is asserted is the delivery and its log, not the backoff.
            settings.firstRetry = .seconds(1)
            try MailOutbox(connection: try Connection(appURL)).enqueue(Self.invitation("ramon.munoz@ejemplo.gob.mx"))
            let service = Task { try await MailDeliveryService(settings: settings, pool: pool, logger: logger).run() }
            // Waits for the outcome (bounded), not for a time: the path is the same however long it takes.
            // The sink has the message before the deliverer records and logs it, so the wait is for the log.
            let deadline = ContinuousClock.now + .seconds(240)
            while !records.all.contains(where: { $0.contains("mail sent") }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            service.cancel()
            try await service.value
            let logged = records.all
            #expect(
                try sink.messages().flatMap(\.recipients) == ["ramon.munoz@ejemplo.gob.mx"],
                "the service logged: \(logged.joined(separator: " | "))")
            #expect(logged.contains { $0.contains("mail sent") && $0.contains("r…@ejemplo.gob.mx") })
            #expect(!logged.contains { $0.contains("ramon.munoz") || $0.contains("Muñoz") || $0.contains("t=abc") })
        }
    }
}

/// Every log line, message and metadata, as text.
final class LogRecords: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        records.add("\(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })")
    }
}

struct MailTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

import Capacita
import CapacitaMail
import CapacitaStore
import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// How mail is delivered: the SMTP server (`SMTPConfiguration`, from CAPACITA_SMTP_URL,
/// CAPACITA_SMTP_USER, CAPACITA_SMTP_PASSWORD and CAPACITA_MAIL_FROM), how often the outbox is
/// looked at (CAPACITA_MAIL_INTERVAL, 10 s by default), and the retries: 1 minute after the first
/// failure (CAPACITA_MAIL_FIRST_RETRY), doubling to at most an hour, given up after `maxAttempts`
/// (CAPACITA_MAIL_MAX_ATTEMPTS, 10 by default: about five hours).
public struct MailSettings: Sendable {
    public var smtp: SMTPConfiguration
    /// Between two looks at the outbox when the last one found nothing to do.
    public var interval: Duration
    public var maxAttempts: Int
    public var firstRetry: Duration
    public var maxRetry: Duration

    public init(
        smtp: SMTPConfiguration, interval: Duration = .seconds(10), maxAttempts: Int = 10,
        firstRetry: Duration = .seconds(60), maxRetry: Duration = .seconds(3600)
    ) {
        self.smtp = smtp
        self.interval = interval
        self.maxAttempts = min(max(maxAttempts, 1), 50)
        self.firstRetry = firstRetry
        self.maxRetry = maxRetry
    }

    /// The settings the environment gives; nil when CAPACITA_SMTP_URL is unset or empty (messages
    /// wait in the outbox). Anything set but wrong is an error, said in Spanish.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(MailConfigurationError) -> MailSettings? {
        let smtp: SMTPConfiguration?
        do {
            smtp = try SMTPConfiguration.fromEnvironment(environment)
        } catch {
            throw MailConfigurationError(description: error.description)
        }
        guard let smtp else { return nil }
        var settings = MailSettings(smtp: smtp)
        if let text = environment["CAPACITA_MAIL_MAX_ATTEMPTS"], !text.isEmpty {
            guard let attempts = Int(text), (1...50).contains(attempts) else {
                throw MailConfigurationError(description: "CAPACITA_MAIL_MAX_ATTEMPTS va de 1 a 50")
            }
            settings.maxAttempts = attempts
        }
        if let seconds = try seconds(environment, "CAPACITA_MAIL_INTERVAL", within: 1...300) {
            settings.interval = .seconds(seconds)
        }
        if let seconds = try seconds(environment, "CAPACITA_MAIL_FIRST_RETRY", within: 1...3600) {
            settings.firstRetry = .seconds(seconds)
        }
        return settings
    }

    /// A whole number of seconds in `range`; nil when the variable is unset or empty.
    private static func seconds(
        _ environment: [String: String], _ name: String, within range: ClosedRange<Int>
    ) throws(MailConfigurationError) -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard text.utf8.count <= 8, let value = Int(text), range.contains(value) else {
            throw MailConfigurationError(
                description: "\(name): segundos, de \(range.lowerBound) a \(range.upperBound)")
        }
        return value
    }

    /// The wait before the next attempt, after `attempts` attempts (this one included) failed.
    public func retryDelay(afterAttempts attempts: Int) -> Duration {
        let doublings = min(max(attempts - 1, 0), 30)
        let seconds = firstRetry.components.seconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        let capped =
            seconds.overflow ? maxRetry.components.seconds : min(seconds.partialValue, maxRetry.components.seconds)
        return .seconds(capped)
    }

    /// How long a claimed message stays another instance's to leave alone: one whole exchange
    /// (the SMTP timeout) and a minute to record it. Messages are claimed one at a time.
    var lease: Duration { smtp.timeout + .seconds(60) }
}

public struct MailConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Delivers what is due in the outbox: claims one message at a time (a lease other instances
/// respect), sends it, and records it sent, or failed with its next attempt (backoff) or given up
/// (a permanent refusal, or the last attempt). Logs name a message by id and kind and its
/// recipient masked (`a…@dominio`), never the whole address or a body.
public struct MailDeliverer: Sendable {
    public let settings: MailSettings
    let client: SMTPClient
    let logger: Logger

    public init(settings: MailSettings, logger: Logger) {
        self.settings = settings
        self.client = SMTPClient(configuration: settings.smtp)
        self.logger = logger
    }

    /// What one pass did.
    public struct Report: Sendable, Equatable {
        public var sent = 0
        /// Failed this time, to be tried again.
        public var retrying = 0
        /// Failed for good this time.
        public var gaveUp = 0

        public init() {}

        public var attempted: Int { sent + retrying + gaveUp }
    }

    /// One pass over the outbox on `connection` (which must act for no one): every message due by
    /// `dueBy` (now, by the database's clock, when nil), each tried once, its next attempt counted
    /// from `now`. Blocking: for the command line and the tests; the service uses the pool's
    /// version, which sends off the cooperative pool.
    public func deliverDue(connection: Connection, dueBy: Date? = nil, now: Date = Date()) throws -> Report {
        let outbox = MailOutbox(connection: connection)
        var report = Report()
        var after: Int64 = 0
        while let message = try outbox.claim(limit: 1, lease: settings.lease, dueBy: dueBy, after: after).first {
            after = message.id
            let outcome = attempt(message) { mail throws(SMTPError) in try client.send(mail) }
            try record(outcome, of: message, now: now, outbox: outbox, report: &report)
        }
        return report
    }

    /// The same pass for the service: the outbox through `pool` (a connection held only for each
    /// statement), each message sent on a thread of its own. Stops between messages once the
    /// service is shutting down.
    public func deliverDue(pool: ConnectionPool, dueBy: Date? = nil) async throws -> Report {
        var report = Report()
        var after: Int64 = 0
        let lease = settings.lease
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let from = after
            guard
                let message = try await pool.withConnection({ connection in
                    try MailOutbox(connection: connection).claim(limit: 1, lease: lease, dueBy: dueBy, after: from)
                        .first
                })
            else { break }
            after = message.id
            let outcome: Result<Void, SMTPError>
            switch Self.message(message, from: settings.smtp.from) {
            case .failure(let error): outcome = .failure(error)
            case .success(let mail):
                do throws(SMTPError) {
                    try await client.sendOnOwnThread(mail)
                    outcome = .success(())
                } catch {
                    outcome = .failure(error)
                }
            }
            let now = Date()
            let counted = try await pool.withConnection { [self] connection -> Report in
                var counted = Report()
                try record(outcome, of: message, now: now, outbox: MailOutbox(connection: connection), report: &counted)
                return counted
            }
            report.sent += counted.sent
            report.retrying += counted.retrying
            report.gaveUp += counted.gaveUp
        }
        return report
    }

    /// The claimed row as a message; refused (permanently) when it cannot be one.
    static func message(_ claimed: MailOutbox.Claimed, from: MailAddress) -> Result<MailMessage, SMTPError> {
        do throws(SMTPError) {
            return .success(
                try MailMessage(
                    from: from, to: try MailAddress(address: claimed.recipient), subject: claimed.subject,
                    text: claimed.text, html: claimed.html))
        } catch {
            return .failure(error)
        }
    }

    private func attempt(
        _ claimed: MailOutbox.Claimed, send: (MailMessage) throws(SMTPError) -> Void
    ) -> Result<Void, SMTPError> {
        switch Self.message(claimed, from: settings.smtp.from) {
        case .failure(let error): return .failure(error)
        case .success(let mail):
            do throws(SMTPError) {
                try send(mail)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
    }

    private func record(
        _ outcome: Result<Void, SMTPError>, of message: MailOutbox.Claimed, now: Date, outbox: MailOutbox,
        report: inout Report
    ) throws {
        var metadata: Logger.Metadata = [
            "mail.id": "\(message.id)", "mail.kind": "\(message.kind)",
            "mail.to": "\(AccountEmail.masked(message.recipient))", "mail.attempt": "\(message.attempts + 1)",
        ]
        switch outcome {
        case .success:
            try outbox.sent(message.id)
            report.sent += 1
            logger.info("mail sent", metadata: metadata)
        case .failure(let error):
            let attempts = message.attempts + 1
            let giveUp = error.isPermanent || attempts >= settings.maxAttempts
            let delay = settings.retryDelay(afterAttempts: attempts)
            let retryAt = now.addingTimeInterval(Double(delay.components.seconds))
            try outbox.failed(
                message.id, error: "\(error.key): \(error.description)", retryAt: giveUp ? nil : retryAt,
                giveUp: giveUp)
            metadata["mail.error"] = "\(error.key)"
            metadata["mail.detail"] = "\(error.description)"
            if giveUp {
                report.gaveUp += 1
                logger.error("mail given up", metadata: metadata)
            } else {
                report.retrying += 1
                metadata["mail.retry_in_seconds"] = "\(delay.components.seconds)"
                logger.warning("mail not sent; will retry", metadata: metadata)
            }
        }
    }
}

/// The outbox's deliverer as a service beside the HTTP server: a pass over what is due, then a
/// wait of `settings.interval`, until the service shuts down (a message being sent then finishes;
/// the rest wait for the next start or another instance). A pass that fails (the database away)
/// is logged and tried again after the wait: the service never stops for it.
public struct MailDeliveryService: Service {
    let deliverer: MailDeliverer
    let pool: ConnectionPool
    let logger: Logger

    public init(settings: MailSettings, pool: ConnectionPool, logger: Logger) {
        self.deliverer = MailDeliverer(settings: settings, logger: logger)
        self.pool = pool
        self.logger = logger
    }

    public func run() async throws {
        logger.info(
            "mail delivery started",
            metadata: [
                "smtp": "\(deliverer.settings.smtp.url)", "smtp.security": "\(deliverer.settings.smtp.security)",
            ])
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let report = try await deliverer.deliverDue(pool: pool)
                if report.attempted > 0 {
                    logger.info(
                        "mail pass",
                        metadata: [
                            "mail.sent": "\(report.sent)", "mail.retrying": "\(report.retrying)",
                            "mail.gave_up": "\(report.gaveUp)",
                        ])
                }
            } catch {
                logger.error("mail pass failed", metadata: ["error": "\(Curp.redact(String(describing: error)))"])
            }
            let interval = deliverer.settings.interval
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
    }
}

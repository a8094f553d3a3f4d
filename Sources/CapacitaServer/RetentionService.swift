import Capacita
import CapacitaStore
import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// The retention pass on a schedule, beside the HTTP server, like the mail deliverer: every
/// `interval`, the people whose last activity is older than `policy` allows have their identity
/// cancelled (`PersonalDataStore.applyRetention`), acting as the Secretaría Técnica under the user
/// name `retencion` (what the audit rows say). Off unless configured (CAPACITA_RETENTION_EVERY).
/// Several instances may run it: each person is cancelled in a transaction of their own that locks
/// their record, and one cancelled already is no longer due. A pass that fails is logged and tried
/// again after the wait. Logs carry counts, never a CURP.
public struct RetentionService: Service {
    let policy: RetentionPolicy
    let interval: Duration
    let pool: ConnectionPool
    let logger: Logger

    public static let user = "retencion"
    /// The environment variable that turns the schedule on: hours between passes (1 to 720).
    public static let variable = "CAPACITA_RETENTION_EVERY"

    public init(policy: RetentionPolicy, interval: Duration, pool: ConnectionPool, logger: Logger) {
        self.policy = policy
        self.interval = interval
        self.pool = pool
        self.logger = logger
    }

    /// The interval the environment asks for; nil when unset (off); an error when set but wrong.
    public static func interval(_ environment: [String: String]) throws(RetentionConfigurationError) -> Duration? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let hours = Int(text), (1...720).contains(hours) else {
            throw RetentionConfigurationError(description: "\(variable): horas entre pasadas, de 1 a 720")
        }
        return .seconds(hours * 3600)
    }

    /// One pass, on a pooled connection.
    public func pass(today: CalendarDate = ArcoStore.today) async throws -> PersonalDataStore.RetentionOutcome {
        let policy = self.policy
        return try await pool.withConnection(settings: []) { connection in
            connection.act(as: .admin(Self.user))
            return try PersonalDataStore(connection: connection).applyRetention(policy: policy, today: today)
        }
    }

    public func run() async throws {
        logger.info("retention started", metadata: ["retention.years": "\(policy.years)"])
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let outcome = try await pass()
                logger.info(
                    "retention pass",
                    metadata: [
                        "retention.cutoff": "\(outcome.cutoff)", "retention.cancelled": "\(outcome.cancelled)",
                        "retention.skipped": "\(outcome.skipped.count)", "retention.failed": "\(outcome.failed)",
                    ])
            } catch {
                logger.error("retention pass failed", metadata: ["error": "\(Curp.redact(String(describing: error)))"])
            }
            let interval = self.interval
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
    }
}

public struct RetentionConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

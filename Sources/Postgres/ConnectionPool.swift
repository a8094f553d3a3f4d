import Dispatch
import Foundation
import Synchronization

/// A bounded pool of connections, each owned by a thread of its own: libpq blocks, so its calls
/// run there, never on Swift's cooperative threads. A caller waits a bounded time for a free
/// connection and then gets `PoolError.busy` (the service answers 503); a cancelled task cancels
/// its running statement (PQcancel). Every job starts with the caller's transaction settings
/// and ends with none, and a connection left inside a transaction or broken is reset, so no job
/// inherits another's identity or state.
public final class ConnectionPool: Sendable {
    public let size: Int
    private let acquireTimeout: Duration
    private let state = Mutex(State())
    /// Counts queued jobs; made at 0 so it may be released at any count (see BoundedQueue).
    private let queued = DispatchSemaphore(value: 0)
    private let workersDone = DispatchSemaphore(value: 0)

    private struct State {
        var jobs: [Job] = []
        var closed = false
        /// Jobs a worker has taken and not finished.
        var running = 0
        /// Jobs refused because no connection came free within the wait, since the pool opened.
        var timeouts = 0
    }

    /// What the pool is doing now, for the service's metrics.
    public struct Statistics: Sendable, Equatable {
        public var size: Int
        public var inUse: Int
        public var waiting: Int
        public var timeouts: Int
    }

    public var statistics: Statistics {
        state.withLock { Statistics(size: size, inUse: $0.running, waiting: $0.jobs.count, timeouts: $0.timeouts) }
    }

    /// Opens `size` connections now, so a bad URL or an unreachable server fails here, at start.
    public init(
        conninfo: String, settings: SessionSettings = .standard, size: Int, acquireTimeout: Duration = .seconds(5)
    ) throws {
        precondition(size > 0, "a pool needs at least one connection")
        self.size = size
        self.acquireTimeout = acquireTimeout
        let connections = try (0..<size).map { _ in try Connection(conninfo, settings: settings) }
        for (index, connection) in connections.enumerated() {
            let thread = Thread { [self] in
                work(connection, reconnect: { try Connection(conninfo, settings: settings) })
            }
            thread.name = "capacita-db-\(index)"
            thread.start()
        }
        // One thread gives up on jobs that waited too long; not a timer per job (a busy service
        // starts thousands of jobs a second, and each timer lived for the whole wait).
        let reaper = Thread { [self] in reap() }
        reaper.name = "capacita-db-reaper"
        reaper.start()
    }

    /// Runs `body` on a pooled connection whose transactions carry `settings`.
    public func withConnection<T: Sendable>(
        settings: [TransactionSetting] = [], _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let job = Job(settings: settings, deadline: ContinuousClock.now + acquireTimeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                job.start(continuation: continuation, body: body)
                let accepted = state.withLock { state -> Bool in
                    guard !state.closed else { return false }
                    state.jobs.append(job)
                    return true
                }
                guard accepted else {
                    job.abandon(with: PoolError.closed)
                    return
                }
                queued.signal()
            }
        } onCancel: {
            job.cancel()
        }
    }

    /// Stops taking jobs; each worker finishes the job it runs and closes its connection.
    public func shutdown() {
        let waiting = state.withLock { state -> [Job] in
            state.closed = true
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in waiting { job.abandon(with: PoolError.closed) }
        for _ in 0..<size { queued.signal() }
        for _ in 0..<size { workersDone.wait() }
    }

    /// Every tenth of the wait (at most 50 ms), fails the queued jobs whose wait ran out. A job is
    /// refused between its deadline and one check later: the bound is the wait plus that check.
    private func reap() {
        let period = min(acquireTimeout / 10, .milliseconds(50))
        while !state.withLock({ $0.closed }) {
            Thread.sleep(
                forTimeInterval: Double(period.components.attoseconds) / 1e18 + Double(period.components.seconds))
            let now = ContinuousClock.now
            let expired = state.withLock { state -> [Job] in
                let (late, waiting) = (
                    state.jobs.filter { $0.deadline <= now }, state.jobs.filter { $0.deadline > now }
                )
                state.jobs = waiting
                state.timeouts += late.count
                return late
            }
            for job in expired { job.abandon(with: PoolError.busy) }
        }
    }

    private func work(_ first: Connection, reconnect: () throws -> Connection) {
        var connection: Connection? = first
        defer { workersDone.signal() }
        while true {
            queued.wait()
            let next = state.withLock { state -> Job? in
                guard !state.jobs.isEmpty else { return nil }
                state.running += 1
                return state.jobs.removeFirst()
            }
            guard let job = next else {
                if state.withLock({ $0.closed }) { return }
                continue
            }
            // A connection the server dropped while idle (a restart, an administrator) is replaced
            // before a job sees it: after a restart no request fails on a dead connection.
            if connection == nil || connection?.isUsable == false {
                connection = nil
                connection = try? reconnect()
            }
            guard let current = connection else {
                job.abandon(with: PoolError.unavailable)
                state.withLock { $0.running -= 1 }
                continue
            }
            job.run(on: current)
            defer { state.withLock { $0.running -= 1 } }
            // Nothing of this job stays: no settings, no open transaction, no pending cancel.
            current.clearCancel()
            current.setTransactionSettings([])
            if current.isHealthy, !current.isIdle { try? current.execute("ROLLBACK") }
        }
    }
}

/// Why the pool did not run a job.
public enum PoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every connection stayed busy for the whole wait.
    case busy
    /// The pool is shutting down.
    case closed
    /// The server could not be reached to replace a broken connection.
    case unavailable

    public var description: String {
        switch self {
        case .busy: return "la base de datos está ocupada; intente de nuevo en unos segundos"
        case .closed: return "el servicio se está deteniendo"
        case .unavailable: return "no se pudo conectar a la base de datos"
        }
    }
}

/// One caller's work: queued, running on a connection, or over (done or abandoned), exactly once.
private final class Job: Sendable {
    let settings: [TransactionSetting]
    /// When a caller stops waiting for a connection.
    let deadline: ContinuousClock.Instant
    private let state = Mutex<Phase>(.new)

    private enum Phase {
        case new
        case queued(run: @Sendable (Connection) -> Void, fail: @Sendable (any Error) -> Void)
        case running(Connection)
        case over
    }

    init(settings: [TransactionSetting], deadline: ContinuousClock.Instant) {
        self.settings = settings
        self.deadline = deadline
    }

    func start<T: Sendable>(
        continuation: CheckedContinuation<T, any Error>, body: @escaping @Sendable (Connection) throws -> T
    ) {
        state.withLock { phase in
            phase = .queued(
                run: { connection in continuation.resume(with: Result { try body(connection) }) },
                fail: { error in continuation.resume(throwing: error) })
        }
    }

    /// Runs the body unless the job was abandoned or cancelled first.
    func run(on connection: Connection) {
        let run = state.withLock { phase -> (@Sendable (Connection) -> Void)? in
            guard case .queued(let run, _) = phase else { return nil }
            phase = .running(connection)
            return run
        }
        guard let run else { return }
        connection.setTransactionSettings(settings)
        run(connection)
        state.withLock { $0 = .over }
    }

    /// Fails the job if it has not started: the wait ran out, or the pool closed.
    func abandon(with error: any Error) {
        let fail = state.withLock { phase -> (@Sendable (any Error) -> Void)? in
            guard case .queued(_, let fail) = phase else { return nil }
            phase = .over
            return fail
        }
        fail?(error)
    }

    /// The task was cancelled: a queued job fails at once, a running one has its statement cancelled.
    func cancel() {
        // Under the job's lock: its connection cannot move on to the next job meanwhile, so the
        // cancel reaches this job's statement and no other.
        let cancelled = state.withLock { phase -> Bool in
            guard case .running(let connection) = phase else { return false }
            connection.cancel(refusingMore: true)
            return true
        }
        if !cancelled { abandon(with: CancellationError()) }
    }
}

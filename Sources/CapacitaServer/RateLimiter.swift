import Synchronization

/// A fixed window per client address for the public verification of constancias: one instance
/// serves the page and the API alike, so an address has one budget for both. Kept in the process: it
/// is protection, not state another instance needs (behind a load balancer each instance limits on
/// its own, so the effective limit is per instance).
final class RateLimiter: Sendable {
    private let limit: Int
    private let window: Duration
    private let counts = Mutex<[String: (start: ContinuousClock.Instant, count: Int)]>([:])

    static let maxClients = 10_000

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Whether one more request from `client` is allowed now.
    func admit(_ client: String) -> Bool {
        let now = ContinuousClock.now
        return counts.withLock { counts in
            // Forget windows that ended; and past the cap (addresses sprayed within one window)
            // start over, so the table and the time spent on it stay bounded.
            if counts.count >= Self.maxClients {
                counts = counts.filter { now - $0.value.start < window }
                if counts.count >= Self.maxClients { counts = [:] }
            }
            var entry = counts[client] ?? (now, 0)
            if now - entry.start >= window { entry = (now, 0) }
            entry.count += 1
            counts[client] = entry
            return entry.count <= limit
        }
    }
}

import Synchronization

/// Report bodies the service computed, each kept with the database's report version
/// (db/migrations/0013) it was computed at or after, and answered again while that version
/// stands. Not state another instance needs: each instance asks the database for the version on
/// every request, so a change made through any instance is seen by all at once. National
/// reports only (the same for every role), bounded in entries.
final class ReportCache: Sendable {
    let capacity: Int
    private let entries = Mutex<[String: (version: String, body: String)]>([:])

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// The kept body, counted in the metrics as a hit or a miss.
    func body(_ key: String, at version: String) -> String? {
        let kept = entries.withLock { entries -> String? in
            guard let entry = entries[key], entry.version == version else { return nil }
            return entry.body
        }
        ServiceMetrics.current?.keptReport(hit: kept != nil)
        return kept
    }

    func store(_ key: String, at version: String, _ body: String) {
        entries.withLock { entries in
            if entries.count >= capacity {
                // Entries of older versions are of no use again; if all are current, start over.
                entries = entries.filter { $0.value.version == version }
                if entries.count >= capacity { entries = [:] }
            }
            entries[key] = (version, body)
        }
    }
}

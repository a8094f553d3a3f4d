import Dispatch
import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// The pool a server shares: bounded waits, no state carried between jobs, cancellation.
@Suite struct PoolTests {
    /// Waits, off the cooperative pool, until `condition` holds on the server.
    private func wait(until sql: String, _ parameters: [any PostgresEncodable] = [], on watcher: Connection) throws {
        while try watcher.query(sql, parameters).scalar(Bool.self) != true { usleep(1000) }
    }

    @Test func aCallerWaitsABoundedTimeThenGetsBusy() async throws {
        let url = try TestDatabase.serverURL()
        let pool = try ConnectionPool(conninfo: url, size: 1, acquireTimeout: .milliseconds(200))
        defer { pool.shutdown() }
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Task {
            try await pool.withConnection { connection in
                started.signal()
                release.wait()  // holds the only connection until the second caller has given up
                return try connection.query("SELECT 1").scalar(Int.self)
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                started.wait()
                continuation.resume()
            }
        }
        await #expect(throws: PoolError.busy) {
            try await pool.withConnection { try $0.query("SELECT 1").scalar(Int.self) }
        }
        release.signal()
        #expect(try await holder.value == 1)
        #expect(try await pool.withConnection { try $0.query("SELECT 2").scalar(Int.self) } == 2)
    }

    @Test func aJobInheritsNoSettingsAndNoTransactionFromTheOneBefore() async throws {
        let url = try TestDatabase.serverURL()
        let pool = try ConnectionPool(conninfo: url, size: 1)
        defer { pool.shutdown() }
        let seen = try await pool.withConnection(settings: [TransactionSetting("capacita.agency", "SICT")]) {
            connection -> String? in
            let agency = try connection.query("SELECT current_setting('capacita.agency', true)").scalar(String.self)
            try connection.execute("BEGIN")  // left open on purpose
            return agency
        }
        #expect(seen == "SICT")
        let after = try await pool.withConnection { connection -> String in
            let agency = try connection.query("SELECT current_setting('capacita.agency', true)").scalar(String?.self)
            return ((agency ?? nil) ?? "") + (connection.isIdle ? "|idle" : "|in transaction")
        }
        #expect(after == "|idle")
    }

    @Test func cancellingTheTaskCancelsItsStatement() async throws {
        let url = try TestDatabase.serverURL()
        let pool = try ConnectionPool(conninfo: url, size: 1)
        defer { pool.shutdown() }
        let pid = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").scalar(Int.self) ?? 0 }
        let sleeper = Task { try await pool.withConnection { try $0.query("SELECT pg_sleep(60)") } }
        let watcher = try Connection(url)
        // Cancel only once the server shows the statement running.
        try await Task.detached {
            try self.wait(
                until: "SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pid],
                on: watcher)
        }.value
        sleeper.cancel()
        await #expect {
            _ = try await sleeper.value
        } throws: { ($0 as? PostgresError)?.sqlState == SQLState.queryCanceled }
        #expect(try await pool.withConnection { try $0.query("SELECT 3").scalar(Int.self) } == 3)
    }
}

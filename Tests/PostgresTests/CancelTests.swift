import Dispatch
import Foundation
import Postgres
import TestSupport
import Testing

/// Connections the server dropped, and jobs whose caller has gone.
@Suite struct CancelTests {
    /// A pooled connection whose session the server ended while it was idle (a restart,
    /// pg_terminate_backend) is replaced before the next job: that job runs, it does not fail.
    @Test func aConnectionTheServerDroppedIsReplacedBeforeTheNextJob() async throws {
        let url = try TestDatabase.serverURL()
        let pool = try ConnectionPool(conninfo: url, size: 1)
        defer { pool.shutdown() }
        let pid = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").scalar(Int.self) ?? 0 }
        let ended = try Connection(url).query("SELECT pg_terminate_backend($1, 5000)", [pid]).scalar(Bool.self)
        #expect(ended == true)
        let next = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()").scalar(Int.self) ?? 0 }
        #expect(next != pid && next != 0)
    }

    /// A statement on a connection the server has dropped fails as a lost connection (a
    /// database failure, with no SQLSTATE of its own), not as the server's refusal of it.
    @Test func aStatementOnADroppedConnectionIsALostConnection() throws {
        let url = try TestDatabase.serverURL()
        let connection = try Connection(url)
        let pid = try connection.query("SELECT pg_backend_pid()").scalar(Int.self) ?? 0
        _ = try Connection(url).query("SELECT pg_terminate_backend($1, 5000)", [pid])
        #expect {
            try connection.query("SELECT 1")
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.isConnectionFailure
        }
        #expect(!connection.isHealthy)
    }

    /// A job cancelled between two of its statements runs no further statement, and the next job
    /// on the connection runs as usual.
    @Test func aCancelBetweenStatementsStopsTheRestOfTheJob() async throws {
        let url = try TestDatabase.serverURL()
        let pool = try ConnectionPool(conninfo: url, size: 1)
        defer { pool.shutdown() }
        let firstDone = DispatchSemaphore(value: 0)
        let cancelled = DispatchSemaphore(value: 0)
        let job = Task {
            try await pool.withConnection { connection -> Int? in
                _ = try connection.query("SELECT 1")
                firstDone.signal()
                cancelled.wait()  // the task is cancelled here, while no statement runs
                return try connection.query("SELECT 2").scalar(Int.self)
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                firstDone.wait()
                continuation.resume()
            }
        }
        job.cancel()
        cancelled.signal()
        await #expect {
            _ = try await job.value
        } throws: { ($0 as? PostgresError)?.sqlState == SQLState.queryCanceled }
        #expect(try await pool.withConnection { try $0.query("SELECT 3").scalar(Int.self) } == 3)
    }
}

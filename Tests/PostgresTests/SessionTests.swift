import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// What a pooled, long-lived connection needs: settings that survive a reset, nested
/// transactions that do not end their caller's, COMMIT errors with their SQLSTATE, cancellation.
@Suite struct SessionTests {
    @Test func sessionSettingsSurviveResetAll() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("SET TimeZone = 'America/Mexico_City'; RESET ALL")
            #expect(try connection.query("SHOW TimeZone").scalar(String.self) == "UTC")
            #expect(try connection.query("SHOW DateStyle").scalar(String.self) == "ISO, YMD")
            #expect(try connection.query("SHOW statement_timeout").scalar(String.self) == "10min")
        }
    }

    @Test func theStatementTimeoutIsEnforced() throws {
        try TestDatabase.withFresh { url in
            let settings = SessionSettings(connectTimeout: 5, statementTimeout: 50, applicationName: "t")
            let connection = try Connection(url, settings: settings)
            #expect {
                try connection.query("SELECT pg_sleep(5)")
            } throws: { ($0 as? PostgresError)?.sqlState == SQLState.queryCanceled }
        }
    }

    @Test func anInnerTransactionIsASavepointOfTheOuterOne() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
            try connection.withTransaction { connection in
                try connection.query("SELECT set_config('capacita.agency', 'SICT', true)")
                try connection.withTransaction { try $0.query("INSERT INTO t VALUES (1)") }
                // A failing inner one rolls back to its savepoint; the outer goes on.
                _ = try? connection.withTransaction { connection in
                    try connection.query("INSERT INTO t VALUES (2)")
                    try connection.query("INSERT INTO t VALUES (1)")
                }
                // The inner COMMIT did not end the outer transaction: its identity is still set.
                #expect(
                    try connection.query("SELECT current_setting('capacita.agency', true)").scalar(String.self)
                        == "SICT")
            }
            #expect(try connection.query("SELECT array_agg(id)::text FROM t").scalar(String.self) == "{1}")
            #expect(
                try connection.query("SELECT current_setting('capacita.agency', true)").scalar(String?.self) ?? "" == ""
            )
            #expect(connection.isIdle)
        }
    }

    @Test func aCommitThatFailsThrowsTheServersSQLState() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute(
                "CREATE TABLE t (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED); INSERT INTO t VALUES (1)")
            #expect {
                try connection.withTransaction { try $0.query("INSERT INTO t VALUES (1)") }
            } throws: { ($0 as? PostgresError)?.sqlState == SQLState.uniqueViolation }
            #expect(connection.isIdle)
            #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 1)
        }
    }

    @Test func cancelStopsARunningStatementFromAnotherThread() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            let started = DispatchSemaphore(value: 0)
            let watcher = try Connection(url)
            let pid = try connection.query("SELECT pg_backend_pid()").scalar(Int.self)
            // Cancel only once the server shows the statement running: no sleep decides the path.
            let thread = Thread {
                while (try? watcher.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pid]
                ).scalar(Int.self)) != 1 { usleep(1000) }
                started.signal()
                connection.cancel()
            }
            thread.start()
            #expect {
                try connection.query("SELECT pg_sleep(30)")
            } throws: { ($0 as? PostgresError)?.sqlState == SQLState.queryCanceled }
            started.wait()
            #expect(try connection.query("SELECT 1").scalar(Int.self) == 1)
        }
    }
}

import Capacita
import CapacitaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// The store as the service shares it: imports capped, and a cancelled import leaving nothing.
@Suite struct SharedStoreTests {
    @Test func aCancelledImportLeavesNothingAndTheCapRefusesASecondOne() async throws {
        let (name, url) = try TestDatabase.create()
        defer { TestDatabase.drop(name) }
        let setup = try Connection(url)
        try MigrationRunner(connection: setup, migrations: try repositoryMigrations()).migrate()
        setup.act(as: .admin("pruebas"))
        try loadCatalogAndRegistry(setup)
        try importGroups(EnrollmentImportTests.groups, into: setup)

        // Another writer holds the group: the import will wait on it inside its transaction.
        let blocker = try Connection(url)
        try blocker.execute("BEGIN")
        try blocker.query("SELECT 1 FROM training_group WHERE code = 'BAS-1' FOR UPDATE")

        // The pool of the service's own role, as `capacita serve` connects.
        let pool = try ConnectionPool(conninfo: try applicationRoleURL(url), size: 2)
        defer { pool.shutdown() }
        let store = SharedStore(pool: pool, maxConcurrentImports: 1)
        let file = try temporaryFile(
            EnrollmentImportTests.header
                + [EnrollmentImportTests.gloria + ",BAS-1", EnrollmentImportTests.carlos + ",BAS-1"].joined(
                    separator: "\n"))
        let running = Task { try await store.runImport(as: .admin("pruebas")) { try enroll(file, $0) } }
        let watcher = try Connection(url)
        try await Task.detached {
            while try watcher.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).scalar(Int.self) != 1 { usleep(1000) }
        }.value
        // The import is running (waiting on the lock): a second one is over the cap.
        await #expect(throws: PoolError.busy) {
            try await store.runImport(as: .admin("pruebas")) { try enroll(file, $0) }
        }
        running.cancel()
        await #expect {
            _ = try await running.value
        } throws: { ($0 as? PostgresError)?.sqlState == SQLState.queryCanceled }
        try blocker.execute("ROLLBACK")
        for table in ["person", "enrollment", "import_batch WHERE kind = 'enrollment'"] {
            #expect(try setup.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 0, "\(table)")
        }
        // The pool goes on serving.
        let imported = try await store.runImport(as: .admin("pruebas")) { try enroll(file, $0) }
        #expect(imported.accepted && imported.imported == 2)
    }
}

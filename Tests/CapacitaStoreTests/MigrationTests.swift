import CapacitaStore
import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct MigrationTests {
    @Test func migrateIsIdempotent() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            let runner = MigrationRunner(connection: connection, migrations: try repositoryMigrations())
            let first = try runner.migrate()
            #expect(first.map(\.version) == runner.migrations.map(\.version))
            #expect(try runner.migrate().isEmpty)
            let status = try runner.status()
            #expect(status.pending.isEmpty)
            #expect(status.applied.map(\.version) == runner.migrations.map(\.version))
        }
    }

    @Test func statusListsPendingMigrations() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            let all = try repositoryMigrations()
            try MigrationRunner(connection: connection, migrations: Array(all.prefix(1))).migrate()
            let status = try MigrationRunner(connection: connection, migrations: all).status()
            #expect(status.applied.map(\.version) == [all[0].version])
            #expect(status.pending.map(\.version) == all.dropFirst().map(\.version))
        }
    }

    @Test func migrationChangedAfterApplyingIsRefusedByName() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            var migrations = try repositoryMigrations()
            try MigrationRunner(connection: connection, migrations: migrations).migrate()
            migrations[0].sql += "\n-- edited afterwards\n"
            let runner = MigrationRunner(connection: connection, migrations: migrations)
            #expect(throws: MigrationError.changedAfterApplied(migrations[0].fileName)) { try runner.migrate() }
            #expect(throws: MigrationError.changedAfterApplied(migrations[0].fileName)) { try runner.status() }
        }
    }

    @Test func failingMigrationLeavesEarlierOnesAppliedAndItselfNot() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            let migrations = [
                Migration(version: 1, name: "good", sql: "CREATE TABLE a (id int);"),
                Migration(version: 2, name: "bad", sql: "CREATE TABLE b (id int); SELECT * FROM missing;"),
            ]
            #expect(throws: PostgresError.self) {
                try MigrationRunner(connection: connection, migrations: migrations).migrate()
            }
            #expect(
                try connection.query("SELECT version FROM schema_migration").map {
                    try $0.decode("version", as: Int.self)
                } == [1])
            #expect(try connection.query("SELECT to_regclass('b') IS NULL").scalar(Bool.self) == true)
        }
    }

    @Test func migrationFilesAreReadInVersionOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 2;".write(to: folder.appendingPathComponent("0002_second.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1;".write(to: folder.appendingPathComponent("0001_first.sql"), atomically: true, encoding: .utf8)
        let loaded = try Migration.load(from: folder)
        #expect(loaded.map(\.fileName) == ["0001_first.sql", "0002_second.sql"])
        try "SELECT 3;".write(to: folder.appendingPathComponent("third.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("third.sql")) { try Migration.load(from: folder) }
    }
}

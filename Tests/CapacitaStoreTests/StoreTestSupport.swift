import CapacitaStore
import Foundation
import Postgres
import TestSupport

/// A fresh database with every migration applied.
@discardableResult
func withMigratedDatabase<T>(_ body: (Connection) throws -> T) throws -> T {
    try TestDatabase.withFresh { url in
        let connection = try Connection(url)
        try MigrationRunner(connection: connection, migrations: try repositoryMigrations()).migrate()
        return try body(connection)
    }
}

func repositoryMigrations() throws -> [Migration] {
    try Migration.load(from: TestDatabase.projectRoot.appendingPathComponent("db/migrations"))
}

func repositoryFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: TestDatabase.projectRoot.appendingPathComponent(path)))
}

func repositoryCatalogFiles() throws -> [(path: String, yaml: String)] {
    let folder = TestDatabase.projectRoot.appendingPathComponent("Courses")
    var files: [(path: String, yaml: String)] = []
    for case let path as String in FileManager.default.enumerator(atPath: folder.path)! where path.hasSuffix(".yaml") {
        files.append((path, try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)))
    }
    return files
}

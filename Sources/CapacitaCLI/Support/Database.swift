import CapacitaStore
import Foundation
import Postgres

/// Opens the database the command works on: DATABASE_URL, or else the project-local cluster
/// whose URL `scripts/dev-db url` prints (the script is the one place that knows where it lives).
enum Database {
    static func url() throws -> String {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        guard let root = Project.root() else { throw DatabaseLocationError.noProject }
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/dev-db")
        process.arguments = ["url"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DatabaseLocationError.devDBFailed("\(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let url = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !url.isEmpty else {
            throw DatabaseLocationError.devDBFailed("estado \(process.terminationStatus)")
        }
        return url
    }

    /// A connection to a database whose schema is up to date, acting for the operator as the
    /// Secretaría Técnica: the command line is the administrators' tool.
    static func connect() throws -> Connection {
        let connection = try Connection(try url())
        connection.act(as: .admin(Operator.name))
        let status = try MigrationRunner(
            connection: connection, migrations: try Migration.load(from: Project.migrationsFolder())
        ).status()
        guard status.pending.isEmpty else { throw SchemaNotReady(pending: status.pending.map(\.fileName)) }
        return connection
    }

    /// A connection without the schema check, for `db` commands.
    static func connectRaw() throws -> Connection {
        try Connection(try url())
    }
}

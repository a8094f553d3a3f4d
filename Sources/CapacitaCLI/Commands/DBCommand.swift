import ArgumentParser
import CapacitaOutput
import CapacitaStore

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Esquema de la base de datos, respaldos y restauración.",
        subcommands: [Migrate.self, Status.self, Backup.self, Restore.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Aplica las migraciones pendientes de db/migrations (idempotente).")

        func run() throws {
            let connection = try Database.connectRaw()
            let runner = MigrationRunner(
                connection: connection, migrations: try Migration.load(from: Project.migrationsFolder()))
            let applied = try runner.migrate()
            if applied.isEmpty {
                print("El esquema está al día; no hay migraciones pendientes.")
            } else {
                for migration in applied { print("aplicada \(migration.fileName)") }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista las migraciones aplicadas y pendientes.")

        @OptionGroup var output: FormatOption

        func run() throws {
            let connection = try Database.connectRaw()
            let runner = MigrationRunner(
                connection: connection, migrations: try Migration.load(from: Project.migrationsFolder()))
            let status = try runner.status()
            let rows =
                status.applied.map { [Cell.int($0.version), .text($0.name), .code("applied"), .text($0.appliedAt)] }
                + status.pending.map { [Cell.int($0.version), .text($0.name), .code("pending"), .null] }
            try output.emit(
                Table(columns: ["version", "name", "status", "applied_at"], rows: rows), sheet: "Migraciones")
        }
    }
}

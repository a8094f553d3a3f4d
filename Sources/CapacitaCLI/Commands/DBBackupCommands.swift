import ArgumentParser
import CapacitaStore
import Foundation

extension DBCommand {
    /// `capacita db backup --out F`: a new folder with pg_dump's custom-format dump and its
    /// manifest (docs/operations.md#backups).
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Respalda la base con pg_dump (formato custom) en una carpeta nueva: capacita.dump y manifest.json (esquema, filas por tabla en la misma instantánea, versión de pg_dump, fecha, SHA-256)."
        )

        @Option(
            name: .long, help: ArgumentHelp("Carpeta nueva donde se escribe el respaldo.", valueName: "carpeta"))
        var out: String

        func validate() throws {
            if out.isEmpty { throw ValidationError("--out necesita el nombre de una carpeta") }
        }

        func run() throws {
            let folder = URL(fileURLWithPath: out)
            let manifest = try BackupFailure.refusing {
                try DatabaseBackup(databaseURL: try Database.url()).write(to: folder)
            }
            print("Respaldo escrito en «\(out)»:")
            print(
                "  \(BackupManifest.dumpFileName): \(manifest.dump.bytes) bytes, SHA-256 \(manifest.dump.sha256)")
            print(
                "  \(BackupManifest.fileName): esquema \(manifest.schemaMigration), \(manifest.tables.count) tablas, \(manifest.totalRows) filas; \(manifest.pgDumpVersion)"
            )
        }
    }

    /// `capacita db restore F --into URL`: a backup folder into an empty database, checked against
    /// its manifest before and after.
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Restaura un respaldo de capacita db backup en una base vacía: verifica el SHA-256 antes de escribir, restaura con pg_restore en una sola transacción y compara las filas con el manifiesto.",
            discussion: """
                El clúster de destino necesita antes los roles capacita_app y capacita_definer \
                (docs/operations.md#restoring). La contraseña va en ~/.pgpass o PGPASSWORD, no en la dirección.
                """
        )

        @Argument(help: ArgumentHelp("Carpeta del respaldo.", valueName: "carpeta")) var folder: String
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Base de destino, vacía: URI o cadena de conexión de libpq que nombre la base.", valueName: "url"))
        var into: String

        func run() throws {
            let outcome = try BackupFailure.refusing {
                try DatabaseRestore(folder: URL(fileURLWithPath: folder), targetURL: into).run()
            }
            let manifest = outcome.manifest
            print(
                "Restaurado en \(outcome.target): esquema \(manifest.schemaMigration), \(manifest.tables.count) tablas y \(manifest.totalRows) filas, iguales al manifiesto."
            )
        }
    }
}

/// A backup's refusals exit 1 (nothing written); its failures exit 3 with their message and key.
enum BackupFailure {
    static func refusing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BackupError where error.isRefusal {
            throw Refused(message: error.description)
        }
    }
}

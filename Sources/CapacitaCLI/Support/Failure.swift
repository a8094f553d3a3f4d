import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation
import Postgres

/// A refusal already explained to the user (issues printed): exit 1.
struct Refused: Error {
    var message: String
}

/// A database that answers but lacks the schema: exit 3 with what to run.
struct SchemaNotReady: Error {
    var pending: [String]
}

enum Failure {
    /// Prints what went wrong on stderr and returns the exit status.
    static func report(_ error: any Error, arguments: [String] = []) -> Int32 {
        switch error {
        case let refused as Refused:
            printError(refused.message)
            return 1
        case let issues as ImportIssues:
            for issue in issues.issues { printError(issue.description) }
            printError(
                "Archivo rechazado: \(Plural.count(issues.issues.count, "problema", "problemas")); no se escribió nada."
            )
            return 1
        case let issues as CatalogIssues:
            for issue in issues.issues { printError(issue.description) }
            printError(
                "Catálogo rechazado: \(Plural.count(issues.issues.count, "problema", "problemas")); no se cargó nada.")
            return 1
        case let error as InputFileError:
            printError(error.description)
            return 1
        case let error as MigrationError:
            printError("migraciones: \(error)")
            return 1
        case let error as SchemaNotReady:
            printError(
                "la base de datos no tiene el esquema al día (pendientes: \(error.pending.joined(separator: ", "))); ejecute: capacita db migrate"
            )
            return 3
        case let error as PostgresError where error.sqlState == "42501":
            // Row-level security refused a write the store's own checks let through: a refusal of
            // the input, not a database failure (and the server's text could name a row).
            printError("no tiene permiso para esa escritura: los datos son de otra instancia; no se escribió nada")
            return 1
        case let error as PostgresError:
            switch error {
            case .connectionFailed(let host, let port, let message):
                printError("no se pudo conectar a PostgreSQL en \(host), puerto \(port): \(message)")
                if ProcessInfo.processInfo.environment["DATABASE_URL"] == nil {
                    printError("¿Está iniciada la base local? Ejecute: scripts/dev-db start")
                }
            default:
                printError("error de la base de datos: \(error)")
            }
            return 3
        case let error as DatabaseLocationError:
            printError(error.description)
            return 3
        default:
            return parserOutcome(error, arguments: arguments)
                ?? {
                    printError("error: \(error)")
                    return 3
                }()
        }
    }

    /// Help, `--version` and usage errors, from parsing or thrown by a command's own checks:
    /// help exits 0 on stdout, a usage error 2 on stderr, in Spanish. nil for any other error.
    static func parserOutcome(_ error: any Error, arguments: [String]) -> Int32? {
        let code = CapacitaCommand.exitCode(for: error)
        let message = ParserText.spanish(CapacitaCommand.fullMessage(for: error))
        if code == .success {
            print(message)
            return 0
        }
        guard code == .validationFailure else { return nil }
        var lines = message.components(separatedBy: "\n")
        if let unknown = ParserText.unknownSubcommand(root: CapacitaCommand.self, arguments: arguments) {
            lines[0] = "Error: " + unknown
        }
        let text = lines.joined(separator: "\n")
        printError(text)
        return 2
    }

    static func printError(_ text: String) {
        fflush(nil)  // flush stdout first, so the report printed before this line stays above it
        FileHandle.standardError.write(Data((TerminalText.lines(Curp.redact(text)) + "\n").utf8))
    }
}

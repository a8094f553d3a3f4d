import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Postgres

extension ImportReport {
    /// Prints the report; throws `Refused` (exit 1) when the file was refused.
    func emit(_ format: OutputFormat) throws {
        switch format {
        case .json:
            print(JSONOutput.string(self))
        case .table, .csv:
            if !rejected.isEmpty {
                let table = Table(
                    columns: ["line", "column", "value", "error"],
                    rows: rejected.map {
                        // Line 0 is the file as a whole, or an option: no line to point at.
                        [$0.line == 0 ? .null : .int($0.line), .text($0.column), .text($0.value), .text($0.message)]
                    })
                print(table.render(format))
                if unlisted > 0 { print("… y \(Plural.count(unlisted, "problema más", "problemas más")) sin listar") }
            } else {
                print(summaryLine)
                if dryRun { print("Prueba (--dry-run): no se escribió nada.") }
                if let kept = extra["people_kept"] {
                    print(
                        "Datos personales: \(Plural.count(kept, "persona conserva", "personas conservan")) los que registró "
                            + "la instancia de su inscripción más reciente; este archivo no los cambió.")
                }
                if let issued = extra["constancias_issued"], let revoked = extra["constancias_revoked"] {
                    print(
                        "Constancias: \(Plural.count(issued, "emitida", "emitidas")), "
                            + "\(Plural.count(revoked, "revocada", "revocadas")).")
                }
            }
            if headerLine > 1 {
                print(
                    "Encabezado leído en la línea \(headerLine); "
                        + "\(headerLine == 2 ? "la línea anterior se ignoró" : "las líneas anteriores se ignoraron") "
                        + "(título o notas).")
            }
            if !ignoredColumns.isEmpty {
                print(
                    "Columnas ignoradas: "
                        + ignoredColumns.prefix(20).map { TerminalText.cell($0, limit: 40) }
                        .joined(separator: ", ") + (ignoredColumns.count > 20 ? ", …" : ""))
            }
        }
        if !rejected.isEmpty {
            throw Refused(
                message:
                    "Archivo rechazado: \(Plural.count(rejected.count + unlisted, "problema", "problemas")); no se escribió nada."
            )
        }
    }

    /// "12 filas: 1 nueva, 0 actualizadas, 11 sin cambios." (a dry run says what it would do).
    var summaryLine: String {
        let counts =
            "\(Plural.count(imported, "nueva", "nuevas")), \(Plural.count(updated, "actualizada", "actualizadas")), "
            + "\(unchanged) sin cambios"
        return "\(Plural.count(rows, "fila", "filas"))" + (dryRun ? "; se importarían: " : ": ") + counts + "."
    }
}

enum FileBytes {
    /// The whole of a small file (groups, headcounts, agencies, fichas), refused when it is not text.
    static func read(_ path: String) throws -> [UInt8] {
        _ = try InputFile(path: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refused(message: "\(path): no existe o no se puede leer")
        }
        return [UInt8](data)
    }
}

/// A progress line on stderr for large files, only when stderr is a terminal.
struct Progress {
    private let total: Int64
    private var shown = -1
    private let enabled: Bool

    init(total: Int64) {
        self.total = total
        enabled = isatty(2) == 1 && total > 8 << 20
    }

    mutating func update(_ done: Int64) {
        guard enabled, total > 0 else { return }
        let percent = Int(done * 100 / total)
        guard percent != shown else { return }
        shown = percent
        let filled = percent / 4
        FileHandle.standardError.write(
            Data(
                "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 25 - filled))] \(percent)%"
                    .utf8))
        if percent >= 100 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

enum Operator {
    /// Who runs the command, recorded with each import batch.
    static var name: String {
        ProcessInfo.processInfo.environment["CAPACITA_USER"] ?? ProcessInfo.processInfo.environment["USER"]
            ?? NSUserName()
    }
}

import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation
import Postgres

extension ImportReport {
    /// Prints the report (or writes it to `--out`); throws `Refused` (exit 1) when the file was refused.
    func emit(_ output: FormatOption) throws {
        switch output.format {
        case .json:
            try output.emit(JSONOutput.string(self))
        case .xlsx:
            // The problems to fix on one sheet, what the import did or would do on the other.
            var sheets = [WorkbookSheet.record(Record(summaryFields), name: "Resumen", title: summaryLine)]
            if !rejected.isEmpty { sheets.insert(WorkbookSheet(name: "Problemas", content: .table(problems)), at: 0) }
            try output.emit(WorkbookDocument(sheets))
        case .table, .csv:
            var lines: [String] = []
            if !rejected.isEmpty {
                lines.append(problems.render(output.format))
                if unlisted > 0 {
                    lines.append("… y \(Plural.count(unlisted, "problema más", "problemas más")) sin listar")
                }
            } else {
                lines.append(summaryLine)
                if dryRun { lines.append("Prueba (--dry-run): no se escribió nada.") }
                if let issued = extra["constancias_issued"], let revoked = extra["constancias_revoked"] {
                    lines.append(
                        "Constancias: \(Plural.count(issued, "emitida", "emitidas")), "
                            + "\(Plural.count(revoked, "revocada", "revocadas")).")
                }
                if let removed = extra["removed"] {
                    lines.append("Sesiones que el archivo ya no lista, borradas: \(removed).")
                }
                if let changed = extra["attendance_changed"] {
                    lines.append("Porcentajes de asistencia recalculados con el registro: \(changed).")
                }
                if let kept = extra["attendance_from_register"] {
                    lines.append(
                        "Asistencia tomada del registro de asistencia del grupo, no del archivo: "
                            + "\(Plural.count(kept, "fila", "filas")).")
                }
            }
            if headerLine > 1 {
                lines.append(
                    "Encabezado leído en la línea \(headerLine); "
                        + "\(headerLine == 2 ? "la línea anterior se ignoró" : "las líneas anteriores se ignoraron") "
                        + "(título o notas).")
            }
            if !ignoredColumns.isEmpty {
                lines.append(
                    "Columnas ignoradas: "
                        + ignoredColumns.prefix(20).map { TerminalText.cell($0, limit: 40) }
                        .joined(separator: ", ") + (ignoredColumns.count > 20 ? ", …" : ""))
            }
            try output.emit(lines.joined(separator: "\n"))
        }
        if !rejected.isEmpty {
            throw Refused(
                message:
                    "Archivo rechazado: \(Plural.count(rejected.count + unlisted, "problema", "problemas")); no se escribió nada."
            )
        }
    }

    /// The refused rows: line, column, masked value, reason.
    var problems: Table {
        Table(
            columns: ["line", "column", "value", "error"],
            rows: rejected.map {
                // Line 0 is the file as a whole, or an option: no line to point at.
                [$0.line == 0 ? .null : .int($0.line), .text($0.column), .text($0.value), .text($0.message)]
            })
    }

    private var summaryFields: [(String, Cell)] {
        [
            ("dry_run", .bool(dryRun)), ("rows", .int(rows)), ("imported", .int(imported)),
            ("updated", .int(updated)), ("unchanged", .int(unchanged)), ("rejected", .int(rejected.count + unlisted)),
            ("header_line", .int(headerLine)), ("ignored_columns", .list(ignoredColumns)),
        ]
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

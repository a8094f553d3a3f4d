import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Postgres

/// The outcome of an import, in the JSON shape of design.md: rows, imported, updated, unchanged,
/// and rejected as a list of {line, column, value, error} (CURPs already masked).
struct ImportReport: Encodable {
    var rows: Int
    var imported: Int
    var updated: Int
    var unchanged: Int
    var rejected: [ImportIssue]
    var unlisted: Int
    var dryRun: Bool
    var ignoredColumns: [String]
    var batch: Int64?
    var extra: [String: Int]

    enum CodingKeys: String, CodingKey {
        case rows, imported, updated, unchanged, rejected, unlisted, extra
        case dryRun = "dry_run"
        case ignoredColumns = "ignored_columns"
        case batch
    }

    init(_ outcome: ImportOutcome) {
        rows = outcome.rows
        imported = outcome.imported
        updated = outcome.updated
        unchanged = outcome.unchanged
        rejected = outcome.rejected
        unlisted = outcome.unlisted
        dryRun = outcome.dryRun
        ignoredColumns = outcome.ignoredColumns
        batch = outcome.batchID
        extra = outcome.extra
    }

    init(rejected: [ImportIssue], rows: Int = 0) {
        self.init(
            ImportOutcome(
                rows: rows, imported: 0, updated: 0, unchanged: 0, rejected: rejected, unlisted: 0,
                ignoredColumns: [], dryRun: false, batchID: nil))
    }

    /// Prints the report of a small file refused before the store saw it (its rows did not parse),
    /// after recording the refusal in the audit log: refused imports are writes' attempts too.
    func emit(_ format: OutputFormat, refusedImport: (kind: String, file: String), on connection: Connection) throws {
        try AuditStore(connection: connection).record(
            "\(refusedImport.kind).import_refused", target: (refusedImport.file as NSString).lastPathComponent,
            detail: ["rows": rows, "problems": rejected.count + unlisted])
        try emit(format)
    }

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

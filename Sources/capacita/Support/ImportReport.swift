import Capacita
import CapacitaStore
import Foundation

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

    /// Prints the report; throws `Refused` (exit 1) when the file was refused.
    func emit(_ format: OutputFormat) throws {
        switch format {
        case .json:
            print(JSONOutput.string(self))
        case .table, .csv:
            if !rejected.isEmpty {
                let table = Table(
                    columns: ["line", "column", "value", "error"],
                    rows: rejected.map { [.int($0.line), .text($0.column), .text($0.value), .text($0.message)] })
                print(table.render(format))
                if unlisted > 0 { print("… y \(unlisted) problemas más no listados") }
            } else {
                let verb = dryRun ? "Se importarían" : "Importadas"
                print("Filas: \(rows). \(verb): \(imported) nuevas, \(updated) actualizadas, \(unchanged) sin cambios.")
                if dryRun { print("Prueba (--dry-run): no se escribió nada.") }
                if let issued = extra["constancias_issued"], let revoked = extra["constancias_revoked"] {
                    print("Constancias: \(issued) emitidas, \(revoked) revocadas.")
                }
            }
            if !ignoredColumns.isEmpty { print("Columnas ignoradas: \(ignoredColumns.joined(separator: ", "))") }
        }
        if !rejected.isEmpty {
            throw Refused(message: "Archivo rechazado: \(rejected.count + unlisted) problema(s); no se escribió nada.")
        }
    }
}

enum FileBytes {
    static func read(_ path: String) throws -> [UInt8] {
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

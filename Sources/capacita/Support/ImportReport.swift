import Capacita
import Foundation

/// The outcome of an import, in the JSON shape of design.md: rows, imported, updated, unchanged,
/// and rejected as a list of {line, column, value, error}.
struct ImportReport: Encodable {
    var rows: Int?
    var imported: Int
    var updated: Int
    var unchanged: Int
    var rejected: [ImportIssue]

    var text: String {
        "Filas: \(rows ?? 0); nuevas: \(imported); actualizadas: \(updated); sin cambios: \(unchanged)."
    }
}

enum InputFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refused(message: "\(path): no existe o no se puede leer")
        }
        return [UInt8](data)
    }
}

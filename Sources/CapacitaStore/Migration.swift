import Crypto
import Foundation

/// One schema migration: `db/migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String

    /// SHA-256 of the file's content, recorded when applied so a later edit is caught.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public var fileName: String { String(format: "%04d_%@.sql", version, name) }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads every `NNNN_name.sql` of a folder, in version order.
    public static func load(from directory: URL) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadable(directory.path)
        }
        var migrations: [Migration] = []
        for file in names.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw .badFileName(file)
            }
            guard let sql = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                throw .unreadable(file)
            }
            if let clash = migrations.first(where: { $0.version == version }) {
                throw .duplicateVersion(clash.fileName, file)
            }
            migrations.append(
                Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        return migrations
    }
}

/// Why migrations could not run.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)
    case badFileName(String)
    case duplicateVersion(String, String)
    /// An applied migration's file changed afterwards.
    case changedAfterApplied(String)
    /// A migration recorded as applied has no file.
    case missingFile(version: Int, name: String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "no se puede leer \(path)"
        case .badFileName(let file): return "\(file): el nombre debe ser NNNN_nombre.sql"
        case .duplicateVersion(let first, let second): return "\(first) y \(second) tienen el mismo número de versión"
        case .changedAfterApplied(let file):
            return "\(file) cambió después de aplicarse; escriba una migración nueva en lugar de editar una aplicada"
        case .missingFile(let version, let name):
            return String(format: "la migración %04d_%@ está aplicada pero su archivo no existe", version, name)
        }
    }
}

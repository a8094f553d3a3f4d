import Foundation

/// Where the project's files are: the folder holding `db/migrations`, found from CAPACITA_ROOT,
/// the working directory or the executable's location (…/.build/debug/capacita), in that order.
enum Project {
    static func root() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["CAPACITA_ROOT"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let found = search(upFrom: cwd) { return found }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return search(upFrom: executable.deletingLastPathComponent())
    }

    private static func search(upFrom start: URL) -> URL? {
        var folder = start.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("db/migrations").path) {
                return folder
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    static func migrationsFolder() throws -> URL {
        guard let root = root() else {
            throw DatabaseLocationError.noProject
        }
        return root.appendingPathComponent("db/migrations")
    }
}

enum DatabaseLocationError: Error, CustomStringConvertible {
    case noProject
    case devDBFailed(String)

    var description: String {
        switch self {
        case .noProject:
            return
                "no se encontró la carpeta del proyecto (db/migrations); ejecute desde el proyecto o defina CAPACITA_ROOT"
        case .devDBFailed(let message):
            return "DATABASE_URL no está definida y scripts/dev-db url falló: \(message)"
        }
    }
}

import Capacita
import CapacitaStore
import Foundation
import Postgres

/// Data the commands read from the repository and the database to check input files.
enum Context {
    /// The pay-grade → tier table, from `db/seed/tiers.csv` (or CAPACITA_TIERS).
    static func tierTable() throws -> TierTable {
        let path = ProcessInfo.processInfo.environment["CAPACITA_TIERS"]
            ?? (Project.root()?.appendingPathComponent("db/seed/tiers.csv").path ?? "db/seed/tiers.csv")
        switch TierTable.parse(try FileBytes.read(path)) {
        case let .success(table): return table
        case let .failure(issues):
            throw Refused(message: "\(path): tabla de niveles no válida:\n" + issues.issues.map(\.description).joined(separator: "\n"))
        }
    }

    static func catalog(_ connection: Connection) throws -> Catalog {
        Catalog(courses: try CatalogStore(connection: connection).courses())
    }

    /// Resolves an `--agency` value or refuses with the closest names.
    static func agency(_ name: String, registry: AgencyRegistry) throws -> Agency {
        switch registry.resolve(name) {
        case let .found(agency): return agency
        case let .ambiguous(agencies):
            throw Refused(message: "«\(name)» es ambiguo: corresponde a \(agencies.map { "\($0.code) (\($0.name))" }.joined(separator: ", "))")
        case let .unknown(suggestions):
            let hint = suggestions.map { "\($0.code) (\($0.name))" }.joined(separator: ", ")
            throw Refused(message: "«\(name)» no es una instancia registrada." + (hint.isEmpty ? "" : " Las más parecidas: \(hint)"))
        }
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Postgres

/// Data the commands read from the repository and the database to check input files.
enum ReferenceData {
    /// The pay-grade → tier table, from `db/seed/tiers.csv` (or CAPACITA_TIERS).
    static func tierTable() throws -> TierTable {
        let path =
            ProcessInfo.processInfo.environment["CAPACITA_TIERS"]
            ?? (Project.root()?.appendingPathComponent("db/seed/tiers.csv").path ?? "db/seed/tiers.csv")
        switch TierTable.parse(try FileBytes.read(path)) {
        case .success(let table): return table
        case .failure(let issues):
            throw Refused(
                message: "\(path): tabla de niveles no válida:\n"
                    + issues.issues.map(\.description).joined(separator: "\n"))
        }
    }

    static func catalog(_ connection: Connection) throws -> Catalog {
        Catalog(courses: try CatalogStore(connection: connection).courses())
    }

    /// Resolves an agency given on the command line, or refuses with the closest names.
    /// `option` names the flag in the message ("--agency «Secretaría de Comunicasiones»: …").
    static func agencyCode(_ name: String, connection: Connection, option: String? = nil) throws -> String {
        switch try AgencyStore(connection: connection).registry().lookup(name) {
        case .success(let agency): return agency.code
        case .failure(let failure):
            let shown = TerminalText.cell(name, limit: 80)
            throw Refused(message: (option.map { "\($0) " } ?? "") + "«\(shown)»: \(failure.message)")
        }
    }
}

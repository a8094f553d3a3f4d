import Capacita
import CapacitaStore
import Postgres
import Testing

@Suite struct AgencyStoreTests {
    @Test func upsertImportsThenReportsUnchanged() throws {
        try withMigratedDatabase { connection in
            let store = AgencyStore(connection: connection)
            let agencies = try AgencyFile.parse(try repositoryFile("db/seed/agencies.csv")).get()
            let first = try store.upsert(agencies)
            #expect(first.imported.count == 17 && first.updated.isEmpty)
            let second = try store.upsert(agencies)
            #expect(second.unchanged.count == 17 && second.imported.isEmpty && second.updated.isEmpty)
            #expect(try store.agencies() == agencies.sorted { $0.code < $1.code })
        }
    }

    @Test func renamedAgencyKeepsItsPreviousNameAsAFormerName() throws {
        try withMigratedDatabase { connection in
            let store = AgencyStore(connection: connection)
            try store.upsert([
                Agency(
                    code: "SEDESOL", name: "Secretaría de Desarrollo Social", order: .federal, countsInIndicator: true)
            ])
            let summary = try store.upsert([
                Agency(code: "SEDESOL", name: "Secretaría de Bienestar", order: .federal, countsInIndicator: true)
            ])
            #expect(summary.updated == ["SEDESOL"])
            let registry = try store.registry()
            guard case .found(let agency) = registry.resolve("secretaria de desarrollo social") else {
                Issue.record("the former name no longer resolves")
                return
            }
            #expect(agency.name == "Secretaría de Bienestar")
            #expect(agency.formerNames == ["Secretaría de Desarrollo Social"])
        }
    }

    @Test func schemaRefusesAFederalAgencyWithAState() throws {
        try withMigratedDatabase { connection in
            #expect {
                try AgencyStore(connection: connection).upsert(
                    [Agency(code: "X", name: "X", order: .federal, state: "JC", countsInIndicator: false)])
            } throws: { error in
                guard case .server(let server) = error as? PostgresError else { return false }
                return server.constraint == "agency_state_matches_order"
            }
        }
    }
}

import Capacita
import CapacitaStore
import Foundation
import Postgres
import SampleData
import Synchronization
import TestSupport
import Testing

/// Two agencies' files naming the same new people, imported at once: both land whole. The
/// second import is made to wait on the first one's uncommitted people, a state checked in
/// pg_stat_activity before the first commits: no sleep decides which path runs.
@Suite struct ConcurrentPeopleTests {
    static let groups = """
        grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo
        G-SICT,PNC22-BAS,,SICT,2024-03-04,2024-03-08,,,40
        G-SECTUR,PNC22-BAS,,SECTUR,2024-04-01,2024-04-05,,,40
        """

    @Test(arguments: [false, true])
    func theSameNewPeopleFromTwoImportsAtOnceBothLand(asApplicationRole: Bool) throws {
        var random = SeededGenerator(seed: 42)
        let people = (0..<30).map { _ in SamplePerson.make(&random) }
        try TestDatabase.withFresh { url in
            let first = try Connection(url)
            try MigrationRunner(connection: first, migrations: try repositoryMigrations()).migrate()
            first.act(as: .admin("pruebas"))
            try CatalogStore(connection: first).load(try Catalog.build(files: try repositoryCatalogFiles()).get())
            try AgencyStore(connection: first).upsert(
                try AgencyFile.parse(try repositoryFile("db/seed/agencies.csv")).get())
            try importGroups(Self.groups, into: first)
            let second = try Connection(url)
            if asApplicationRole {
                try second.execute("SET ROLE capacita_app")
                second.act(as: .enlace(of: "SECTUR", user: "enlace-sectur"))
            } else {
                second.act(as: .admin("pruebas"))
            }
            let watcher = try Connection(url)
            let pid = try second.query("SELECT pg_backend_pid()").scalar(Int.self)

            // The first import, held open: its people inserted, not committed.
            try first.execute("BEGIN")
            let batch = try first.query(
                """
                INSERT INTO import_batch (kind, file_name, sha256, agency_code, rows, imported, updated, unchanged, ran_by)
                VALUES ('enrollment', 'sict.csv', repeat('0', 64), 'SICT', 30, 30, 0, 0, 'pruebas') RETURNING id
                """
            ).scalar(Int64.self)
            for person in people {
                try first.query(
                    "INSERT INTO person (curp, given_names, first_surname, sex) VALUES ($1, $2, $3, $4)",
                    [person.curp, person.givenNames, person.firstSurname, person.sex.rawValue])
                try first.query(
                    "INSERT INTO enrollment (group_code, curp, agency_code, tier, batch_id) VALUES ('G-SICT', $1, 'SICT', 'operativo', $2)",
                    [person.curp, batch])
            }
            let file = try temporaryFile(
                "curp,nombre,primer_apellido,sexo,dependencia,nivel,grupo\n"
                    + people.map {
                        "\($0.curp),\($0.givenNames),\($0.firstSurname),\($0.sex.rawValue),SECTUR,base,G-SECTUR"
                    }
                    .joined(separator: "\n"))
            let outcome = Mutex<Result<ImportOutcome, any Error>?>(nil)
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                let result = Result { try enroll(file, second) }
                outcome.withLock { $0 = result }
                done.signal()
            }
            thread.start()
            // Wait until the second import is blocked on the first one's keys, then commit the first.
            while try watcher.query(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [pid]
            ).scalar(Int.self) != 1 {
                guard outcome.withLock({ $0 == nil }) else { break }
                usleep(2000)
            }
            #expect(outcome.withLock { $0 == nil }, "the second import did not wait for the first one's people")
            try first.execute("COMMIT")
            done.wait()
            let result = try #require(outcome.withLock { $0 })
            let imported = try result.get()
            #expect(imported.accepted && imported.imported == 30, "\(imported.rejected)")
            #expect(try first.query("SELECT count(*) FROM person").scalar(Int.self) == 30)
            #expect(try first.query("SELECT count(*) FROM enrollment").scalar(Int.self) == 60)
            if asApplicationRole { try second.execute("RESET ROLE") }
        }
    }
}

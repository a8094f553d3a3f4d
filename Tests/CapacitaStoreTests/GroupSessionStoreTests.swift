import Capacita
import CapacitaFiles
import CapacitaStore
import Postgres
import Testing

/// Sessions files through `FileImports.sessions` on the application role, against the example groups.
@Suite struct GroupSessionStoreTests {
    private func withExampleGroups(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabase { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            try body(connection)
        }
    }

    private func sessions(_ csv: String, _ connection: Connection, dryRun: Bool = false, group: String? = nil) throws
        -> ImportOutcome
    {
        try FileImports(connection: connection).sessions(
            try InputFile(bytes: Array(csv.utf8), name: "sesiones.csv"), ranBy: "test", dryRun: dryRun, group: group)
    }

    private func exampleFile(_ connection: Connection) throws -> ImportOutcome {
        try FileImports(connection: connection).sessions(
            try InputFile(bytes: try repositoryFile("examples/sesiones.csv"), name: "sesiones.csv"), ranBy: "test")
    }

    @Test func theExampleFileImportsAndListsInOrder() throws {
        try withExampleGroups { connection in
            let outcome = try exampleFile(connection)
            #expect(outcome.accepted && outcome.imported == 8 && outcome.extra["removed"] == 0, "\(outcome.rejected)")
            #expect(outcome.batchID != nil)
            let store = GroupSessionStore(connection: connection)
            let basic = try #require(try store.list(group: "sict-bas-2024-01"))
            #expect(
                basic.map(\.code) == [
                    "SICT-BAS-2024-01-S20240304-0900", "SICT-BAS-2024-01-S20240305-0900",
                    "SICT-BAS-2024-01-S20240306-0900", "SICT-BAS-2024-01-S20240307-0900",
                    "SICT-BAS-2024-01-S20240308-0900",
                ])
            #expect(basic.allSatisfy { $0.scheduled })
            #expect(basic[3].place == .link("https://reuniones.example.gob.mx/sict-bas-2024-01"))
            #expect(basic[4].endsAt?.description == "12:30")
            #expect(basic[0].place == .place("Aula 3, Av. Insurgentes Sur 1089, Ciudad de México"))
            let intermediate = try #require(try store.list(group: "SICT-INT-2024-01"))
            #expect(intermediate.map { $0.startsAt?.description } == ["10:00", "15:00", "10:00"])
            #expect(
                try connection.query("SELECT count(*) FROM audit_log WHERE action = 'sessions.import'").scalar(Int.self)
                    == 1)
        }
    }

    @Test func theSameFileAgainChangesNothing() throws {
        try withExampleGroups { connection in
            try #require(try exampleFile(connection).accepted)
            let before = try connection.query(
                "SELECT string_agg(group_code || session_date || starts_at || updated_at, '|' ORDER BY 1) FROM group_session"
            ).scalar(String.self)
            let again = try exampleFile(connection)
            #expect(again.accepted && again.imported == 0 && again.updated == 0 && again.unchanged == 8)
            #expect(again.extra["removed"] == 0)
            let after = try connection.query(
                "SELECT string_agg(group_code || session_date || starts_at || updated_at, '|' ORDER BY 1) FROM group_session"
            ).scalar(String.self)
            #expect(before == after)
        }
    }

    @Test func aGroupsSessionsInAFileReplaceItsStoredOnesOnly() throws {
        try withExampleGroups { connection in
            try #require(try exampleFile(connection).accepted)
            let outcome = try sessions(
                """
                grupo,fecha,inicio,fin,lugar
                SICT-BAS-2024-01,2024-03-04,09:00,13:00,Aula 5
                SICT-BAS-2024-01,2024-03-05,16:00,18:00,https://reuniones.example.gob.mx/otra
                """, connection)
            #expect(outcome.accepted && outcome.imported == 1 && outcome.updated == 1, "\(outcome.rejected)")
            #expect(outcome.extra["removed"] == 4)
            let store = GroupSessionStore(connection: connection)
            let basic = try #require(try store.list(group: "SICT-BAS-2024-01"))
            #expect(basic.map(\.code) == ["SICT-BAS-2024-01-S20240304-0900", "SICT-BAS-2024-01-S20240305-1600"])
            #expect(basic[0].endsAt?.description == "13:00" && basic[0].place == .place("Aula 5"))
            // The other group of the example file keeps its sessions.
            #expect(try store.list(group: "SICT-INT-2024-01")?.count == 3)
        }
    }

    @Test func aFileWithAnyProblemWritesNothingAndNamesEachByLine() throws {
        try withExampleGroups { connection in
            let outcome = try sessions(
                """
                grupo,fecha,inicio,fin,lugar
                SICT-BAS-2024-01,2024-03-04,09:00,13:00,Aula 5
                NO-EXISTE,2024-03-04,09:00,13:00,Aula 5
                SICT-BAS-2024-01,2024-03-10,09:00,13:00,Aula 5
                SICT-BAS-2024-01,2024-03-05,9.00,13:00,Aula 5
                SICT-BAS-2024-01,2024-03-05,14:00,13:00,Aula 5
                SICT-BAS-2024-01,2024-03-06,09:00,13:00,http://sin-cifrar.example.mx
                SICT-BAS-2024-01,2024-03-04,12:00,14:00,Aula 5
                """, connection)
            #expect(!outcome.accepted)
            #expect(
                outcome.rejected.map { "\($0.line) \($0.column)" } == [
                    "3 grupo", "4 fecha", "5 inicio", "6 fin", "7 lugar", "8 inicio",
                ], "\(outcome.rejected)")
            #expect(outcome.rejected.last?.message == "se traslapa con la sesión de la línea 2")
            #expect(try count("group_session", connection) == 0)
            #expect(
                try connection.query("SELECT count(*) FROM audit_log WHERE action = 'sessions.import_refused'").scalar(
                    Int.self) == 1)
            // A dry run of a good file reports and writes nothing either.
            let dry = try sessions(
                "grupo,fecha,inicio,fin,lugar\nSICT-BAS-2024-01,2024-03-04,09:00,13:00,Aula 5\n", connection,
                dryRun: true)
            #expect(dry.accepted && dry.dryRun && dry.imported == 1)
            #expect(try count("group_session", connection) == 0)
        }
    }

    @Test func aGroupWithoutSessionsListsOneADay() throws {
        try withExampleGroups { connection in
            let store = GroupSessionStore(connection: connection)
            let basic = try #require(try store.list(group: "SICT-BAS-2024-01"))
            #expect(
                basic.map(\.code) == [
                    "SICT-BAS-2024-01-S20240304", "SICT-BAS-2024-01-S20240305", "SICT-BAS-2024-01-S20240306",
                    "SICT-BAS-2024-01-S20240307", "SICT-BAS-2024-01-S20240308",
                ])
            #expect(basic.allSatisfy { !$0.scheduled && $0.startsAt == nil })
            // No end date: its one day.
            #expect(try store.list(group: "SEGOB-FERIA-2024")?.map(\.code) == ["SEGOB-FERIA-2024-S20240730"])
            #expect(try store.list(group: "NO-EXISTE") == nil)
            #expect(try count("group_session", connection) == 0)
        }
    }

    @Test func theOrganizingEnlaceAndTheSecretariaWriteSessionsNoOneElse() throws {
        try withExampleGroups { connection in
            let sict = "grupo,fecha,inicio,fin,lugar\nSICT-BAS-2024-01,2024-03-04,09:00,13:00,Aula 5\n"
            connection.act(as: .enlace(of: "INM", user: "enlace-inm"))
            let foreign = try sessions(sict, connection)
            #expect(
                foreign.rejected.map { "\($0.line) \($0.column) \($0.message)" } == [
                    "2 grupo \(AccessRules.Refusal.sessionsOfAnotherAgency.message)"
                ])
            // Row-level security refuses it again, whatever the Swift side checks.
            #expect(throws: PostgresError.self) {
                try connection.execute(
                    "INSERT INTO group_session (group_code, session_date, starts_at, ends_at) VALUES ('SICT-BAS-2024-01', '2024-03-04', '09:00', '10:00')"
                )
            }
            // Read as the group is read: every identified caller.
            connection.act(as: .instructor("instructora"))
            #expect(!(try sessions(sict, connection).accepted))
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            let own = try sessions(sict, connection)
            #expect(own.accepted && own.imported == 1, "\(own.rejected)")
            connection.act(as: .enlace(of: "INM", user: "enlace-inm"))
            #expect(try GroupSessionStore(connection: connection).list(group: "SICT-BAS-2024-01")?.count == 1)
            connection.act(as: nil)
        }
    }
}

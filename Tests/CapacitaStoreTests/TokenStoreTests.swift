import Capacita
import CapacitaStore
import Foundation
import Postgres
import Testing

/// Bearer tokens: shown once, stored hashed, checked by the application role through a definer
/// function that answers for valid tokens only.
@Suite struct TokenStoreTests {
    @Test func aTokenStandsForItsIdentityUntilRevokedOrExpired() throws {
        // Superuser: tokens are made and revoked by the CLI's superuser; the application role may
        // not even read their table, as this test shows after SET ROLE.
        try withLoadedDatabaseAsSuperuser { connection in
            let store = TokenStore(connection: connection)
            let enlace = try store.create(
                role: .enlace, agency: "SICT", groups: [], name: "Ana Enlace SICT", expiresOn: nil, createdBy: "st")
            #expect(enlace.token.hasPrefix(TokenStore.prefix) && enlace.token.count > 40)
            let yesterday = try store.create(
                role: .admin, agency: nil, groups: [], name: "vencido",
                expiresOn: CalendarDate(year: 2020, month: 1, day: 1), createdBy: "st")
            // Nothing stored or listed can be used as the token.
            let stored =
                try connection.query("SELECT string_agg(sha256 || hint, ' ') FROM api_token").scalar(String.self) ?? ""
            #expect(!stored.contains(enlace.token))
            #expect(try store.list().allSatisfy { !enlace.token.hasPrefix($0.hint) || $0.hint.count < 20 })

            try connection.execute("SET ROLE capacita_app")
            connection.act(as: nil)
            #expect(try store.identity(for: enlace.token) == .enlace(of: "SICT", user: "Ana Enlace SICT"))
            #expect(try store.identity(for: yesterday.token) == nil)
            #expect(try store.identity(for: enlace.token + "x") == nil)
            #expect(try store.identity(for: "' OR 1=1 --") == nil)
            // The application role cannot read the table itself.
            #expect(throws: PostgresError.self) { try connection.query("SELECT count(*) FROM api_token") }
            try connection.execute("RESET ROLE")
            connection.act(as: .admin("st"))

            try store.revoke("Ana Enlace SICT")
            #expect(try store.identity(for: enlace.token) == nil)
            #expect(throws: TokenStore.Problem.notFound("Ana Enlace SICT")) { try store.revoke("Ana Enlace SICT") }
            #expect(try count("audit_log WHERE action IN ('token.create', 'token.revoke')", connection) == 3)
        }
    }

    @Test func rolesGetWhatTheyNeedAndNothingElse() throws {
        // Superuser: tokens are made by the CLI's superuser (the application role has no grant on
        // api_token).
        try withLoadedDatabaseAsSuperuser { connection in
            try importGroups(EnrollmentImportTests.groups, into: connection)
            let store = TokenStore(connection: connection)
            #expect(throws: TokenStore.Problem.enlaceNeedsAgency) {
                try store.create(role: .enlace, agency: nil, groups: [], name: "x", expiresOn: nil, createdBy: "st")
            }
            #expect(throws: TokenStore.Problem.groupsOnlyForInstructor) {
                try store.create(
                    role: .admin, agency: nil, groups: ["BAS-1"], name: "y", expiresOn: nil, createdBy: "st")
            }
            #expect(throws: TokenStore.Problem.unknownGroup("NO-EXISTE")) {
                try store.create(
                    role: .instructor, agency: nil, groups: ["no-existe"], name: "z", expiresOn: nil, createdBy: "st")
            }
            let instructor = try store.create(
                role: .instructor, agency: nil, groups: ["bas-1"], name: "Luis Instructor", expiresOn: nil,
                createdBy: "st")
            #expect(instructor.record.groups == ["BAS-1"])
            #expect(throws: TokenStore.Problem.nameTaken("Luis Instructor")) {
                try store.create(
                    role: .instructor, agency: nil, groups: [], name: "Luis Instructor", expiresOn: nil, createdBy: "st"
                )
            }
        }
    }
}

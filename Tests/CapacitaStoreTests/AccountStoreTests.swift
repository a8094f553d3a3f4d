import Capacita
import CapacitaStore
import Foundation
import Postgres
import Testing

/// Accounts in the store, as the application role: who may create which account (the database's
/// `account_may_manage`), e-mails unique without case, the listing under row-level security, the
/// invitation in the outbox in the same transaction, and deactivation ending sessions.
@Suite struct AccountStoreTests {
    static func withGroups<T>(_ body: (Connection) throws -> T) throws -> T {
        try withLoadedDatabase { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            return try body(connection)
        }
    }

    static func create(
        _ connection: Connection, _ email: String, _ role: Identity.Role, agency: String? = nil, groups: [String] = []
    ) throws -> (id: Int64, secret: String) {
        try AccountStore(connection: connection).create(
            .init(email: email, name: "Persona de Prueba", role: role, agency: agency, groups: groups),
            linkLifetime: .seconds(72 * 3600), link: { "https://capacita.test/invitacion?t=\($0)" }, invitedBy: nil)
    }

    static func invite(_ connection: Connection, _ email: String, groups: [String]) throws -> Int64 {
        try AccountStore(connection: connection).inviteInstructor(
            email: email, name: "Persona Invitada", groups: groups, agencyName: "SICT",
            linkLifetime: .seconds(72 * 3600), link: { "https://capacita.test/invitacion?t=\($0)" },
            signIn: "https://capacita.test/entrar", invitedBy: "enlace-sict")
    }

    @Test func anEnlaceInvitesInstructorsToItsOwnGroupsAndCreatesNoOtherAccount() throws {
        try Self.withGroups { connection in
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            _ = try Self.invite(connection, "instructora@sict.gob.mx", groups: ["SICT-BAS-2024-01"])
            // Another agency's group, a mix, none, and a group that does not exist: refused alike.
            for groups in [["INM-BAS-2024-01"], ["SICT-BAS-2024-01", "INM-BAS-2024-01"], [], ["NO-EXISTE-2024-01"]] {
                #expect(throws: AccountStore.Problem.notAllowed, "\(groups)") {
                    _ = try Self.invite(connection, "otra@sict.gob.mx", groups: groups)
                }
            }
            // Creating or turning off accounts is the Secretaría Técnica's.
            #expect(throws: AccountStore.Problem.notAllowed) {
                _ = try Self.create(connection, "enlace2@sict.gob.mx", .enlace, agency: "SICT")
            }
            #expect(throws: AccountStore.Problem.notAllowed) {
                _ = try Self.create(connection, "inst@sict.gob.mx", .instructor, groups: ["SICT-BAS-2024-01"])
            }
            #expect(throws: AccountStore.Problem.notAllowed) {
                _ = try AccountStore(connection: connection).setActive(email: "instructora@sict.gob.mx", false)
            }
            // An instructor invites no one.
            connection.act(as: .instructor("instructora@sict.gob.mx"))
            #expect(throws: AccountStore.Problem.notAllowed) {
                _ = try Self.invite(connection, "x@sict.gob.mx", groups: ["SICT-BAS-2024-01"])
            }
        }
    }

    /// "Known elsewhere" and "unknown" answer alike: the enlace sees the same invitation, the same
    /// assignment and the same accounts whether or not the e-mail had an account; only the person's
    /// mail differs (an invitation, or a note that groups were assigned).
    @Test func anEnlaceLearnsNothingFromInvitingAnEmailThatHasAnAccountElsewhere() throws {
        try Self.withGroups { connection in
            _ = try Self.create(connection, "ya.tiene@inm.gob.mx", .instructor, groups: ["INM-BAS-2024-01"])
            _ = try Self.create(connection, "enlace@inm.gob.mx", .enlace, agency: "INM")
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            let before = try AccountStore(connection: connection).list()
            var seen: [[String]] = []
            for email in ["ya.tiene@inm.gob.mx", "enlace@inm.gob.mx", "nueva@sict.gob.mx"] {
                let id = try Self.invite(connection, email, groups: ["SICT-BAS-2024-01"])
                let invitation = try #require(try AccountStore(connection: connection).invitations().first)
                #expect(invitation.id == id && invitation.email == email && invitation.name == "Persona Invitada")
                #expect(invitation.groups == ["SICT-BAS-2024-01"])
                let assigned = try connection.query(
                    "SELECT count(*) FROM group_instructor WHERE user_name = $1", [email]
                ).scalar(Int64.self)
                seen.append([invitation.invitedBy, "\(assigned ?? -1)"])
                // No account appears or differs for the enlace in any case.
                #expect(try AccountStore(connection: connection).list() == before)
            }
            #expect(Set(seen.map { $0.joined(separator: " ") }).count == 1)
            connection.act(as: nil)
            // The outbox is read as the superuser: the application role never reads it.
            try connection.execute("RESET ROLE")
            let kinds = try connection.query(
                "SELECT recipient || ' ' || kind FROM mail_outbox ORDER BY id"
            ).map { try $0.decode(at: 0, as: String.self) }
            #expect(kinds.contains("ya.tiene@inm.gob.mx group_assignment"))
            #expect(kinds.contains("enlace@inm.gob.mx group_assignment"))
            #expect(kinds.contains("nueva@sict.gob.mx invitation"))
            // The new person is an instructor of the group; the existing ones keep their accounts.
            #expect(
                try connection.query("SELECT role FROM account WHERE email = 'nueva@sict.gob.mx'").scalar(String.self)
                    == "instructor")
        }
    }

    @Test func anEmailNamesOneAccountWhateverItsCase() throws {
        try Self.withGroups { connection in
            _ = try Self.create(connection, "Ana.Perez@SICT.gob.mx", .enlace, agency: "SICT")
            #expect(throws: AccountStore.Problem.emailTaken) {
                _ = try Self.create(connection, "ana.perez@sict.GOB.MX", .admin)
            }
            #expect(throws: AccountStore.Problem.badEmail) { _ = try Self.create(connection, "sin-arroba", .admin) }
            #expect(try AccountStore(connection: connection).list().map(\.email) == ["ana.perez@sict.gob.mx"])
        }
    }

    @Test func anEnlaceListsItsAgencysAccountsOnly() throws {
        try Self.withGroups { connection in
            _ = try Self.create(connection, "admin@segob.gob.mx", .admin)
            _ = try Self.create(connection, "enlace@sict.gob.mx", .enlace, agency: "SICT")
            _ = try Self.create(connection, "enlace@inm.gob.mx", .enlace, agency: "INM")
            _ = try Self.create(connection, "instructor@sict.gob.mx", .instructor, groups: ["SICT-BAS-2024-01"])
            _ = try Self.create(connection, "instructor@inm.gob.mx", .instructor, groups: ["INM-BAS-2024-01"])
            #expect(try AccountStore(connection: connection).list().count == 5)
            connection.act(as: .enlace(of: "SICT", user: "enlace@sict.gob.mx"))
            #expect(
                try AccountStore(connection: connection).list().map(\.email) == ["enlace@sict.gob.mx"])
            // The password hash and the second factor's secret are never the application role's to read.
            #expect(throws: PostgresError.self) {
                _ = try connection.query("SELECT password_hash FROM account").rows
            }
        }
    }

    @Test func theInvitationIsInTheOutboxOnlyWhenTheAccountIsCreated() throws {
        try Self.withGroups { connection in
            let created = try Self.create(connection, "nueva@sict.gob.mx", .enlace, agency: "SICT")
            #expect(throws: AccountStore.Problem.emailTaken) {
                _ = try Self.create(connection, "NUEVA@sict.gob.mx", .enlace, agency: "SICT")
            }
            connection.act(as: nil)
            try connection.execute("RESET ROLE")
            let bodies = try connection.query(
                "SELECT body_text FROM mail_outbox WHERE recipient = 'nueva@sict.gob.mx'"
            ).map { try $0.decode("body_text", as: String.self) }
            #expect(bodies.count == 1)
            #expect(bodies.first?.contains("https://capacita.test/invitacion?t=\(created.secret)") == true)
            // Only the link's hash is kept.
            let stored = try connection.query("SELECT sha256 FROM account_link").map {
                try $0.decode("sha256", as: String.self)
            }
            #expect(stored == [TokenStore.sha256(created.secret)])
        }
    }

    @Test func deactivatingEndsTheAccountsSessionsAndReactivatingDoesNotBringThemBack() throws {
        try Self.withGroups { connection in
            _ = try Self.create(connection, "baja@sict.gob.mx", .enlace, agency: "SICT")
            // Signing in acts for no one (the sign-in form), as the service does.
            connection.act(as: nil)
            let sessions = AccountSessions(connection: connection)
            let credentials = try #require(try sessions.credentials(email: "BAJA@sict.gob.mx"))
            let opened = try #require(
                try sessions.open(account: credentials.id, pending: false, lifetime: .seconds(600), userAgent: "prueba")
            )
            let store = SessionStore(connection: connection)
            #expect(try store.current(secret: opened.secret)?.identity.user == "baja@sict.gob.mx")
            #expect(try AccountStore(connection: connection).setActive(email: "baja@sict.gob.mx", false))
            #expect(try store.current(secret: opened.secret) == nil)
            #expect(
                try sessions.open(account: credentials.id, pending: false, lifetime: .seconds(600), userAgent: nil)
                    == nil)
            #expect(try AccountStore(connection: connection).setActive(email: "baja@sict.gob.mx", true))
            #expect(try store.current(secret: opened.secret) == nil)
            #expect(try AccountStore(connection: connection).setActive(email: "nadie@sict.gob.mx", false) == false)
        }
    }

    @Test func aPendingSessionStandsForNoOneUntilItsSecondFactor() throws {
        try Self.withGroups { connection in
            _ = try Self.create(connection, "jefa@segob.gob.mx", .admin)
            // Signing in acts for no one (the sign-in form), as the service does.
            connection.act(as: nil)
            let sessions = AccountSessions(connection: connection)
            let id = try #require(try sessions.credentials(email: "jefa@segob.gob.mx")).id
            let opened = try #require(
                try sessions.open(account: id, pending: true, lifetime: .seconds(600), userAgent: nil))
            #expect(try SessionStore(connection: connection).current(secret: opened.secret) == nil)
            #expect(try sessions.factor(session: opened.secret)?.pending == true)
            let rotated = try #require(try sessions.rotate(session: opened.secret, lifetime: .seconds(600)))
            // The second factor gives a new session: the pending cookie now stands for nothing.
            #expect(rotated.secret != opened.secret && rotated.csrf != opened.csrf)
            #expect(try SessionStore(connection: connection).current(secret: rotated.secret)?.account == id)
            #expect(try sessions.factor(session: opened.secret) == nil)
            #expect(try sessions.rotate(session: opened.secret, lifetime: .seconds(600)) == nil)
            #expect(try sessions.rotate(session: rotated.secret, lifetime: .seconds(600)) == nil)
        }
    }

    /// The database, not only the service, decides that a second factor is owed: an administrator
    /// and an account with TOTP get a pending session even when the caller asks for a full one.
    @Test func aSecondFactorIsOwedWhateverTheCallerAsks() throws {
        try Self.withGroups { connection in
            _ = try Self.create(connection, "jefa@segob.gob.mx", .admin)
            _ = try Self.create(connection, "inst@sict.gob.mx", .instructor, groups: ["SICT-BAS-2024-01"])
            // Signing in acts for no one (the sign-in form), as the service does.
            connection.act(as: nil)
            let sessions = AccountSessions(connection: connection)
            let admin = try #require(try sessions.credentials(email: "jefa@segob.gob.mx")).id
            let asAdmin = try #require(
                try sessions.open(account: admin, pending: false, lifetime: .seconds(600), userAgent: nil))
            #expect(try sessions.factor(session: asAdmin.secret)?.pending == true)
            #expect(try SessionStore(connection: connection).current(secret: asAdmin.secret) == nil)
            let instructor = try #require(try sessions.credentials(email: "inst@sict.gob.mx")).id
            let first = try #require(
                try sessions.open(account: instructor, pending: false, lifetime: .seconds(600), userAgent: nil))
            #expect(try sessions.factor(session: first.secret)?.pending == false)
            #expect(try sessions.beginTwoFactor(session: first.secret, totpSecret: String(repeating: "A", count: 32)))
            #expect(
                try sessions.confirmTwoFactor(session: first.secret, recoveryCodes: AccountSessions.newRecoveryCodes()))
            let second = try #require(
                try sessions.open(account: instructor, pending: false, lifetime: .seconds(600), userAgent: nil))
            #expect(try sessions.factor(session: second.secret)?.pending == true)
            // A request acting for someone opens no session and reads no password hash.
            connection.act(as: .admin("pruebas"))
            #expect(throws: PostgresError.self) {
                _ = try sessions.open(account: instructor, pending: true, lifetime: .seconds(600), userAgent: nil)
            }
            #expect(try sessions.credentials(email: "inst@sict.gob.mx") == nil)
        }
    }

    /// Enrollment happens once: a confirmed secret is not replaced, nor its recovery codes, by
    /// another confirmation through any session of the account.
    @Test func aConfirmedSecondFactorIsNotEnrolledAgain() throws {
        try Self.withGroups { connection in
            _ = try Self.create(connection, "inst@sict.gob.mx", .instructor, groups: ["SICT-BAS-2024-01"])
            // Signing in acts for no one (the sign-in form), as the service does.
            connection.act(as: nil)
            let sessions = AccountSessions(connection: connection)
            let id = try #require(try sessions.credentials(email: "inst@sict.gob.mx")).id
            let opened = try #require(
                try sessions.open(account: id, pending: false, lifetime: .seconds(600), userAgent: nil))
            let secret = String(repeating: "B", count: 32)
            #expect(try sessions.beginTwoFactor(session: opened.secret, totpSecret: secret))
            #expect(
                try sessions.confirmTwoFactor(session: opened.secret, recoveryCodes: AccountSessions.newRecoveryCodes())
            )
            #expect(try !sessions.beginTwoFactor(session: opened.secret, totpSecret: String(repeating: "C", count: 32)))
            #expect(
                try !sessions.confirmTwoFactor(
                    session: opened.secret, recoveryCodes: AccountSessions.newRecoveryCodes()))
            #expect(try sessions.factor(session: opened.secret)?.totpSecret == secret)
        }
    }

    /// A locked account uses up no code: the TOTP step and the recovery code are still good once
    /// the lock ends, and failures while locked do not lengthen the lock.
    @Test func aLockedAccountUsesUpNoCode() throws {
        // Ending the lock early is the operator's (an UPDATE the application role may not make).
        try withLoadedDatabaseAsSuperuser { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            _ = try Self.create(connection, "inst@sict.gob.mx", .instructor, groups: ["SICT-BAS-2024-01"])
            // Signing in acts for no one (the sign-in form), as the service does.
            connection.act(as: nil)
            let sessions = AccountSessions(connection: connection)
            let id = try #require(try sessions.credentials(email: "inst@sict.gob.mx")).id
            let full = try #require(
                try sessions.open(account: id, pending: false, lifetime: .seconds(600), userAgent: nil))
            let codes = AccountSessions.newRecoveryCodes()
            #expect(try sessions.beginTwoFactor(session: full.secret, totpSecret: String(repeating: "D", count: 32)))
            #expect(try sessions.confirmTwoFactor(session: full.secret, recoveryCodes: codes))
            let pending = try #require(
                try sessions.open(account: id, pending: true, lifetime: .seconds(600), userAgent: nil))
            let rule = AccountSessions.LockRule(failures: 2, lock: .seconds(900))
            #expect(try sessions.failed(account: id, rule) == 0)
            #expect(try sessions.failed(account: id, rule) == 900)
            #expect(try sessions.failed(account: id, rule) == 0)
            #expect(try !sessions.useStep(session: pending.secret, step: 1000))
            #expect(try !sessions.useRecoveryCode(session: pending.secret, code: codes[0]))
            #expect(try sessions.rotate(session: pending.secret, lifetime: .seconds(600)) == nil)
            let lockouts = try connection.query(
                "SELECT lockouts, failures FROM account WHERE id = $1", [id]
            ).rows.first.map { [try $0.decode("lockouts", as: Int.self), try $0.decode("failures", as: Int.self)] }
            #expect(lockouts == [1, 0])
            _ = try connection.query(
                "UPDATE account SET locked_until = now() - interval '1 second' WHERE id = $1", [id])
            #expect(try sessions.useStep(session: pending.secret, step: 1000))
            #expect(try sessions.useRecoveryCode(session: pending.secret, code: codes[0]))
            #expect(try sessions.rotate(session: pending.secret, lifetime: .seconds(600)) != nil)
        }
    }

    /// Setting a password through a reset link ends the account's tokens with its sessions.
    @Test func aPasswordResetRevokesTheAccountsTokens() throws {
        // Tokens for an account are made by the operator (`capacita token create --user`).
        try withLoadedDatabaseAsSuperuser { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            let created = try Self.create(connection, "inst@sict.gob.mx", .instructor, groups: ["SICT-BAS-2024-01"])
            let accounts = AccountStore(connection: connection)
            let hash = "$2b$04$" + String(repeating: "a", count: 53)
            #expect(try accounts.use(link: created.secret, kind: .invitation, passwordHash: hash, name: nil) != nil)
            let tokens = TokenStore(connection: connection)
            let made = try tokens.create(
                account: "inst@sict.gob.mx", name: "lector", expiresOn: nil, createdBy: "pruebas")
            var link: String?
            try accounts.requestReset(email: "inst@sict.gob.mx", lifetime: .seconds(3600)) {
                link = $0
                return "https://capacita.test/contrasena/nueva?t=\($0)"
            }
            let secret = try #require(link)
            #expect(try tokens.identity(for: made.token) != nil)
            #expect(try accounts.use(link: secret, kind: .passwordReset, passwordHash: hash, name: nil) != nil)
            #expect(try tokens.identity(for: made.token) == nil)
        }
    }

    @Test func aTokenMadeForAnAccountActsAsItAndEndsWithIt() throws {
        // `capacita token create --user` is the operator's, on the superuser's connection (the
        // application role never writes api_token but through the page's definer functions).
        try withLoadedDatabaseAsSuperuser { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            _ = try Self.create(connection, "Instructora@SICT.gob.mx", .instructor, groups: ["SICT-BAS-2024-01"])
            let tokens = TokenStore(connection: connection)
            let made = try tokens.create(
                account: "instructora@sict.gob.mx", name: "lector", expiresOn: nil, createdBy: "pruebas")
            #expect(made.record.account == "instructora@sict.gob.mx" && made.record.role == "instructor")
            // It acts as the account: its e-mail is the user name, so the account's groups are its groups.
            #expect(made.record.groups == ["SICT-BAS-2024-01"])
            #expect(try tokens.identity(for: made.token)?.user == "instructora@sict.gob.mx")
            // Names are the account's own: another account, or a token of its own, may use the same.
            #expect(throws: TokenStore.Problem.nameTaken("lector")) {
                _ = try tokens.create(
                    account: "instructora@sict.gob.mx", name: "lector", expiresOn: nil, createdBy: "pruebas")
            }
            _ = try tokens.create(
                role: .admin, agency: nil, groups: [], name: "lector", expiresOn: nil, createdBy: "pruebas")
            #expect(throws: TokenStore.Problem.unknownAccount("nadie@sict.gob.mx")) {
                _ = try tokens.create(account: "nadie@sict.gob.mx", name: "x", expiresOn: nil, createdBy: "pruebas")
            }
            connection.act(as: .admin("pruebas"))
            #expect(try AccountStore(connection: connection).setActive(email: "instructora@sict.gob.mx", false))
            connection.act(as: nil)
            #expect(try tokens.identity(for: made.token) == nil)
            #expect(throws: TokenStore.Problem.inactiveAccount("instructora@sict.gob.mx")) {
                _ = try tokens.create(
                    account: "instructora@sict.gob.mx", name: "otro", expiresOn: nil, createdBy: "pruebas")
            }
        }
    }
}

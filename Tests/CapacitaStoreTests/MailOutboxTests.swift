import CapacitaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// The outbox (db/migrations/0019) as the service's role uses it: written with what causes a
/// message, claimed by one deliverer at a time, its outcome recorded, listed without bodies.
@Suite struct MailOutboxTests {
    static func mail(_ recipient: String = "ana.lopez@ejemplo.gob.mx", subject: String = "Invitación a capacita")
        -> OutgoingMail
    {
        OutgoingMail(
            recipient: recipient, subject: subject, text: "Hola, Ana: abra el enlace https://capacita.example/x",
            html: "<p>Hola, Ana</p>", kind: .invitation)
    }

    /// A migrated database: the superuser's connection (to look at the table itself) and two of
    /// the application role's own, acting for no one, as two instances of the service connect.
    static func withOutbox<T>(_ body: (_ owner: Connection, _ first: Connection, _ second: Connection) throws -> T)
        throws -> T
    {
        try TestDatabase.withFresh { url in
            let owner = try Connection(url)
            try MigrationRunner(connection: owner, migrations: try repositoryMigrations()).migrate()
            let app = try applicationRoleURL(url)
            return try body(owner, try Connection(app), try Connection(app))
        }
    }

    @Test func aMessageEnqueuedInATransactionThatRollsBackLeavesNothing() throws {
        try withMigratedDatabase { connection in
            let outbox = MailOutbox(connection: connection)
            struct Abandoned: Error {}
            #expect(throws: Abandoned.self) {
                try connection.withTransaction { connection in
                    try MailOutbox(connection: connection).enqueue(Self.mail())
                    throw Abandoned()
                }
            }
            #expect(try outbox.list().isEmpty)

            let id = try connection.withTransaction { try MailOutbox(connection: $0).enqueue(Self.mail()) }
            let listed = try outbox.list()
            #expect(listed.map(\.id) == [id])
            #expect(listed.first?.status == "pending" && listed.first?.attempts == 0)
            #expect(listed.first?.recipient == "ana.lopez@ejemplo.gob.mx" && listed.first?.kind == "invitation")
        }
    }

    @Test func whatCouldAddAHeaderOrOverflowIsRefused() throws {
        try withMigratedDatabase { connection in
            let outbox = MailOutbox(connection: connection)
            let refused = [
                Self.mail("ana@ejemplo.mx\r\nBcc: todos@ejemplo.mx"), Self.mail("<ana@ejemplo.mx>"),
                Self.mail("sin-arroba"), Self.mail(String(repeating: "a", count: 250) + "@ejemplo.mx"),
                Self.mail(subject: "Hola\r\nBcc: todos@ejemplo.mx"), Self.mail(subject: "Hola\nX: y"),
                Self.mail(subject: String(repeating: "a", count: 201)), Self.mail(subject: " "),
                OutgoingMail(
                    recipient: "ana@ejemplo.mx", subject: "s", text: String(repeating: "x", count: 65537), html: "",
                    kind: .test),
                OutgoingMail(
                    recipient: "ana@ejemplo.mx", subject: "s", text: "", html: String(repeating: "x", count: 65537),
                    kind: .test),
            ]
            for mail in refused {
                #expect(throws: MailOutbox.Problem.refused, "\(mail.recipient.prefix(40)) \(mail.subject.prefix(40))") {
                    try outbox.enqueue(mail)
                }
            }
            #expect(throws: (any Error).self) {
                _ = try connection.query("SELECT mail_enqueue('ana@ejemplo.mx', 's', 't', 'h', 'boletin')")
            }
            let left = try outbox.list()
            #expect(left.isEmpty)
        }
    }

    @Test func theApplicationRoleReadsTheOutboxOnlyThroughItsFunctions() throws {
        try Self.withOutbox { _, first, _ in
            try MailOutbox(connection: first).enqueue(Self.mail())
            #expect {
                try first.query("SELECT body_text FROM mail_outbox")
            } throws: { ($0 as? PostgresError)?.sqlState == "42501" }
            // Claiming returns the bodies (the links): never for a request acting for someone.
            first.act(as: .admin("pruebas"))
            #expect {
                try MailOutbox(connection: first).claim(limit: 10, lease: .seconds(300))
            } throws: { ($0 as? PostgresError)?.sqlState == "42501" }
            first.act(as: .enlace(of: "SICT", user: "sict"))
            #expect {
                try MailOutbox(connection: first).list()
            } throws: { ($0 as? PostgresError)?.sqlState == "42501" }
            // The listing has no body among its columns.
            first.act(as: .admin("pruebas"))
            let columns = try first.query("SELECT * FROM mail_list(10)").columns.names
            #expect(!columns.contains { $0.contains("body") || $0.contains("text") || $0.contains("html") })
        }
    }

    @Test func aClaimedMessageIsLeasedAndAnotherDelivererSkipsIt() throws {
        try Self.withOutbox { _, first, second in
            let id = try MailOutbox(connection: first).enqueue(Self.mail())
            let claimed = try MailOutbox(connection: first).claim(limit: 10, lease: .seconds(300))
            #expect(claimed.map(\.id) == [id])
            #expect(claimed.first?.text.contains("Hola, Ana") == true && claimed.first?.attempts == 0)
            // Committed: the other instance sees the lease and leaves the message alone.
            #expect(try MailOutbox(connection: second).claim(limit: 10, lease: .seconds(300)).isEmpty)
            first.act(as: .admin("pruebas"))
            #expect(try MailOutbox(connection: first).list().map(\.status) == ["sending"])
        }
    }

    @Test func rowsAnotherTransactionIsClaimingAreSkippedWithoutWaiting() throws {
        try Self.withOutbox { _, first, second in
            let outbox = MailOutbox(connection: first)
            let ids = try (1...3).map { try outbox.enqueue(Self.mail("persona\($0)@ejemplo.gob.mx")) }
            // The first deliverer is inside its claim's transaction, the first message locked.
            try first.execute("BEGIN")
            let locked = try first.query("SELECT id FROM mail_claim(1, interval '5 minutes', now(), 0)")
                .scalar(Int64.self)
            #expect(locked == ids[0])
            // Were the lock waited on, this would fail after two seconds instead of skipping.
            try second.execute("SET lock_timeout = '2s'")
            let taken = try MailOutbox(connection: second).claim(limit: 10, lease: .seconds(300))
            #expect(taken.map(\.id) == Array(ids[1...]))
            try first.execute("COMMIT")
            #expect(try MailOutbox(connection: second).claim(limit: 10, lease: .seconds(300)).isEmpty)
        }
    }

    @Test func aFailureWaitsUntilItsRetryTimeAndGivingUpBlanksTheBodies() throws {
        try Self.withOutbox { owner, first, second in
            let outbox = MailOutbox(connection: first)
            let id = try outbox.enqueue(Self.mail())
            _ = try outbox.claim(limit: 10, lease: .seconds(300))
            let retryAt = Date().addingTimeInterval(3600)
            #expect(try outbox.failed(id, error: "connection_refused\r\nx", retryAt: retryAt, giveUp: false))
            // Not due now, by either deliverer; due by a time past the retry.
            #expect(try MailOutbox(connection: second).claim(limit: 10, lease: .seconds(300)).isEmpty)
            let later = try MailOutbox(connection: second).claim(
                limit: 10, lease: .seconds(300), dueBy: retryAt.addingTimeInterval(1))
            #expect(later.map(\.id) == [id] && later.first?.attempts == 1)

            #expect(try outbox.failed(id, error: "rejected", retryAt: nil, giveUp: true))
            // Once given up, nothing more is recorded and nothing is claimed.
            #expect(try !outbox.sent(id))
            #expect(try !outbox.failed(id, error: "x", retryAt: Date(), giveUp: false))
            #expect(
                try MailOutbox(connection: second).claim(
                    limit: 10, lease: .seconds(300), dueBy: Date().addingTimeInterval(86400 * 365)
                ).isEmpty)
            first.act(as: .admin("pruebas"))
            let listed = try MailOutbox(connection: first).list()
            #expect(listed.map(\.status) == ["failed"] && listed.first?.attempts == 2)
            #expect(listed.first?.nextAttemptAt == nil && listed.first?.failedAt != nil)
            #expect(listed.first?.lastError == "rejected")
            let row = try owner.query("SELECT body_text, body_html FROM mail_outbox WHERE id = $1", [id]).rows.first
            #expect(row?["body_text"] == "" && row?["body_html"] == "")
        }
    }

    @Test func aSentMessageLeavesTheListingWithItsBodiesBlanked() throws {
        try Self.withOutbox { owner, first, _ in
            let outbox = MailOutbox(connection: first)
            let id = try outbox.enqueue(Self.mail())
            _ = try outbox.claim(limit: 10, lease: .seconds(300))
            #expect(try outbox.sent(id))
            #expect(try !outbox.sent(id))
            first.act(as: .admin("pruebas"))
            #expect(try MailOutbox(connection: first).list().isEmpty)
            let row = try owner.query(
                "SELECT attempts, sent_at IS NOT NULL AS sent, body_text, body_html FROM mail_outbox WHERE id = $1",
                [id]
            ).rows.first
            #expect(row?["attempts"] == "1" && row?["sent"] == "t")
            #expect(row?["body_text"] == "" && row?["body_html"] == "")
        }
    }

    @Test func claimingInsideAnOpenTransactionIsRefused() throws {
        try Self.withOutbox { _, first, _ in
            try first.execute("BEGIN")
            #expect(throws: MailOutbox.Problem.insideTransaction) {
                try MailOutbox(connection: first).claim(limit: 1, lease: .seconds(60))
            }
            try first.execute("ROLLBACK")
        }
    }
}

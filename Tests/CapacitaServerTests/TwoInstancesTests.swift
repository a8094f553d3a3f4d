import CapacitaServer
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Postgres
import TestSupport
import Testing

/// Two instances of the service on one database, each with its own socket and upload folder, as
/// behind a round-robin load balancer: a preview made through one is confirmed through the other
/// and imported once, however many times and through whichever instance it is confirmed; its
/// refused rows download through either; a session signed in through one works on the other; a
/// token revoked through one is refused by the other at once.
@Suite struct TwoInstancesTests {
    /// Both instances, live, on one fresh fixture.
    static func withTwoInstances(_ body: @Sendable (Served, Served) async throws -> Void) async throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let logger = Logger(label: "capacita-test")
        var second = fixture.configuration()
        second.uploadFolder = fixture.uploadFolder + "-b"
        let one = try await buildApplication(fixture.configuration(), logger: logger)
        let two = try await buildApplication(second, logger: logger)
        do {
            try await one.application.test(.live) { a in
                try await two.application.test(.live) { b in
                    #expect(a.port != b.port)
                    try await body(
                        Served(fixture: fixture, client: a, routes: one.routes),
                        Served(fixture: fixture, client: b, routes: two.routes))
                }
            }
        } catch {
            await one.shutdown()
            await two.shutdown()
            throw error
        }
        await one.shutdown()
        await two.shutdown()
    }

    static let count = "SELECT count(*) FROM enrollment WHERE group_code = '\(ServiceFixture.sictGroup)'"

    @Test func aPreviewMadeOnOneInstanceIsConfirmedOnTheOtherAndImportedOnce() async throws {
        try await Self.withTwoInstances { a, b in
            let session = try await PagesTests.session(a, .sict)
            // Signed in through A, the session is good on B.
            let home = try await PagesTests.home(b, session)
            #expect(home.status == .ok && home.text.contains("csrf"))
            let before = try #require(try a.fixture.query(Self.count, as: Int.self))

            let preview = try await UploadPagesTests.upload(
                a, session, "inscripcion", file: UploadPagesTests.newPeople(3),
                fields: [("grupo", ServiceFixture.sictGroup)])
            #expect(preview.status == .ok, "\(preview.text.prefix(300))")
            let done = try await UploadPagesTests.confirm(b, session, "inscripcion", preview: preview.text)
            #expect(
                done.status == .ok && done.text.contains("<h2 id=\"hecho\">Importado</h2>"), "\(done.text.prefix(300))")
            #expect(try a.fixture.query(Self.count, as: Int.self) == before + 3)
            // Confirmed again, through either instance: nothing more is imported.
            for served in [a, b] {
                let again = try await UploadPagesTests.confirm(served, session, "inscripcion", preview: preview.text)
                #expect(again.status == .notFound && again.text.contains("Vista previa vencida"))
            }
            #expect(try a.fixture.query(Self.count, as: Int.self) == before + 3)
            // Nothing of it stays on either instance's disk, nor in the table.
            #expect(try a.fixture.query("SELECT count(*) FROM pending_upload", as: Int.self) == 0)
            for folder in [a.fixture.uploadFolder, a.fixture.uploadFolder + "-b"] {
                let left = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                #expect(left.isEmpty, "\(folder): \(left)")
            }
        }
    }

    /// Both instances confirm the same preview at once: one imports it, the other finds it gone
    /// (the confirmation locks the preview's row in the import's transaction).
    @Test func twoConfirmationsAtOnceThroughBothInstancesImportOnce() async throws {
        try await Self.withTwoInstances { a, b in
            let session = try await PagesTests.session(a, .sict)
            let before = try #require(try a.fixture.query(Self.count, as: Int.self))
            let preview = try await UploadPagesTests.upload(
                b, session, "inscripcion", file: UploadPagesTests.newPeople(4),
                fields: [("grupo", ServiceFixture.sictGroup)])
            #expect(preview.status == .ok)
            let text = preview.text
            async let first = UploadPagesTests.confirm(a, session, "inscripcion", preview: text)
            async let second = UploadPagesTests.confirm(b, session, "inscripcion", preview: text)
            let statuses = try await [first.status, second.status]
            #expect(statuses.sorted { $0.code < $1.code } == [.ok, .notFound], "\(statuses)")
            #expect(try a.fixture.query(Self.count, as: Int.self) == before + 4)
            #expect(
                try a.fixture.query(
                    "SELECT count(*) FROM import_batch WHERE kind = 'enrollment' AND ran_by = '\(a.fixture.accounts[.sict] ?? "")'",
                    as: Int.self) == 1)
        }
    }

    @Test func theRefusedRowsOfAPreviewDownloadThroughTheOtherInstance() async throws {
        try await Self.withTwoInstances { a, b in
            let session = try await PagesTests.session(a, .sict)
            var bytes = try ServiceFixture.file("examples/inscripcion-sict-corregida.csv")
            let own = try #require(bytes.firstRange(of: Array(";SCT;enlace;".utf8)))
            bytes.replaceSubrange(own, with: Array(";INM;enlace;".utf8))
            let refused = try await UploadPagesTests.upload(a, session, "inscripcion", file: ("otra.csv", bytes))
            #expect(refused.status == .unprocessableContent)
            let link = try #require(
                refused.text.firstMatch(of: #/href="(/subir/inscripcion/rechazadas/[0-9a-f]{64})"/#)?.output.1)
            let download = try await b.send(
                .get, String(link), as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition]?.contains("otra-rechazadas") == true)
            #expect(download.body.readableBytes > 0)
        }
    }

    @Test func aTokenRevokedThroughOneInstanceIsRefusedByTheOther() async throws {
        try await Self.withTwoInstances { a, b in
            let session = try await AccessTokensTests.signedIn(a, "ana@sict.gob.mx", agency: "SICT")
            let made = try await AccessTokensTests.post(
                a, session, "/tokens", [("nombre", "tablero"), ("vence", AccessTokensTests.inDays(30))])
            let shown = try #require(made.text.firstMatch(of: #/<code id="token-nuevo">([^<]+)</code>/#))
            let token = String(shown.output.1)
            let roster = "/v1/groups/\(ServiceFixture.sictGroup)/roster"
            #expect(try await b.send(.get, roster, as: nil, headers: AccessTokensTests.bearer(token)).status == .ok)
            let id = try #require(
                try Connection(a.fixture.ownerURL).query("SELECT id FROM api_token WHERE name = 'tablero'").scalar(
                    Int64.self))
            let revoked = try await AccessTokensTests.post(a, session, "/tokens/revocar", [("id", "\(id)")])
            #expect(revoked.status == .ok)
            #expect(
                try await b.send(.get, roster, as: nil, headers: AccessTokensTests.bearer(token)).status
                    == .unauthorized)
            // Signing out through B ends the session on A too.
            let page = try await b.send(.get, "/", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            var headers = PagesTests.form
            headers[.cookie] = "capacita_sesion=\(session)"
            _ = try await b.send(
                .post, "/salir", as: nil, body: "csrf=\(PagesTests.escaped(try PagesTests.hiddenCSRF(page.text)))",
                headers: headers)
            let after = try await a.send(.get, "/", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            #expect(after.status == .seeOther || after.text.contains("Entrar"), "\(after.status)")
        }
    }
}

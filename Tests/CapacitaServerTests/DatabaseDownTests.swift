import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import TestSupport
import Testing

/// The database going away: a restart (every backend of the service terminated) and a database
/// that refuses connections. The service answers 503 with Retry-After, JSON on the API and a
/// page on the pages, never 500; once it can reach the database again, it answers as before.
@Suite struct DatabaseDownTests {
    static let apiRequests: [(String, ServiceFixture.Caller)] = [
        ("/v1/courses", .sict), ("/v1/groups/\(ServiceFixture.sictGroup)/roster", .sict),
        ("/v1/reports/groups/\(ServiceFixture.sictGroup)", .admin),
    ]

    /// Ends every session the service holds, as a restart of PostgreSQL does, and waits until
    /// each is gone (PostgreSQL 14's pg_terminate_backend with a timeout).
    static func terminateService(_ fixture: ServiceFixture) async throws {
        let url = fixture.ownerURL
        let terminated = try await offPool {
            try Connection(url).query(
                """
                WITH service AS MATERIALIZED (
                    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = 'capacita_app')
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int FROM service
                """
            ).scalar(Int.self)
        }
        #expect((terminated ?? 0) > 0)
    }

    /// Before the fix, the first request on each connection the server had dropped answered 500.
    @Test func afterARestartNoRequestFailsOnADeadConnection() async throws {
        try await withSlowClientService(poolSize: 3) { served in
            let session = try await PagesTests.session(served, .sict)
            for (uri, caller) in Self.apiRequests {
                #expect(try await served.send(.get, uri, as: caller).status == .ok)
            }
            try await Self.terminateService(served.fixture)
            // Every request after the restart: none on a dead connection.
            for _ in 0..<2 {
                #expect(try await served.send(.get, "/health", as: nil).status == .ok)
                for (uri, caller) in Self.apiRequests {
                    let response = try await served.send(.get, uri, as: caller)
                    #expect(response.status == .ok, "\(uri): \(response.status) \(response.text.prefix(200))")
                }
                let home = try await PagesTests.home(served, session)
                #expect(home.status == .ok)
            }
        }
    }

    /// A database that cannot be reached: 503 with Retry-After everywhere, JSON `unavailable` on
    /// the API, a page on the pages and at sign-in; then, reachable again, 200.
    @Test func anUnreachableDatabaseIsA503WithRetryAfterThenRecovers() async throws {
        try await withSlowClientService(poolSize: 2) { served in
            let session = try await PagesTests.session(served, .sict)
            let server = try Connection(try TestDatabase.serverURL())
            let database = served.fixture.database
            // No new connection first (the test's own included), then every session ended.
            let owner = try Connection(served.fixture.ownerURL)
            try server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS false")
            defer { try? server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS true") }
            let ended = try owner.query(
                """
                WITH service AS MATERIALIZED (
                    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = 'capacita_app')
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int FROM service
                """
            ).scalar(Int.self)
            #expect((ended ?? 0) > 0)

            for (uri, caller) in Self.apiRequests {
                let response = try await served.send(.get, uri, as: caller)
                #expect(response.status == .serviceUnavailable, "\(uri): \(response.status)")
                #expect(response.headers[.retryAfter] != nil)
                #expect(response.text.contains("\"unavailable\""), "\(response.text.prefix(200))")
            }
            let home = try await PagesTests.home(served, session)
            #expect(home.status == .serviceUnavailable)
            #expect(home.headers[.contentType]?.hasPrefix("text/html") == true, "\(home.text.prefix(200))")
            #expect(home.headers[.retryAfter] != nil)
            #expect(home.text.contains("no responde"))
            let signIn = try await PagesTests.signIn(served, .inm)
            #expect(signIn.status == .serviceUnavailable)
            #expect(signIn.headers[.contentType]?.hasPrefix("text/html") == true, "\(signIn.text.prefix(200))")

            try server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS true")
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
            for (uri, caller) in Self.apiRequests {
                #expect(try await served.send(.get, uri, as: caller).status == .ok)
            }
            #expect(try await PagesTests.home(served, session).status == .ok)
        }
    }

    /// Every import place taken: the page's upload is answered with a 503 page, not JSON. The
    /// place is held by an API import waiting on a lock the test holds.
    @Test func aFullSetOfImportPlacesIsA503PageOnThePages() async throws {
        try await withSlowClientService(maxConcurrentImports: 1) { served in
            let port = try #require(served.client.port)
            let session = try await PagesTests.session(served, .sict)
            // The form first (its CSRF token): it reads the groups, which the lock would stop.
            let form = try await served.send(
                .get, "/subir/inscripcion", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            let csrf = try PagesTests.hiddenCSRF(form.text)
            let holder = try Connection(served.fixture.ownerURL)
            try holder.execute("BEGIN; LOCK TABLE enrollment IN ACCESS EXCLUSIVE MODE")
            let file = ServiceTests.sictFile(SampleRows.people.prefix(2))
            let importing = try RawConnection(port: port)
            try importing.send(
                Array(
                    ("POST /v1/enrollments HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer \(served.fixture.tokens[.sict]!)\r\n"
                        + "Content-Type: text/csv\r\nContent-Length: \(file.count)\r\n\r\n").utf8) + file)
            let watcher = try Connection(served.fixture.ownerURL)
            try await waitUntil {
                try watcher.query(
                    "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).scalar(Bool.self) == true
            }
            let upload = try await served.send(
                .post, "/subir/inscripcion", as: nil,
                bytes: UploadPagesTests.multipart([("csrf", csrf)], file: ("lista.csv", file)),
                headers: UploadPagesTests.headers(session))
            #expect(upload.status == .serviceUnavailable, "\(upload.text.prefix(300))")
            #expect(upload.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(upload.headers[.retryAfter] != nil)
            try holder.execute("ROLLBACK")
            let answer = try await answer(of: importing)
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
        }
    }
}

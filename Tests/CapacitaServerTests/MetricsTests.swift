import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Postgres
import Synchronization
import TestSupport
import Testing

@testable import CapacitaServer

/// `/metrics` over real HTTP: the counters move with the requests, imports and kept reports; the
/// pool and the outbox are there; no label carries a CURP, a group code or a name; an address the
/// configuration does not allow, or a request through a proxy, gets the 404 of an unknown route.
/// `/health/live` stays 200 while the database is away and `/health` is 503. JSON log lines.
@Suite struct MetricsTests {
    static let curp = SampleRows.people[0].curp

    /// The value of the series `name{labels}` in a scrape (labels in the order written); nil when absent.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    static func scrape(_ served: Served) async throws -> String {
        let response = try await served.send(.get, "/metrics", as: nil)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
        return response.text
    }

    @Test func aScrapeShowsTheRequestsImportsPoolOutboxAndKeptReports() async throws {
        try await withService { served in
            let group = ServiceFixture.sictGroup
            for _ in 0..<2 {
                #expect(try await served.send(.get, "/v1/groups/\(group)/roster", as: .sict).status == .ok)
            }
            // Paths that carry a CURP and a group code, matched and not.
            #expect(try await served.send(.get, "/v1/groups/\(Self.curp)/roster", as: .sict).status == .notFound)
            #expect(try await served.send(.get, "/grupos/\(group)/\(Self.curp)", as: nil).status == .notFound)
            // An import checked (dry run): its rows and its kind counted.
            let file = ServiceTests.sictFile(SampleRows.people.prefix(3))
            let imported = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .sict, bytes: file,
                headers: [.contentType: "text/csv"])
            #expect(imported.status == .ok, "\(imported.text.prefix(300))")
            for _ in 0..<2 {
                #expect(try await served.send(.get, "/v1/reports/indicator?year=2024", as: .admin).status == .ok)
            }

            let text = try await Self.scrape(served)
            #expect(
                Self.value(
                    text,
                    #"capacita_http_requests_total{route="/v1/groups/{code}/roster",method="GET",status="200"}"#) == 2,
                "\(text.prefix(2000))")
            #expect(
                Self.value(
                    text,
                    #"capacita_http_requests_total{route="/v1/groups/{code}/roster",method="GET",status="404"}"#) == 1)
            #expect(Self.value(text, #"capacita_http_requests_total{route="NotFound",method="GET",status="404"}"#) == 1)
            #expect(
                Self.value(
                    text,
                    #"capacita_http_request_duration_seconds_count{route="/v1/groups/{code}/roster",method="GET"}"#)
                    == 3)
            #expect(
                Self.value(text, #"capacita_imports_total{kind="inscripcion",result="accepted",dry_run="true"}"#) == 1)
            #expect(Self.value(text, #"capacita_import_rows_total{kind="inscripcion",dry_run="true"}"#) == 3)
            #expect(Self.value(text, #"capacita_import_duration_seconds_count{kind="inscripcion"}"#) == 1)
            let hits = Self.value(text, #"capacita_kept_reports_total{result="hit"}"#) ?? 0
            let misses = Self.value(text, #"capacita_kept_reports_total{result="miss"}"#) ?? 0
            #expect(hits + misses == 2 && misses >= 1)
            #expect(Self.value(text, "capacita_db_pool_connections") == 4)
            #expect(Self.value(text, "capacita_db_pool_in_use") != nil)
            #expect(Self.value(text, "capacita_db_pool_waiting") == 0)
            #expect(Self.value(text, "capacita_db_pool_timeouts_total") == 0)
            #expect(Self.value(text, "capacita_database_up") == 1)
            // The fixture's invitations wait in the outbox (no mail server in the tests).
            let pending = try served.fixture.query(
                "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL", as: Int.self)
            #expect((pending ?? 0) > 0)
            #expect(Self.value(text, "capacita_mail_outbox_pending") == Double(pending ?? -1))
            #expect(Self.value(text, "capacita_mail_outbox_failed") == 0)
            // A second scrape counts the first.
            let again = try await Self.scrape(served)
            #expect(
                Self.value(again, #"capacita_http_requests_total{route="/metrics",method="GET",status="200"}"#) == 1)
        }
    }

    @Test func noLabelCarriesACURPAGroupCodeOrAName() async throws {
        try await withService { served in
            let person = SampleRows.people[1]
            let uris = [
                "/v1/groups/\(Self.curp)/roster", "/v1/reports/groups/\(ServiceFixture.sictGroup)",
                "/v1/constancias/verify/\(Self.curp)", "/grupos/\(ServiceFixture.sictGroup)",
                "/personas/\(PagesTests.escaped(person.givenNames))/\(Self.curp)", "/v1/no-such/\(Self.curp)",
            ]
            for uri in uris { _ = try await served.send(.get, uri, as: .admin) }
            _ = try await served.send(.init("PROPFIND")!, "/\(Self.curp)", as: nil)
            let text = try await Self.scrape(served)
            for forbidden in [Self.curp, String(Self.curp.prefix(10)), ServiceFixture.sictGroup, person.givenNames] {
                #expect(!text.contains(forbidden), "\(forbidden) in the metrics")
            }
            // Every route label is a pattern the router knows, or `NotFound` (`unmatched`); a method not on the
            // list is `other`.
            let labels = Set(text.matches(of: #/route="([^"]*)"/#).map { String($0.output.1) })
            #expect(labels.contains("NotFound") && labels.contains("/v1/groups/{code}/roster"), "\(labels)")
            for label in labels where label != "unmatched" && label != "NotFound" {
                let segments = label.split(separator: "/")
                #expect(
                    segments.allSatisfy { $0 == "v1" || $0.hasPrefix("{") || !$0.contains(where: \.isNumber) },
                    "\(label)")
            }
            #expect(text.contains(#"method="other""#))
        }
    }

    @Test func anAddressNotAllowedOrAProxiedRequestGetsTheUnknownRoutes404() async throws {
        let capture = LogCapture()
        let elsewhere: @Sendable (inout ServerConfiguration) -> Void = {
            $0.metricsAllowed = [AddressRange("10.0.0.0/8"), AddressRange("fd00::/8")].compactMap { $0 }
        }
        try await withService(logger: capture.logger, adjust: elsewhere) { served in
            let refused = try await served.send(.get, "/metrics", as: nil)
            let unknown = try await served.send(.get, "/no-existe", as: nil)
            #expect(refused.status == .notFound && unknown.status == .notFound)
            #expect(refused.headers[.contentType] == unknown.headers[.contentType])
            #expect(!refused.text.contains("capacita_"))
            // With a token, too: the metrics take none and are not opened by one.
            #expect(try await served.send(.get, "/metrics", as: .admin).status == .notFound)
            let lines = capture.all.filter { $0.contains("request_id=") && $0.contains("status=404") }
            #expect(lines.count == 3 && lines.allSatisfy { $0.contains("route=NotFound") }, "\(lines)")
        }
        try await withService { served in
            for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Proto"] {
                let name = try #require(HTTPField.Name(header))
                let proxied = try await served.send(.get, "/metrics", as: nil, headers: [name: "127.0.0.1"])
                #expect(proxied.status == .notFound, "\(header)")
            }
            #expect(try await served.send(.get, "/metrics", as: nil).status == .ok)
        }
    }

    @Test func addressBlocksAreReadAndMatchedAsWritten() throws {
        let blocks = try #require(AddressRange.list("127.0.0.1, 10.0.0.0/8,::1,fd00::/8"))
        let matches = { (address: String) in blocks.contains { $0.contains(address) } }
        for allowed in ["127.0.0.1", "10.1.2.3", "10.255.255.255", "::1", "fd12::7", "::ffff:10.9.9.9"] {
            #expect(matches(allowed), "\(allowed)")
        }
        for refused in ["127.0.0.2", "11.0.0.1", "192.168.1.1", "::2", "fe80::1%eth0", "", "10.0.0", "curp"] {
            #expect(!matches(refused), "\(refused)")
        }
        #expect(AddressRange.loopback.contains { $0.contains("127.8.9.10") })
        for wrong in ["", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "uno", "10.0.0.0/8,", ","] {
            #expect(AddressRange.list(wrong) == nil || wrong == "10.0.0.0/8,", "\(wrong)")
        }
        #expect(AddressRange.list("10.0.0.0/8,")?.count == 1)
        #expect(AddressRange("0.0.0.0/0")?.contains("8.8.8.8") == true)
    }

    /// Liveness never asks the database; readiness does.
    @Test func withTheDatabaseAwayLiveIs200AndReadyIs503() async throws {
        try await withSlowClientService(poolSize: 2) { served in
            #expect(try await served.send(.get, "/health/live", as: nil).status == .ok)
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
            let server = try Connection(try TestDatabase.serverURL())
            let database = served.fixture.database
            let owner = try Connection(served.fixture.ownerURL)
            try server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS false")
            defer { try? server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS true") }
            _ = try owner.query(
                """
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int FROM pg_stat_activity
                WHERE datname = current_database() AND usename = 'capacita_app'
                """)
            let live = try await served.send(.get, "/health/live", as: nil)
            #expect(live.status == .ok && live.text.contains(#""status":"ok""#))
            let ready = try await served.send(.get, "/health", as: nil)
            #expect(ready.status == .serviceUnavailable && ready.text.contains("database_unavailable"))
            // The metrics still answer, and say so.
            let text = try await Self.scrape(served)
            #expect(Self.value(text, "capacita_database_up") == 0)
            try server.execute("ALTER DATABASE \(database) WITH ALLOW_CONNECTIONS true")
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
        }
    }

    /// Every line one JSON object, one per request as the text log, with the same masking.
    @Test func jsonLogLinesAreOneObjectEachWithNoFullCURP() async throws {
        let lines = Mutex<[String]>([])
        let token = Mutex("")
        let logger = Logger(label: "capacita") { label in
            JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
        }
        try await withService(logger: logger) { (served: Served) async throws -> Void in
            token.withLock { $0 = served.fixture.tokens[.sict] ?? "" }
            #expect(try await served.send(.get, "/v1/groups/\(Self.curp)/roster", as: .sict).status == .notFound)
            #expect(try await served.send(.get, "/grupos/\(Self.curp)", as: nil).status != .ok)
            #expect(try await served.send(.get, "/health/live", as: nil).status == .ok)
        }
        let written = lines.withLock { $0 }
        let objects = try written.map { line -> [String: Any] in
            #expect(!line.contains("\n"))
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        let requests = objects.filter { $0["message"] as? String == "request" }
        #expect(requests.count == 3, "\(written)")
        for request in requests {
            #expect(request["level"] as? String == "info" && request["label"] as? String == "capacita")
            #expect(request["request_id"] is String && request["time"] is String && request["status"] is String)
        }
        #expect(
            requests.contains {
                $0["route"] as? String == "/v1/groups/{code}/roster" && $0["user"] as? String == "prueba-sict"
            })
        #expect(requests.contains { $0["route"] as? String == "/health/live" && $0["status"] as? String == "200" })
        let secret = token.withLock { $0 }
        #expect(!secret.isEmpty && !written.contains { $0.contains(Self.curp) || $0.contains(secret) })
    }

    @Test func theJSONHandlerMasksCURPsAndKeepsEachLineWhole() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "capacita") { label in
            JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "message"] = "no la pisa"
        logger.warning(
            "revisar \(Self.curp)",
            metadata: [
                "valor": "línea\ncon \"comillas\" y \u{1}", "lista": ["\(Self.curp)", "b"], "n": .stringConvertible(3),
            ])
        let line = try #require(lines.withLock { $0.first })
        #expect(!line.contains("\n") && !line.contains(Self.curp))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "revisar \(Self.curp.prefix(4))" + String(repeating: "*", count: 14))
        #expect(object["meta.message"] as? String == "no la pisa")
        #expect(object["valor"] as? String == "línea\ncon \"comillas\" y \u{1}")
        #expect(
            (object["lista"] as? [String])?.first == String(Self.curp.prefix(4)) + String(repeating: "*", count: 14))
        #expect(object["n"] as? String == "3")
    }
}

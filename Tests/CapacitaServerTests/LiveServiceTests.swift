import CapacitaServer
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Postgres
import TestSupport
import Testing

@Suite struct LiveServiceTests {
    /// A client that sends half a body and hangs up: nothing is imported, no upload is left behind,
    /// and the service goes on answering.
    @Test func aClientThatDisconnectsMidUploadLeavesNothing() async throws {
        let capture = LogCapture()
        try await withService(logger: capture.logger) { served in
            let port = try #require(served.client.port)
            let before: Int? = try served.fixture.query("SELECT count(*)::int FROM enrollment")
            let partial = ServiceTests.sictFile(SampleRows.people.prefix(3))
            let head =
                "POST /v1/enrollments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(served.fixture.tokens[.sict]!)\r\n"
                + "Content-Type: text/csv\r\nContent-Length: \(partial.count + 500_000)\r\n\r\n"
            try RawSocket.sendAndHangUp(port: port, bytes: Array(head.utf8) + partial)
            // The server learns of the hang-up on its own schedule: wait (bounded) for the request's
            // log line, written once the handler has given up on the body.
            for _ in 0..<200 where !capture.all.contains(where: { $0.contains("route=/v1/enrollments ") }) {
                try await Task.sleep(for: .milliseconds(25))
            }
            let line = try #require(capture.all.first { $0.contains("route=/v1/enrollments ") })
            #expect(!line.contains("status=200"))
            // The upload was begun (its parent folder made) and removed.
            let folder = served.fixture.uploadFolder
            #expect(FileManager.default.fileExists(atPath: folder))
            let left = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(left.isEmpty, "uploads left: \(left)")
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
            #expect(try await served.send(.get, "/v1/courses", as: .sict).status == .ok)
            #expect(try served.fixture.query("SELECT count(*)::int FROM enrollment") == before)
        }
    }

    /// Two instances on one database: a token works on both, and once revoked (as the command line
    /// does it, in PostgreSQL) neither accepts it; nothing is cached in either process.
    @Test func aTokenRevokedIsRefusedByEveryInstance() async throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let one = try await buildApplication(fixture.configuration(), logger: Logger(label: "uno"))
        let two = try await buildApplication(fixture.configuration(), logger: Logger(label: "dos"))
        try await one.application.test(.live) { first in
            try await two.application.test(.live) { second in
                for client in [first, second] {
                    #expect(try await client.send(.get, "/v1/courses", as: .sict, fixture).status == .ok)
                }
                let connection = try Connection(fixture.ownerURL)
                connection.act(as: .admin("pruebas"))
                try TokenStore(connection: connection).revoke("prueba-sict")
                for client in [second, first] {
                    #expect(try await client.send(.get, "/v1/courses", as: .sict, fixture).status == .unauthorized)
                    #expect(try await client.send(.get, "/v1/courses", as: .admin, fixture).status == .ok)
                }
                // A group made through one instance is read through the other.
                let made = try await first.send(
                    .post, "/v1/groups", as: .admin, fixture,
                    body:
                        #"{"grupo": "DOS-INSTANCIAS", "curso": "PNC22-SENS", "dependencia": "SICT", "inicio": "2024-10-01"}"#,
                    headers: [.contentType: "application/json"])
                #expect(made.status == .ok, "\(made.text)")
                #expect(try await second.send(.get, "/v1/groups/DOS-INSTANCIAS", as: .inm, fixture).status == .ok)
            }
        }
        await one.shutdown()
        await two.shutdown()
    }

    /// A session of requests of every kind, and the whole log read after: one line per request
    /// with its fields, and no full CURP, token or person's name anywhere.
    @Test func theLogCarriesNoCURPTokenOrName() async throws {
        let capture = LogCapture()
        try await withService(logger: capture.logger) { served in
            let group = ServiceFixture.sictGroup
            let requests: [(HTTPRequest.Method, String, ServiceFixture.Caller?, [UInt8]?)] = [
                (.get, "/health", nil, nil), (.get, "/v1/groups/\(group)/roster", .sict, nil),
                (.get, "/v1/reports/groups/\(group)", .admin, nil),
                (.get, "/v1/constancias?group=\(group)", .admin, nil),
                (.get, "/v1/groups/GOMC820101HDFMRR04/roster", .sict, nil),
                (.get, "/v1/agencies/resolve?name=Gloria%20Hern%C3%A1ndez", .sict, nil),
                (.post, "/v1/enrollments", .sict, ServiceTests.sictFile(SampleRows.people.prefix(2))),
                (.post, "/v1/enrollments", .sict, Array("curp,nombre\nGOMC820101HDFMRR04,Gloria\n".utf8)),
                (.get, "/v1/courses", .revoked, nil), (.get, "/v1/nada", .admin, nil),
            ]
            for (method, uri, caller, bytes) in requests {
                _ = try await served.send(method, uri, as: caller, bytes: bytes)
            }
            let lines = capture.all
            let requestLines = lines.filter { $0.contains("info request ") }
            #expect(requestLines.count == requests.count, "\(lines)")
            for line in requestLines {
                for field in ["request_id=", "method=", "route=", "status=", "ms=", "user=", "account="] {
                    #expect(line.contains(field), "\(line)")
                }
            }
            #expect(
                requestLines.contains {
                    $0.contains("route=/v1/groups/{code}/roster") && $0.contains("user=prueba-sict")
                })
            let people: [(String, String)] = try Connection(served.fixture.ownerURL).query(
                "SELECT curp, first_surname FROM person"
            ).map { (try $0.decode("curp"), try $0.decode("first_surname")) }
            let everything = lines.joined(separator: "\n")
            for (curp, surname) in people {
                #expect(!everything.contains(curp), "a CURP in the log")
                #expect(!everything.contains(surname), "a surname in the log")
            }
            for token in served.fixture.tokens.values { #expect(!everything.contains(token)) }
            #expect(!everything.contains("Gloria"))
        }
    }
}

enum RawSocket {
    /// Sends `bytes` and closes the connection without reading a reply.
    static func sendAndHangUp(port: Int, bytes: [UInt8]) throws {
        try RawConnection(port: port).send(bytes)
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Postgres
import TestSupport
import Testing

@testable import CapacitaServer

#if canImport(Glibc)
import Glibc
#endif

/// Clients that trickle a body, stop sending, or hang up while their request waits: none of them
/// holds an import place, a pooled connection or a file; upload files are the owner's only.
@Suite struct SlowClientTests {
    /// Two uploads that send a first chunk and then nothing: an import place is not theirs (the
    /// Secretaría Técnica's small import goes through meanwhile), and each is cut off with 408
    /// once the (tiny, here) body limit passes, leaving no file.
    @Test func aBodyThatStopsArrivingHoldsNoImportPlaceAndGets408() async throws {
        try await withSlowClientService(bodyTimeout: .seconds(1)) { served in
            let port = try #require(served.client.port)
            let slow = try (0..<2).map { _ in try RawConnection(port: port) }
            for connection in slow {
                let head =
                    "POST /v1/enrollments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(served.fixture.tokens[.sict]!)\r\n"
                    + "Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ncurp,\r\n"
                try connection.send(Array(head.utf8))
            }
            // Both handlers have begun receiving once their folders exist (as many as the service's
            // import places: before the fix, each had taken one).
            try await waitForEntries(in: served.fixture.uploadFolder, prefix: "capacita-upload-", count: 2)
            let small = try await served.send(
                .post, "/v1/enrollments?agency=SICT", as: .admin,
                bytes: ServiceTests.sictFile(SampleRows.people.prefix(2)))
            #expect(small.status == .ok, "\(small.text)")
            for connection in slow {
                let answer = try await answer(of: connection)
                #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(300))")
                #expect(answer.contains("\"body_timeout\""))
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: served.fixture.uploadFolder)
            #expect(left.isEmpty, "left behind: \(left)")
            #expect(try await served.send(.get, "/v1/courses", as: .inm).status == .ok)
        }
    }

    /// The pages' multipart upload keeps the same pace: a form that stops arriving is a 408 page.
    @Test func aFormThatStopsArrivingIsA408Page() async throws {
        try await withSlowClientService(bodyTimeout: .seconds(1)) { served in
            let port = try #require(served.client.port)
            let session = try await PagesTests.session(served, .sict)
            let connection = try RawConnection(port: port)
            let head =
                "POST /subir/inscripcion HTTP/1.1\r\nHost: localhost\r\nCookie: capacita_sesion=\(session)\r\n"
                + "Content-Type: multipart/form-data; boundary=\(UploadPagesTests.boundary)\r\nContent-Length: 100000\r\n\r\n"
                + "--\(UploadPagesTests.boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
            try connection.send(Array(head.utf8))
            let answer = try await answer(of: connection)
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(300))")
            #expect(answer.lowercased().contains("content-type: text/html"))
            #expect(answer.contains("<html") || answer.contains("<!DOCTYPE") || answer.contains("<!doctype"))
        }
    }

    /// The pace's deadline: ten seconds of grace, then it moves on with every byte at the floor
    /// rate, never past the total limit.
    @Test func thePaceMovesWithEveryByteAndStopsAtTheTotal() {
        let pace = BodyPace(timeout: .seconds(60), minimumRate: 1000)
        let start = ContinuousClock.now
        #expect(pace.deadline(start: start, received: 0) == start + .seconds(10))
        #expect(pace.deadline(start: start, received: 5000) == start + .seconds(15))
        #expect(pace.deadline(start: start, received: 10_000_000) == start + .seconds(60))
        // Two bytes every five seconds never catch up with a floor of 1 KB/s.
        #expect(pace.deadline(start: start, received: 2) < start + .seconds(11))
    }

    /// Clients that hang up while their requests wait on a lock give their pooled connections
    /// back: with every connection of a pool of two waiting, and the lock still held, the service
    /// answers a request that needs a connection at once.
    @Test func clientsThatHangUpWhileWaitingOnALockGiveTheirConnectionsBack() async throws {
        try await withSlowClientService(poolSize: 2) { served in
            let port = try #require(served.client.port)
            let holder = try Connection(served.fixture.ownerURL)
            try holder.execute("BEGIN; LOCK TABLE course IN ACCESS EXCLUSIVE MODE")
            var waiting: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try RawConnection(port: port)
                try connection.send(
                    Array(
                        ("GET /v1/courses HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + "\(served.fixture.tokens[.sict]!)\r\n\r\n").utf8))
                waiting.append(connection)
            }
            let watcher = try Connection(served.fixture.ownerURL)
            let lockWaits =
                "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            try await waitUntil { try watcher.query(lockWaits).scalar(Int.self) == 2 }
            waiting.removeAll()  // each socket closes with its object
            // Each hung-up request's statement is cancelled: no backend waits on the lock any more.
            try await waitUntil { try watcher.query(lockWaits).scalar(Int.self) == 0 }
            // Both connections are free while the lock is still held: before the fix both waited
            // until it was released and this request got 503 after the pool's wait.
            let other = try await served.send(.get, "/health", as: nil)
            #expect(other.status == .ok, "\(other.text)")
            try holder.execute("ROLLBACK")
            #expect(try await served.send(.get, "/v1/courses", as: .sict).status == .ok)
        }
    }

    /// An upload in flight is a 0600 file in a 0700 folder inside the service's own 0700 folder.
    @Test func anUploadInFlightIsReadableByTheServiceOnly() async throws {
        try await withSlowClientService { served in
            let port = try #require(served.client.port)
            var connection: RawConnection? = try RawConnection(port: port)
            let head =
                "POST /v1/enrollments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(served.fixture.tokens[.sict]!)\r\n"
                + "Content-Type: text/csv\r\nContent-Disposition: attachment; filename=\"lista.csv\"\r\nContent-Length: 100000\r\n\r\ncurp,nombre\n"
            try connection?.send(Array(head.utf8))
            let root = served.fixture.uploadFolder
            try await waitForEntries(in: root, prefix: "capacita-upload-", count: 1)
            let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: root).first)
            let file = root + "/" + folder + "/lista.csv"
            try await waitUntil { FileManager.default.fileExists(atPath: file) }
            #expect(try mode(root) == 0o700)
            #expect(try mode(root + "/" + folder) == 0o700)
            #expect(try mode(file) == 0o600)
            connection = nil  // hangs up
        }
    }

    /// What a run killed mid-upload left in the upload folder is gone when the service starts,
    /// and the folder is taken back to 0700.
    @Test func whatAPreviousRunLeftIsDeletedAtStart() async throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let root = fixture.uploadFolder
        try FileManager.default.createDirectory(
            atPath: root + "/capacita-upload-anterior", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root)
        #expect(
            FileManager.default.createFile(
                atPath: root + "/capacita-upload-anterior/lista.csv", contents: Data("curp\n".utf8)))
        try FileManager.default.createDirectory(
            atPath: root + "/capacita-pendientes/sesion/huella", withIntermediateDirectories: true)
        let service = try await buildApplication(fixture.configuration(), logger: Logger(label: "limpieza"))
        await service.shutdown()
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
        #expect(try mode(root) == 0o700)
    }
}

/// A live service on a fresh fixture, its configuration adjusted by the test.
func withSlowClientService(
    poolSize: Int = 4, maxConcurrentImports: Int = 2, bodyTimeout: Duration = .seconds(900),
    _ body: @Sendable (Served) async throws -> Void
) async throws {
    try await withService(
        adjust: {
            $0.poolSize = poolSize
            $0.maxConcurrentImports = maxConcurrentImports
            $0.bodyTimeout = bodyTimeout
        }, body)
}

/// Waits (bounded: 20 s) until `condition` holds; fails the test otherwise.
func waitUntil(_ condition: () throws -> Bool) async throws {
    for _ in 0..<800 {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("the condition never held")
    throw FixtureError(message: "timed out waiting")
}

func waitForEntries(in folder: String, prefix: String, count: Int) async throws {
    try await waitUntil {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(prefix) }.count
            >= count
    }
}

/// The permission bits of a file or folder.
func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
}

/// Runs blocking work (a socket read, a statement that waits) on a thread of its own: the service
/// under test answers on this process's cooperative threads, which a blocked test would starve.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Everything the service sends on `connection` until it closes it, read off the cooperative threads.
func answer(of connection: RawConnection) async throws -> String {
    let box = UncheckedBox(connection)
    return try await offPool { String(decoding: try box.value.readToEnd(), as: UTF8.self) }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

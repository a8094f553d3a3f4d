import CapacitaStore
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

@testable import CapacitaServer

/// Behind nginx (issue #31): the per-address sign-in throttle counts each client, not the proxy,
/// when the socket is a trusted proxy's, and `X-Forwarded-For` from anyone else changes nothing.
@Suite struct ForwardedClientTests {
    static let forwarded = HTTPField.Name("X-Forwarded-For")!
    static let limit = 2
    static let wrong = "no es la contraseña"

    static func behind(_ proxies: [String], _ body: @Sendable (Served) async throws -> Void) async throws {
        try await withService(
            adjust: {
                $0.signInFailureLimit = limit
                $0.signInFailureWindow = .seconds(3600)
                $0.trustedProxies = proxies
            }, body)
    }

    static func failures(_ served: Served, _ address: String) throws -> Int? {
        try Connection(served.fixture.ownerURL).query(
            "SELECT failures FROM sign_in_failure WHERE key = $1", [SignInThrottle.addressKey(address)]
        ).scalar(Int.self)
    }

    @Test func behindATrustedProxyEachClientHasItsOwnCount() async throws {
        // The test client connects from 127.0.0.1: it plays the proxy.
        try await Self.behind(["127.0.0.1"]) { served in
            let first: HTTPFields = [Self.forwarded: "203.0.113.5"]
            for _ in 0..<Self.limit {
                let refused = try await PagesTests.signIn(served, .sict, password: Self.wrong, headers: first)
                #expect(refused.status == .unauthorized)
            }
            #expect(try await PagesTests.signIn(served, .sict, headers: first).status == .tooManyRequests)
            // Another client of the same proxy signs in: the rightmost entry is the one nginx wrote,
            // whatever that client put on the left of it.
            let other: HTTPFields = [Self.forwarded: "203.0.113.5, 198.51.100.7"]
            let admitted = try await PagesTests.signIn(served, .sict, headers: other)
            #expect(admitted.status == .seeOther && PagesTests.cookie(admitted, "capacita_sesion") != nil)
            #expect(try Self.failures(served, "203.0.113.5") == Self.limit + 1)
            #expect(try Self.failures(served, "127.0.0.1") == nil)
        }
    }

    @Test func fromAPeerThatIsNoTrustedProxyTheHeaderIsIgnored() async throws {
        try await Self.behind(["192.0.2.10"]) { served in
            // Each failure claims another address: all are the socket's, 127.0.0.1.
            for n in 0..<Self.limit {
                let headers: HTTPFields = [Self.forwarded: "203.0.113.\(n + 20)"]
                let refused = try await PagesTests.signIn(served, .sict, password: Self.wrong, headers: headers)
                #expect(refused.status == .unauthorized)
            }
            let fresh: HTTPFields = [Self.forwarded: "198.51.100.99"]
            #expect(try await PagesTests.signIn(served, .sict, headers: fresh).status == .tooManyRequests)
            #expect(try Self.failures(served, "127.0.0.1") == Self.limit + 1)
            #expect(try Self.failures(served, "198.51.100.99") == nil)
        }
    }

    @Test func theClientIsTheRightmostEntryThatIsNoTrustedProxy() {
        let proxies: Set<String> = ["127.0.0.1", "10.0.0.2"]
        #expect(ForwardedClient.client(["203.0.113.5"], trusted: proxies) == "203.0.113.5")
        #expect(ForwardedClient.client(["1.2.3.4, 203.0.113.5, 10.0.0.2"], trusted: proxies) == "203.0.113.5")
        // Several header lines are one list, in order.
        #expect(ForwardedClient.client(["1.2.3.4", "203.0.113.5 , 10.0.0.2"], trusted: proxies) == "203.0.113.5")
        // IPv6, written as a socket's address is.
        #expect(ForwardedClient.client(["2001:DB8:0:0::1"], trusted: proxies) == "2001:db8::1")
        // What is not an address on the way (a host name, a port, junk) leaves the peer's address.
        #expect(ForwardedClient.client(["203.0.113.5:443"], trusted: proxies) == nil)
        #expect(ForwardedClient.client(["ejemplo.gob.mx, 10.0.0.2"], trusted: proxies) == nil)
        #expect(ForwardedClient.client(["' OR 1=1 --"], trusted: proxies) == nil)
        #expect(ForwardedClient.client([String(repeating: "1", count: 1000)], trusted: proxies) == nil)
        // Only proxies, or nothing: the peer.
        #expect(ForwardedClient.client(["10.0.0.2, 127.0.0.1"], trusted: proxies) == nil)
        #expect(ForwardedClient.client([], trusted: proxies) == nil)
        // Past sixteen proxies read from the right the header is not believed further.
        let chain = Array(repeating: "10.0.0.2", count: ForwardedClient.maxHops).joined(separator: ", ")
        #expect(ForwardedClient.client(["203.0.113.5, " + chain], trusted: proxies) == nil)
        #expect(ServerConfiguration.proxyAddress(" 127.0.0.1 ") == "127.0.0.1")
        #expect(ServerConfiguration.proxyAddress("localhost") == nil)
    }
}

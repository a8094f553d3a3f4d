import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Behind a reverse proxy every request comes from the proxy's address, so the sign-in throttle
/// and the verification's limit, which count per client address, would count everyone together:
/// ten mistyped passwords anywhere would shut the sign-in form for all. For a request whose socket
/// is one of the configured proxies (`ServerConfiguration.trustedProxies`, `capacita serve
/// --trusted-proxy`), the client is the address that proxy appended to `X-Forwarded-For`, read
/// from the right past the other trusted proxies. From any other peer the header is ignored: a
/// client that writes it itself cannot pass for another address.
struct ForwardedClient: RouterMiddleware {
    typealias Context = APIContext
    static let header = HTTPField.Name("X-Forwarded-For")!
    /// Entries read from the right, at most: past them the request is from the last proxy.
    static let maxHops = 16

    let trusted: Set<String>

    init(trusted: [String]) {
        self.trusted = Set(trusted.compactMap(Self.address))
    }

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        guard let peer = context.remoteAddress, trusted.contains(peer),
            let client = Self.client(request.headers[values: Self.header], trusted: trusted)
        else { return try await next(request, context) }
        var context = context
        context.remoteAddress = client
        return try await next(request, context)
    }

    /// The rightmost address of the header's entries that is not a trusted proxy; nil when an
    /// entry met on the way is not an address (the proxy did not write it: the client did), when
    /// every entry read is a proxy, or when there is none.
    static func client(_ values: [String], trusted: Set<String>) -> String? {
        var entries: [Substring] = []
        for value in values.reversed() {
            for entry in value.split(separator: ",").reversed() {
                entries.append(entry)
                if entries.count == maxHops { break }
            }
            if entries.count == maxHops { break }
        }
        for entry in entries {
            guard let found = address(entry.trimmingCharacters(in: .whitespaces)) else { return nil }
            if !trusted.contains(found) { return found }
        }
        return nil
    }

    /// An IPv4 or IPv6 address as NIO writes a socket's (so `::1` and `0:0::1` are one key); nil
    /// for anything else, host names and ports included.
    static func address(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        return (try? SocketAddress(ipAddress: text, port: 0))?.ipAddress
    }
}

import CapacitaStore
import Hummingbird
import Logging
import NIOCore

/// A request's context: who is asking (set by `Authentication` from the bearer token) and from
/// which address (for the public route's rate limit).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    /// The report version read with the token, before the handler runs (see ReportsController.cached).
    public var reportVersion: TokenStore.ReportVersion?
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are streamed to a file by `Upload`, which applies the configured limit itself.
    public var maxUploadSize: Int { Int.max }

    /// The caller, for a route behind `Authentication`.
    func caller() throws(APIError) -> Identity {
        guard let identity else { throw .unauthorized }
        return identity
    }

    /// The caller when their role may use the route; otherwise the route does not exist for them
    /// (404, as for any resource outside their scope).
    func caller(_ roles: Identity.Role...) throws(APIError) -> Identity {
        let identity = try caller()
        guard roles.contains(identity.role) else { throw .notFound("ruta") }
        return identity
    }
}

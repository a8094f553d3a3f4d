import CapacitaStore
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A request's context: who is asking (set by `BearerAuthentication` from the token, or by
/// `SessionAuthentication` from the pages' cookie) and from which address (for the public
/// route's rate limit).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API's caller, set by `BearerAuthentication`; nil on public routes and on the pages.
    public var identity: Identity?
    /// The report version read with the token, before the handler runs (see ReportsController.cached).
    public var reportVersion: TokenStore.ReportVersion?
    /// The signed-in session of a page, set by `SessionAuthentication`.
    var session: SessionStore.Current?
    /// The socket's peer; behind a trusted proxy, the client it names (`ForwardedClient`).
    public internal(set) var remoteAddress: String?
    /// Who asked, for the log line. A context is a value: the middleware that names the caller
    /// runs inside `RequestLog`, which sees it only through this shared box.
    let caller = CallerName()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are streamed to a file by `Upload`, which applies the configured limit itself.
    public var maxUploadSize: Int { Int.max }
}

/// Who a request came from, written once by authentication, read by the log: the user name (an
/// account's e-mail, or the name of a token of its own) and the account's id when it is one.
final class CallerName: Sendable {
    private let name = Mutex<(user: String, account: Int64?)?>(nil)

    var value: (user: String, account: Int64?)? {
        get { name.withLock { $0 } }
        set { name.withLock { $0 = newValue } }
    }
}

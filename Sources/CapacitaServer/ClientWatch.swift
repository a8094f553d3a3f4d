import Hummingbird
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Knows when a connection's client has gone, and cancels the request running for it then.
///
/// Hummingbird 2 does not tell a handler: the handler runs in the connection's own task, which is
/// cancelled only when the server stops, and the server allows half-closure, so a client that
/// hangs up shows only as an `inputClosed` event in the channel pipeline (or the channel going
/// inactive). Without this, a request waiting on a row lock kept its pooled connection until the
/// lock was released, and enough hung-up clients emptied the pool. Cancelling the request's task
/// makes the pool cancel its statement (PQcancel), roll back and take the connection back.
/// An HTTP/1.1 client does not half-close while it waits for an answer: a closed input means gone.
final class ClientWatch: Sendable {
    private let state = Mutex(State())

    private struct State {
        var gone = false
        var onGone: (@Sendable () -> Void)?
    }

    /// The client went away: the running request, if any, is cancelled, and any later one at once.
    func gone() {
        let cancel = state.withLock { state -> (@Sendable () -> Void)? in
            state.gone = true
            defer { state.onGone = nil }
            return state.onGone
        }
        cancel?()
    }

    /// Runs `body` in a task of its own, cancelled when the client goes away (or this task is).
    func whileConnected<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let goneAlready = state.withLock { state -> Bool in
            if !state.gone { state.onGone = { task.cancel() } }
            return state.gone
        }
        if goneAlready { task.cancel() }
        defer { state.withLock { $0.onGone = nil } }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// The watch of each open connection, by its channel; a connection's handler adds it when the
    /// connection opens and takes it out when it closes.
    private static let open = Mutex<[ObjectIdentifier: ClientWatch]>([:])

    static func of(_ channel: any Channel) -> ClientWatch? {
        open.withLock { $0[ObjectIdentifier(channel)] }
    }

    fileprivate static func register(_ watch: ClientWatch, for channel: ObjectIdentifier) {
        open.withLock { $0[channel] = watch }
    }

    fileprivate static func unregister(_ channel: ObjectIdentifier) {
        open.withLock { $0[channel] = nil }
    }
}

/// In each connection's pipeline (after HTTP decoding): tells the connection's `ClientWatch` when
/// the client closes its side or the connection ends.
final class ClientWatchHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let watch = ClientWatch()
    private var channel: ObjectIdentifier?

    func handlerAdded(context: ChannelHandlerContext) {
        let key = ObjectIdentifier(context.channel)
        channel = key
        ClientWatch.register(watch, for: key)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leave()
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { watch.gone() }
        context.fireUserInboundEventTriggered(event)
    }

    private func leave() {
        watch.gone()
        if let channel { ClientWatch.unregister(channel) }
        channel = nil
    }
}

/// The router, run for each request in a task cancelled when its client goes away, with the
/// configured pace for reading bodies.
struct ClientAwareResponder: HTTPResponder {
    typealias Context = Source
    let router: RouterResponder<APIContext>
    let pace: BodyPace

    /// What the server makes for each request: the router's context, and the connection it came on.
    struct Source: InitializableFromSource {
        let api: APIContext
        let channel: any Channel

        init(source: ApplicationRequestContextSource) {
            api = APIContext(source: source)
            channel = source.channel
        }
    }

    func respond(to request: Request, context: Source) async throws -> Response {
        let (router, pace, api) = (router, pace, context.api)
        let run: @Sendable () async throws -> Response = {
            try await BodyPace.$current.withValue(pace) { try await router.respond(to: request, context: api) }
        }
        guard let watch = ClientWatch.of(context.channel) else { return try await run() }
        return try await watch.whileConnected(run)
    }
}

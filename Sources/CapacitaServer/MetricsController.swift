import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /metrics`: the instance's metrics (`ServiceMetrics`) in Prometheus's text format, for the
/// client addresses the configuration allows (`--metrics-allow`; loopback by default) and no
/// other: to anyone else it is 404, the answer of a route that does not exist. It takes no token
/// (Prometheus scrapes each instance directly), and a request that came through a proxy
/// (`Forwarded`, `X-Forwarded-For`, `X-Forwarded-Proto`, `X-Real-IP`) is refused too, since its
/// address is the proxy's, not the client's. The outbox's counts are read from PostgreSQL at each
/// scrape; when it cannot be reached the rest is answered, with `capacita_database_up 0`.
struct MetricsController {
    let store: SharedStore
    let metrics: ServiceMetrics
    let allowed: [AddressRange]

    static let proxyHeaders: [HTTPField.Name] = [
        .init("Forwarded")!, .init("X-Forwarded-For")!, .init("X-Forwarded-Proto")!, .init("X-Real-IP")!,
    ]

    func add(to routes: RouteTable) {
        routes.get(public: "/metrics") { request, context in
            guard allows(request, context) else {
                // As the router answers a path it does not know, and logged as one (Hummingbird's
                // router names such a request's endpoint `NotFound`).
                context.coreContext.endpointPath.value = "NotFound"
                throw HTTPError(.notFound)
            }
            let outbox = try? await store.run(as: nil) { connection in
                try connection.query("SELECT pending, failed FROM mail_outbox_counts()").rows.first.map {
                    ServiceMetrics.Outbox(pending: try $0.decode("pending"), failed: try $0.decode("failed"))
                }
            }
            let text = metrics.exposition(pool: store.pool.statistics, outbox: outbox ?? nil)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }

    func allows(_ request: Request, _ context: APIContext) -> Bool {
        guard let address = context.remoteAddress, !Self.proxyHeaders.contains(where: { request.headers[$0] != nil })
        else { return false }
        return allowed.contains { $0.contains(address) }
    }
}

import Capacita
import CapacitaStore
import Foundation
import Postgres
import Prometheus
import Synchronization

/// What `/metrics` shows (Prometheus's text format, through swift-prometheus): requests by route
/// pattern, method and status, and their latency; the connection pool; imports; the mail outbox;
/// the kept reports. One registry per instance (Prometheus scrapes each instance and adds them up).
///
/// No label holds anything a request carries as it came: the route is the pattern the router
/// matched (`/v1/groups/{code}`, never the path, which carries group codes and CURPs; `NotFound`
/// or `unmatched` when none did), the method one of a fixed list, the status a number, an import's kind one the
/// code names. A request's handlers reach the instance's metrics through `current`, set by
/// `RequestLog` for the request's task.
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    @TaskLocal static var current: ServiceMetrics?

    /// The pool's timeouts already added to their counter (the pool counts since it opened).
    private let timeoutsSeen = Mutex(0)

    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    /// From 5 ms (a cached report) to a minute (an import of a large file).
    static let requestBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60),
    ]
    /// From 50 ms (a form's few rows) to ten minutes (a million-row file).
    static let importBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
    ]

    // Descriptors are not Sendable: each made when it is used.
    private static func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "capacita", metricName: name, unitName: unit, helpText: help)
    }

    static var requests: MetricNameDescriptor {
        name("http_requests", "total", "Peticiones atendidas, por ruta (su patrón), método y estado.")
    }
    static var latency: MetricNameDescriptor {
        name("http_request_duration", "seconds", "Tiempo de respuesta, por ruta y método.")
    }
    static var imports: MetricNameDescriptor {
        name(
            "imports", "total", "Importaciones, por tipo, resultado (accepted, refused, error) y si fueron de prueba.")
    }
    static var importRows: MetricNameDescriptor {
        name("import_rows", "total", "Filas leídas por las importaciones, por tipo.")
    }
    static var importRefusals: MetricNameDescriptor {
        name(
            "import_refused_rows", "total", "Problemas por los que se rechazaron filas o archivos, por tipo.")
    }
    static var importTime: MetricNameDescriptor {
        name("import_duration", "seconds", "Duración de cada importación, por tipo.")
    }
    static var reportCache: MetricNameDescriptor {
        name(
            "kept_reports", "total", "Reportes pedidos: respondidos con uno guardado (hit) o calculados (miss).")
    }
    static var poolSize: MetricNameDescriptor {
        name("db_pool_connections", "", "Conexiones del pool a PostgreSQL.")
    }
    static var poolInUse: MetricNameDescriptor {
        name("db_pool_in_use", "", "Conexiones del pool ocupadas ahora.")
    }
    static var poolWaiting: MetricNameDescriptor {
        name("db_pool_waiting", "", "Trabajos esperando una conexión ahora.")
    }
    static var poolTimeouts: MetricNameDescriptor {
        name(
            "db_pool_timeouts", "total", "Trabajos que no obtuvieron conexión a tiempo (respondidos con 503).")
    }
    static var outboxPending: MetricNameDescriptor {
        name("mail_outbox_pending", "", "Correos por enviar (o enviándose).")
    }
    static var outboxFailed: MetricNameDescriptor {
        name("mail_outbox_failed", "", "Correos abandonados, aún no purgados.")
    }
    static var databaseUp: MetricNameDescriptor {
        name(
            "database_up", "", "1 si la base de datos respondió al leer estas métricas; 0 si no.")
    }

    init() {
        // The families that have no label are there from the start, so a scrape shows them at 0.
        for family in [Self.poolSize, Self.poolInUse, Self.poolWaiting, Self.outboxPending, Self.outboxFailed] {
            _ = registry.makeGauge(descriptor: family)
        }
        _ = registry.makeCounter(descriptor: Self.poolTimeouts)
        _ = registry.makeGauge(descriptor: Self.databaseUp)
    }

    /// One request answered: `route` is the router's pattern or nil when none matched.
    func request(route: String?, method: String, status: Int, duration: Duration) {
        let method = Self.methods.contains(method) ? method : "other"
        let route = route ?? "unmatched"
        registry.makeCounter(
            descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.latency, labels: [("route", route), ("method", method)], buckets: Self.requestBuckets
        ).record(duration)
    }

    /// An import run to its end (`outcome`, which says whether it was a dry run), or failed (nil:
    /// the database, a cancelled request; `dryRun` says what was asked).
    func imported(kind: String, dryRun: Bool, outcome: ImportOutcome?, duration: Duration) {
        let mode = ("dry_run", (outcome?.dryRun ?? dryRun) ? "true" : "false")
        let result = outcome.map { $0.accepted ? "accepted" : "refused" } ?? "error"
        registry.makeCounter(descriptor: Self.imports, labels: [("kind", kind), ("result", result), mode])
            .increment()
        registry.makeDurationHistogram(
            descriptor: Self.importTime, labels: [("kind", kind)], buckets: Self.importBuckets
        )
        .record(duration)
        guard let outcome else { return }
        registry.makeCounter(descriptor: Self.importRows, labels: [("kind", kind), mode]).increment(
            by: Int64(outcome.rows))
        registry.makeCounter(descriptor: Self.importRefusals, labels: [("kind", kind), mode])
            .increment(by: Int64(outcome.rejected.count + outcome.unlisted))
    }

    /// A kept report asked for: answered from the cache, or computed.
    func keptReport(hit: Bool) {
        registry.makeCounter(descriptor: Self.reportCache, labels: [("result", hit ? "hit" : "miss")]).increment()
    }

    /// The outbox's counts when the database answered; nil when it did not.
    struct Outbox: Sendable {
        var pending: Int
        var failed: Int
    }

    /// The text a scrape gets: what the gauges read now (the pool; the outbox, read from the
    /// database by the caller), then every family.
    func exposition(pool: ConnectionPool.Statistics, outbox: Outbox?) -> [UInt8] {
        registry.makeGauge(descriptor: Self.poolSize).set(Int64(pool.size))
        registry.makeGauge(descriptor: Self.poolInUse).set(Int64(pool.inUse))
        registry.makeGauge(descriptor: Self.poolWaiting).set(Int64(pool.waiting))
        let newTimeouts = timeoutsSeen.withLock { seen -> Int in
            defer { seen = max(seen, pool.timeouts) }
            return max(0, pool.timeouts - seen)
        }
        if newTimeouts > 0 { registry.makeCounter(descriptor: Self.poolTimeouts).increment(by: Int64(newTimeouts)) }
        registry.makeGauge(descriptor: Self.databaseUp).set(Int64(outbox == nil ? 0 : 1))
        if let outbox {
            registry.makeGauge(descriptor: Self.outboxPending).set(Int64(outbox.pending))
            registry.makeGauge(descriptor: Self.outboxFailed).set(Int64(outbox.failed))
        }
        return registry.emitToBuffer()
    }
}

extension SharedStore {
    /// An import that holds one of the import places (`reservingImport`), counted in the metrics
    /// by `kind` (a name the code gives, never the file's): its outcome when `outcome` finds one in
    /// what `body` returns (nil: nothing was imported, nothing is counted), or an error.
    func countedImport<T>(
        _ kind: String, dryRun: Bool = false, outcome: (T) -> ImportOutcome?, _ body: () async throws -> T
    ) async throws -> T {
        let started = ContinuousClock.now
        do {
            let value = try await reservingImport(body)
            if let done = outcome(value) {
                ServiceMetrics.current?.imported(
                    kind: kind, dryRun: dryRun, outcome: done, duration: ContinuousClock.now - started)
            }
            return value
        } catch PoolError.busy {
            // Refused at the door (every import place taken, or no connection came free): nothing ran.
            throw PoolError.busy
        } catch {
            ServiceMetrics.current?.imported(
                kind: kind, dryRun: dryRun, outcome: nil, duration: ContinuousClock.now - started)
            throw error
        }
    }

    func countedImport(_ kind: String, dryRun: Bool = false, _ body: () async throws -> ImportOutcome)
        async throws -> ImportOutcome
    {
        try await countedImport(kind, dryRun: dryRun, outcome: { $0 }, body)
    }
}

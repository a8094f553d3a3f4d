import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Hummingbird
import Logging
import Postgres
import ServiceLifecycle

/// The service, built the same way for `capacita serve` and for the tests: configuration in,
/// a router with every controller, the connection pool as a service stopped after the server.
public struct CapacitaApplication: Sendable {
    public let configuration: ServerConfiguration
    /// Every API route as (method, OpenAPI path, roles), for the tests that compare them with the
    /// OpenAPI document and with the documented access table.
    public let routes: [RouteEntry]
    /// Every page as (method, path as OpenAPI writes it, roles), for the test that compares them
    /// with docs/pages.md.
    public let pages: [RouteEntry]
    let responder: RouterResponder<APIContext>
    let pool: ConnectionPool
    let logger: Logger

    public struct RouteEntry: Sendable, Hashable {
        public var method: String
        public var path: String
        /// The roles the route admits; nil for a public one (no token, no session).
        public var roles: Set<Identity.Role>?
    }

    public var application: some ApplicationProtocol {
        Application(
            responder: ClientAwareResponder(router: responder, pace: BodyPace(configuration)),
            // A connection that sends nothing for a minute is closed (slow clients cannot hold one
            // forever); one whose client hangs up has its request cancelled (ClientWatch).
            server: .http1(
                configuration: .init(additionalChannelHandlers: [ClientWatchHandler()], idleTimeout: .seconds(60))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "capacita"),
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT; then stops taking requests, lets running ones finish
    /// within the configured timeout (an import commits or rolls back whole: it is one
    /// transaction), and closes the pool last.
    public func run() async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: PoolService(pool: pool))]
        if let mail = configuration.mail {
            services.append(.init(service: MailDeliveryService(settings: mail, pool: pool, logger: logger)))
        } else {
            logger.notice("no mail server (CAPACITA_SMTP_URL unset): messages wait in the outbox")
        }
        if let every = configuration.retentionInterval {
            let policy = try seed(configuration.retentionPolicyFile, RetentionPolicy.parse)
            services.append(
                .init(service: RetentionService(policy: policy, interval: every, pool: pool, logger: logger)))
        }
        services.append(.init(service: application))
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        group.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        try await ServiceGroup(configuration: group).run()
    }

    /// For tests that drive `application` themselves.
    public func shutdown() async {
        await PoolService.close(pool)
    }
}

/// Builds the service. Fails at start, not at the first request, when the database cannot be
/// reached, the connection is a superuser's, or a seed file or the OpenAPI document is missing.
public func buildApplication(_ configuration: ServerConfiguration, logger: Logger) async throws -> CapacitaApplication {
    let tiers = try seed(configuration.tiersFile, TierTable.parse)
    let needLevels = try seed(configuration.needLevelsFile, NeedLevels.parse)
    let migrations = try Migration.load(from: configuration.migrationsFolder)
    // What a previous run left (killed mid-upload) goes now; the folder is the service's own, 0700.
    try UploadFolder.prepare(configuration.uploadFolder)
    let pool = try ConnectionPool(conninfo: configuration.databaseURL, size: configuration.poolSize)
    do {
        try await checkRole(pool)
        let store = SharedStore(pool: pool, maxConcurrentImports: configuration.maxConcurrentImports)
        let library = try await PagesController.library()
        let router = Router(context: APIContext.self)
        router.add(middleware: SecurityHeaders())
        let metrics = ServiceMetrics()
        router.add(middleware: RequestLog(logger: logger, library: library, metrics: metrics))
        router.add(middleware: ForwardedClient(trusted: configuration.trustedProxies))
        // The API: a group behind `BearerAuthentication`, each route with the roles it admits.
        let routes = RouteTable(router: router, store: store)
        try HealthController(store: store, migrations: migrations, openAPIFile: configuration.openAPIFile).add(
            to: routes)
        CatalogController(store: store).add(to: routes)
        let documents = BoundedWork(
            slots: configuration.maxConcurrentParses, deadline: configuration.parseDeadline, busy: BoundedWork.drawing,
            tooSlow: BoundedWork.drawing)
        GroupsController(store: store, configuration: configuration, documents: documents).add(to: routes)
        EvidenceController(store: store, configuration: configuration).add(to: routes)
        AttendanceController(store: store, configuration: configuration).add(to: routes)
        EnrollmentsController(store: store, configuration: configuration, tiers: tiers).add(to: routes)
        RegistryController(store: store, needLevels: needLevels, parses: BoundedWork(configuration)).add(to: routes)
        ReportsController(store: store, cache: ReportCache()).add(to: routes)
        CourseReportsController(store: store).add(to: routes)
        let figures = ProgrammeFigures(
            published: try seed(configuration.publishedActionsFile) {
                PublishedActions.parse($0, currentYear: Query.currentYear)
            },
            programmed: try seed(configuration.programmedActionsFile) {
                ProgrammedActions.parse($0, currentYear: Query.currentYear)
            })
        TrainingActionsController(store: store, published: figures.published).add(to: routes)
        Meta41Controller(store: store, programmed: figures.programmed).add(to: routes)
        MultipliersController(store: store).add(to: routes)
        ArcoController(store: store, calendar: try seed(configuration.workingCalendarFile, WorkingCalendar.parse))
            .add(to: routes)
        // One budget per address for verifying, whether by the page or the API.
        let verifyLimiter = RateLimiter(limit: configuration.verifyLimit, window: configuration.verifyWindow)
        ConstanciasController(store: store, limiter: verifyLimiter).add(to: routes)
        ConstanciaFilesController(
            store: store, configuration: configuration, documents: documents, limiter: verifyLimiter
        )
        .add(to: routes)
        AdminController(store: store).add(to: routes)
        AccountsController(store: store, settings: configuration.accounts).add(to: routes)
        MetricsController(store: store, metrics: metrics, allowed: configuration.metricsAllowed).add(to: routes)
        routes.closeAPI()
        // The pages are for people, not programs: outside the OpenAPI document and the API's
        // routes; the signed-in ones are a group behind `SessionAuthentication`.
        let pages = try PagesController(
            store: store, library: library,
            limiter: verifyLimiter,
            configuration: configuration, tiers: tiers,
            // The sign-in form's key, read once: showing the form never needs the database.
            signInForms: try await store.run(as: nil) { try SignInForms.load(connection: $0) },
            accounts: configuration.accounts, documents: documents, figures: figures
        ).add(to: router)
        return CapacitaApplication(
            configuration: configuration,
            routes: routes.routes.map {
                .init(method: $0.method.rawValue, path: RouteTable.openAPIPath($0.path), roles: $0.roles)
            },
            pages: pages.map {
                .init(method: $0.method.rawValue, path: RouteTable.openAPIPath($0.path), roles: $0.roles)
            },
            responder: router.buildResponder(), pool: pool, logger: logger)
    } catch {
        pool.shutdown()
        throw error
    }
}

private func seed<T>(_ path: String, _ parse: ([UInt8]) -> Result<T, ImportIssues>) throws -> T {
    guard let data = FileManager.default.contents(atPath: path) else { throw ServerStartError.seed(path, "no existe") }
    switch parse([UInt8](data)) {
    case .success(let value): return value
    case .failure(let issues):
        throw ServerStartError.seed(path, issues.issues.map(\.description).joined(separator: "; "))
    }
}

/// Row-level security does not apply to a superuser, a BYPASSRLS role or the tables' owner:
/// refuse to serve as one.
private func checkRole(_ pool: ConnectionPool) async throws {
    let exempt = try await pool.withConnection { connection in
        try connection.query(
            """
            SELECT rolsuper OR rolbypassrls
                   OR coalesce(pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                                          WHERE schemaname = 'public' AND tablename = 'enrollment'), 'USAGE'), false)
            FROM pg_roles WHERE rolname = current_user
            """
        ).scalar(Bool.self) ?? true
    }
    if exempt { throw ServerStartError.superuser }
}

/// Keeps the pool open while the server runs and closes it after the server has stopped.
struct PoolService: Service {
    let pool: ConnectionPool

    func run() async throws {
        try? await gracefulShutdown()
        await Self.close(pool)
    }

    /// `shutdown()` waits for each worker thread; it runs on a thread of its own, not the cooperative pool's.
    static func close(_ pool: ConnectionPool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                pool.shutdown()
                continuation.resume()
            }.start()
        }
    }
}

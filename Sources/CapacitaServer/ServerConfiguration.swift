import Capacita
import Foundation

/// Everything the service reads at start, in one value: `capacita serve` fills it from its options
/// and the environment, the tests from their own database.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The application role's connection (never a superuser: row-level security must apply).
    public var databaseURL: String
    /// Pooled connections; each request holds one only while its statements run.
    public var poolSize: Int
    /// Largest request body; a larger upload is refused with 413 before it is stored.
    public var maxBodyBytes: Int64
    /// Largest scan of a signed list (`--max-evidence`, `CAPACITA_MAX_EVIDENCE`; 10 MB by default):
    /// a larger one is refused with 413 before it is read.
    public var maxEvidenceBytes: Int64 = SessionEvidence.defaultMaxBytes
    /// Imports running at once (each holds a connection and up to 256 MB of work_mem); more get 503.
    public var maxConcurrentImports: Int
    public var migrationsFolder: URL
    /// The pay-grade → tier table (db/seed/tiers.csv) and the ficha needs → levels table.
    public var tiersFile: String
    public var needLevelsFile: String
    /// Meta 4.1's programmed actions (db/seed/acciones-programadas.csv).
    public var programmedActionsFile: String
    /// The OpenAPI document served at /openapi.yaml and /openapi.json.
    public var openAPIFile: String
    /// Where uploads are streamed before they are imported (each in a folder of its own, removed
    /// after): the service's own folder, made 0700 at start and emptied then of what a previous
    /// run left (one folder per instance).
    public var uploadFolder: String
    /// The public verification route: requests per window and client address.
    public var verifyLimit: Int
    public var verifyWindow: Duration
    /// The largest PDF the verification takes to compare with the ones issued (the page's form and
    /// `POST /v1/constancias/verify/{code}`): a constancia is about 40 KB, 5 MB is any copy a
    /// person could hold and refuses anything else unread (413).
    public var verifyUploadLimit: Int = 5 << 20
    /// How long running requests may take to finish after SIGTERM or SIGINT.
    public var shutdownTimeout: Duration
    /// How long a web page session lasts before the person signs in again (a working day).
    public var sessionLifetime: Duration
    /// How long a file previewed on a page waits to be confirmed before it must be sent again.
    public var pendingUploadLifetime: Duration
    /// Failed sign-ins on the pages per client address and window, counted in PostgreSQL; past
    /// the limit a sign-in is refused (429) without checking its token until the window ends.
    public var signInFailureLimit: Int
    public var signInFailureWindow: Duration
    /// Reverse proxies whose `X-Forwarded-For` names the client (`capacita serve --trusted-proxy`):
    /// without one, behind a proxy, the per-address limits count every client of the proxy together.
    public var trustedProxies: [String] = []

    /// A request body must arrive whole within this time, and at no less than `bodyMinimumRate`
    /// bytes a second on average after its first ten seconds; otherwise it is cut off with 408.
    public var bodyTimeout: Duration
    public var bodyMinimumRate: Int
    /// A ficha's YAML is parsed on threads of its own: this many at once (more get 503), each
    /// answered within `parseDeadline` (past it, 503; `BoundedYAML` keeps the work itself small).
    public var maxConcurrentParses: Int
    public var parseDeadline: Duration
    /// Accounts: links, bcrypt's cost, the lock, who must use a second factor.
    public var accounts: AccountSettings
    /// The SMTP server and the outbox's retries; nil when no mail server is configured (messages
    /// wait in the outbox until one is, or until `capacita mail send`).
    public var mail: MailSettings?
    /// Hours between retention passes (db/seed/retencion.csv's years after a person's last
    /// activity); nil, the default, runs none (`RetentionService`, CAPACITA_RETENTION_EVERY).
    public var retentionInterval: Duration?
    /// The client addresses `/metrics` answers (`--metrics-allow`, `CAPACITA_METRICS_ALLOW`);
    /// loopback by default. Anyone else gets 404.
    public var metricsAllowed: [AddressRange] = AddressRange.loopback
    public static let metricsAllowVariable = "CAPACITA_METRICS_ALLOW"
    /// The participants' own page: its links' and sessions' lifetimes and its request limits.
    public var participants = ParticipantSettings()

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databaseURL: String, poolSize: Int = 8,
        maxBodyBytes: Int64 = 100 << 20, maxConcurrentImports: Int = 2, projectRoot: URL,
        uploadFolder: String = ServerConfiguration.defaultUploadFolder, verifyLimit: Int = 30,
        verifyWindow: Duration = .seconds(60),
        shutdownTimeout: Duration = .seconds(30), sessionLifetime: Duration = .seconds(8 * 3600),
        pendingUploadLifetime: Duration = .seconds(30 * 60), signInFailureLimit: Int = 10,
        signInFailureWindow: Duration = .seconds(15 * 60),
        bodyTimeout: Duration = .seconds(15 * 60), bodyMinimumRate: Int = 4 << 10,
        maxConcurrentParses: Int = 2, parseDeadline: Duration = .seconds(5), accounts: AccountSettings? = nil,
        mail: MailSettings? = nil
    ) {
        self.mail = mail
        self.accounts = accounts ?? AccountSettings(publicURL: "http://\(host):\(port)")
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.poolSize = poolSize
        self.maxBodyBytes = maxBodyBytes
        self.maxConcurrentImports = maxConcurrentImports
        self.migrationsFolder = projectRoot.appendingPathComponent("db/migrations")
        self.tiersFile = projectRoot.appendingPathComponent("db/seed/tiers.csv").path
        self.needLevelsFile = projectRoot.appendingPathComponent("db/seed/ficha-niveles.csv").path
        self.programmedActionsFile = projectRoot.appendingPathComponent(ProgrammedActions.seedFile).path
        self.openAPIFile = projectRoot.appendingPathComponent("openapi/capacita.yaml").path
        self.uploadFolder = uploadFolder
        self.verifyLimit = verifyLimit
        self.verifyWindow = verifyWindow
        self.shutdownTimeout = shutdownTimeout
        self.sessionLifetime = sessionLifetime
        self.pendingUploadLifetime = pendingUploadLifetime
        self.signInFailureLimit = signInFailureLimit
        self.signInFailureWindow = signInFailureWindow
        self.bodyTimeout = bodyTimeout
        self.bodyMinimumRate = bodyMinimumRate
        self.maxConcurrentParses = maxConcurrentParses
        self.parseDeadline = parseDeadline
    }

    /// `capacita-uploads` in the temporary folder (TMPDIR).
    public static var defaultUploadFolder: String {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("capacita-uploads").path
    }

    /// The environment variable that sets `maxEvidenceBytes` (the service's and the command line's
    /// bound on a scan), overridden by `capacita serve --max-evidence`.
    public static let evidenceLimitVariable = "CAPACITA_MAX_EVIDENCE"

    /// The bound on a scan the environment sets; the default when unset; nil when it is not a size.
    public static func evidenceLimit(_ environment: [String: String]) -> Int64? {
        guard let text = environment[evidenceLimitVariable], !text.isEmpty else {
            return SessionEvidence.defaultMaxBytes
        }
        return byteCount(text)
    }

    /// A `--trusted-proxy` address as the service compares it with a socket's peer; nil when it is
    /// not an IPv4 or IPv6 address.
    public static func proxyAddress(_ text: String) -> String? {
        ForwardedClient.address(text.trimmingCharacters(in: .whitespaces))
    }

    /// "100MB", "512KB", "2GB" or plain bytes.
    public static func byteCount(_ text: String) -> Int64? {
        let upper = text.uppercased().trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in [("GB", Int64(1) << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        where upper.hasSuffix(suffix) {
            guard let number = Int64(upper.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)),
                number > 0, number <= (Int64(1) << 40) / factor
            else { return nil }
            return number * factor
        }
        return Int64(upper).flatMap { $0 > 0 ? $0 : nil }
    }
}

import ArgumentParser
import CapacitaServer
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Inicia el servicio HTTP (API JSON bajo /v1, /health, /openapi.json).",
        discussion: """
            Se conecta con el rol de la aplicación (capacita_app), nunca como superusuario: DATABASE_URL, o sin ella \
            la base local de scripts/dev-db con el usuario capacita_app. Los tokens se crean con «capacita token \
            create». Con SIGTERM o SIGINT deja de aceptar peticiones y espera a que terminen las que corren. Varias \
            instancias pueden compartir una base de datos: el proceso no guarda estado.
            """)

    @Option(name: .long, help: ArgumentHelp("Dirección donde escucha.", valueName: "dirección")) var host = "127.0.0.1"
    @Option(name: .long, help: ArgumentHelp("Puerto (0: uno libre, que se anuncia al iniciar).", valueName: "puerto"))
    var port = 8080
    @Option(name: .long, help: ArgumentHelp("Conexiones a la base de datos.", valueName: "n")) var pool = 8
    @Option(
        name: .customLong("max-body"),
        help: ArgumentHelp("Tamaño máximo de un archivo subido (100MB, 512KB…).", valueName: "tamaño"))
    var maxBody = "100MB"
    @Option(
        name: .customLong("max-imports"),
        help: ArgumentHelp("Importaciones a la vez; las demás reciben 503.", valueName: "n"))
    var maxImports = 2
    @Option(
        name: .customLong("shutdown-timeout"),
        help: ArgumentHelp("Segundos que se esperan a las peticiones en curso al detenerse.", valueName: "segundos"))
    var shutdownTimeout = 30
    @Option(
        name: .customLong("body-timeout"),
        help: ArgumentHelp(
            "Segundos que puede tardar en llegar el cuerpo de una petición; después, 408.", valueName: "segundos"))
    var bodyTimeout = 900
    @Option(
        name: .customLong("body-min-rate"),
        help: ArgumentHelp(
            "Velocidad mínima de un envío, por segundo, pasados sus primeros 10 s (4KB…); más lento, 408.",
            valueName: "tamaño"))
    var bodyMinRate = "4KB"
    @Option(
        name: .customLong("upload-folder"),
        help: ArgumentHelp(
            "Carpeta propia del servicio para los archivos subidos (se crea 0700 y se vacía al iniciar; una por instancia).",
            valueName: "carpeta"))
    var uploadFolder = ServerConfiguration.defaultUploadFolder
    @Option(
        name: .customLong("max-evidence"),
        help: ArgumentHelp(
            "Tamaño máximo del escaneo de una lista firmada (predeterminado: CAPACITA_MAX_EVIDENCE, o 10MB).",
            valueName: "tamaño"))
    var maxEvidence: String?
    @Option(
        name: .customLong("metrics-allow"),
        help: ArgumentHelp(
            "Direcciones que pueden leer /metrics, separadas por comas (127.0.0.1,10.0.0.0/8); las demás reciben 404 (predeterminado: CAPACITA_METRICS_ALLOW, o solo loopback).",
            valueName: "direcciones"))
    var metricsAllow: String?
    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "El registro: líneas de texto (text) o un objeto JSON por línea (json) (predeterminado: CAPACITA_LOG_FORMAT, o text).",
            valueName: "formato"))
    var logFormat: String?
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "Dirección de un proxy inverso (nginx) cuyo X-Forwarded-For nombra al cliente; se repite para varios.",
            valueName: "dirección"))
    var trustedProxies: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port va de 0 (uno libre) a 65535") }
        guard (1...200).contains(pool) else { throw ValidationError("--pool va de 1 a 200") }
        guard ServerConfiguration.byteCount(maxBody) != nil else {
            throw ValidationError("--max-body: un tamaño como 100MB, 512KB o un número de bytes")
        }
        guard (1...pool).contains(maxImports) else { throw ValidationError("--max-imports va de 1 a --pool") }
        guard (1...3600).contains(shutdownTimeout) else { throw ValidationError("--shutdown-timeout va de 1 a 3600") }
        guard (1...86400).contains(bodyTimeout) else { throw ValidationError("--body-timeout va de 1 a 86400") }
        guard ServerConfiguration.byteCount(bodyMinRate) != nil else {
            throw ValidationError("--body-min-rate: un tamaño como 4KB o un número de bytes")
        }
        guard !uploadFolder.isEmpty else { throw ValidationError("--upload-folder no puede estar vacía") }
        _ = try evidenceLimit()
        for proxy in trustedProxies where ServerConfiguration.proxyAddress(proxy) == nil {
            throw ValidationError("--trusted-proxy: una dirección IPv4 o IPv6 (\(proxy.prefix(60)) no lo es)")
        }
        _ = try metricsAllowed()
        _ = try chosenLogFormat()
    }

    /// `--metrics-allow`, else CAPACITA_METRICS_ALLOW, else loopback.
    func metricsAllowed() throws -> [AddressRange] {
        let environment = ProcessInfo.processInfo.environment[ServerConfiguration.metricsAllowVariable]
        guard let text = metricsAllow ?? environment.flatMap({ $0.isEmpty ? nil : $0 }) else {
            return AddressRange.loopback
        }
        guard let ranges = AddressRange.list(text) else {
            throw ValidationError(
                "--metrics-allow: direcciones o bloques separados por comas, como 127.0.0.1,10.0.0.0/8 o ::1")
        }
        return ranges
    }

    /// `--log-format`, else CAPACITA_LOG_FORMAT, else text.
    func chosenLogFormat() throws -> LogFormat {
        let environment = ProcessInfo.processInfo.environment[LogFormat.variable]
        guard let text = logFormat ?? environment.flatMap({ $0.isEmpty ? nil : $0 }) else { return .text }
        guard let format = LogFormat(rawValue: text) else { throw ValidationError("--log-format: text o json") }
        return format
    }

    func run() async throws {
        try await serve()
    }

    func serve() async throws {
        CrashReport.startQuietly()
        guard let root = Project.root() else { throw DatabaseLocationError.noProject }
        let url = try Self.applicationURL()
        let mail: MailSettings?
        do {
            mail = try MailSettings.fromEnvironment()
        } catch {
            throw ValidationError(error.description)
        }
        var configuration = ServerConfiguration(
            host: host, port: port, databaseURL: url, poolSize: pool,
            maxBodyBytes: ServerConfiguration.byteCount(maxBody) ?? 100 << 20, maxConcurrentImports: maxImports,
            projectRoot: root, uploadFolder: uploadFolder, shutdownTimeout: .seconds(shutdownTimeout),
            bodyTimeout: .seconds(bodyTimeout),
            bodyMinimumRate: Int(ServerConfiguration.byteCount(bodyMinRate) ?? 4 << 10),
            accounts: try AccountSettings.fromEnvironment(fallbackURL: "http://\(host):\(port)"), mail: mail)
        configuration.maxEvidenceBytes = try evidenceLimit()
        configuration.trustedProxies = trustedProxies
        do {
            configuration.retentionInterval = try RetentionService.interval(ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        do {
            configuration.participants = try ParticipantSettings.fromEnvironment()
        } catch {
            throw ValidationError(error.description)
        }
        configuration.metricsAllowed = try metricsAllowed()
        let level =
            ProcessInfo.processInfo.environment["CAPACITA_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        switch try chosenLogFormat() {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let logger = Logger(label: "capacita")
        let service = try await buildApplication(configuration, logger: logger)
        try await service.run()
        logger.info("service stopped")
    }

    /// `--max-evidence`, else CAPACITA_MAX_EVIDENCE, else the default.
    func evidenceLimit() throws -> Int64 {
        if let maxEvidence {
            guard let bytes = ServerConfiguration.byteCount(maxEvidence) else {
                throw ValidationError("--max-evidence: un tamaño como 10MB, 512KB o un número de bytes")
            }
            return bytes
        }
        guard let bytes = ServerConfiguration.evidenceLimit(ProcessInfo.processInfo.environment) else {
            throw ValidationError(
                "\(ServerConfiguration.evidenceLimitVariable): un tamaño como 10MB, 512KB o un número de bytes")
        }
        return bytes
    }

    /// DATABASE_URL, or the project-local cluster as the application role.
    static func applicationURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        let local = try Database.url()
        guard var components = URLComponents(string: local), components.scheme?.hasPrefix("postgres") == true else {
            return local + " user=capacita_app"
        }
        components.user = "capacita_app"
        components.password = nil
        return components.string ?? local
    }
}

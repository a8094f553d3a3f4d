import Capacita
import CapacitaFiles
import CapacitaServer
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Postgres
import SampleData
import Synchronization
import TestSupport
import Testing

/// A fresh database loaded with the demo's data (catalog, registry, the example groups, SICT's
/// enrollment file in Windows-1252, two INM people, SICT's results, headcounts, SICT's ficha), one
/// API token per caller, and one account per caller but the revoked one (the pages' sign-in),
/// served as the application role. Each test gets its own.
struct ServiceFixture: Sendable {
    /// The superuser's URL (set-up and checks) and the application role's (the service).
    let ownerURL: String
    let appURL: String
    let database: String
    let tokens: [Caller: String]
    /// Each caller's account e-mail (all with `password`); the administrator's second factor is
    /// `adminTOTPSecret` (its codes made from `adminTOTPKey`), already confirmed.
    let accounts: [Caller: String]

    enum Caller: String, Sendable, CaseIterable {
        case admin, sict, inm, instructor, revoked
    }

    static let sictGroup = "SICT-BAS-2024-01"
    static let inmGroup = "INM-BAS-2024-01"

    /// Every fixture account's password, and its bcrypt hash at cost 4 (made apart from the
    /// service's library, with Python's bcrypt): the service checks the one against the other.
    static let password = "contraseña de prueba"
    static let passwordHash = "$2b$04$Y9RyXyr8rhLQ49L2uDb7nOhMdsFhibDXebCk1Dv/yZ4YK/w52s1ba"
    /// The administrator's TOTP secret as the service stores it (32 characters of base32's
    /// alphabet, as `/dos-pasos` makes them), and the key an authenticator app holds for it: the
    /// base32 of the secret's bytes, as the enrollment page shows it.
    static let adminTOTPSecret = "PRUEBAADMINCAPACITA2345672345672"
    static let adminTOTPKey = "KBJFKRKCIFAUITKJJZBUCUCBINEVIQJSGM2DKNRXGIZTINJWG4ZA"

    static func make() throws -> ServiceFixture {
        let (database, ownerURL) = try TestDatabase.create()
        let connection = try Connection(ownerURL)
        let root = TestDatabase.projectRoot
        try MigrationRunner(
            connection: connection, migrations: try Migration.load(from: root.appendingPathComponent("db/migrations"))
        ).migrate()
        connection.act(as: .admin("pruebas"))
        try CatalogStore(connection: connection).load(try Catalog.build(files: try catalogFiles()).get())
        try AgencyStore(connection: connection).upsert(try AgencyFile.parse(try file("db/seed/agencies.csv")).get())
        let imports = FileImports(connection: connection)
        try require(try imports.groups(try InputFile(path: path("examples/grupos.csv")), ranBy: "pruebas"))
        let tiers = try TierTable.parse(try file("db/seed/tiers.csv")).get()
        try require(
            try EnrollmentImporter(connection: connection).run(
                try InputFile(path: path("examples/inscripcion-sict-corregida.csv")),
                options: .init(agency: "SICT", tiers: tiers, ranBy: "pruebas")))
        try require(
            try EnrollmentImporter(connection: connection).run(
                try InputFile(bytes: Array(inmFile().utf8), name: "inm.csv"),
                options: .init(agency: "INM", group: inmGroup, tiers: tiers, ranBy: "pruebas")))
        try require(
            try ResultsImporter(connection: connection).run(
                try InputFile(path: path("examples/resultados-sict-bas.csv")), options: .init(ranBy: "pruebas")))
        try require(try imports.headcounts(try InputFile(path: path("examples/plantillas-2024.csv")), ranBy: "pruebas"))
        try require(
            try imports.fichas(
                try InputFile(path: path("examples/fichas/sict-2024.yaml")), ranBy: "pruebas", currentYear: 2026))
        let store = TokenStore(connection: connection)
        var tokens: [Caller: String] = [:]
        func create(_ caller: Caller, _ role: Identity.Role, agency: String? = nil, groups: [String] = []) throws {
            tokens[caller] =
                try store.create(
                    role: role, agency: agency, groups: groups, name: "prueba-\(caller.rawValue)", expiresOn: nil,
                    createdBy: "pruebas"
                ).token
        }
        try create(.admin, .admin)
        try create(.sict, .enlace, agency: "SICT")
        try create(.inm, .enlace, agency: "INM")
        try create(.instructor, .instructor, groups: [sictGroup])
        try create(.revoked, .admin)
        try store.revoke("prueba-revoked")
        let accounts = try makeAccounts(connection)
        var app = URLComponents(string: ownerURL)!
        app.user = "capacita_app"
        return ServiceFixture(
            ownerURL: ownerURL, appURL: app.string!, database: database, tokens: tokens, accounts: accounts)
    }

    /// An account per caller with the same role, agency and groups as its token, made as people
    /// are: created with an invitation, whose link then sets the password. The administrator's
    /// second factor is stored confirmed, as its enrollment would leave it.
    static func makeAccounts(_ connection: Connection) throws -> [Caller: String] {
        let store = AccountStore(connection: connection)
        var accounts: [Caller: String] = [:]
        func create(_ caller: Caller, _ role: Identity.Role, agency: String? = nil, groups: [String] = []) throws {
            let email = "prueba-\(caller.rawValue)@\((agency ?? "segob").lowercased()).gob.mx"
            let created = try store.create(
                .init(
                    email: email, name: "Cuenta de prueba \(caller.rawValue)", role: role, agency: agency,
                    groups: groups),
                linkLifetime: .seconds(3600), link: { "http://capacita.test/invitacion?t=\($0)" }, invitedBy: nil)
            guard try store.use(link: created.secret, kind: .invitation, passwordHash: passwordHash, name: nil) != nil
            else { throw FixtureError(message: "the invitation of \(email) did not set its password") }
            accounts[caller] = email
        }
        try create(.admin, .admin)
        try create(.sict, .enlace, agency: "SICT")
        try create(.inm, .enlace, agency: "INM")
        try create(.instructor, .instructor, groups: [sictGroup])
        _ = try connection.query(
            "UPDATE account SET totp_secret = $1, totp_confirmed_at = now() WHERE email = $2",
            [adminTOTPSecret, accounts[.admin]])
        return accounts
    }

    func drop() {
        TestDatabase.drop(database)
    }

    /// Two people of INM, for its group.
    static func inmFile() -> String {
        let people = SampleFiles(rows: 2, seed: 11).population().prefix(2)
        return "curp,nombre,primer_apellido,segundo_apellido,sexo,dependencia,nivel\n"
            + people.map {
                "\($0.curp),\($0.givenNames),\($0.firstSurname),\($0.secondSurname),\($0.sex.rawValue),INM,M"
            }
            .joined(separator: "\n") + "\n"
    }

    static func path(_ relative: String) -> String {
        TestDatabase.projectRoot.appendingPathComponent(relative).path
    }

    static func file(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    static func catalogFiles() throws -> [(path: String, yaml: String)] {
        let folder = TestDatabase.projectRoot.appendingPathComponent("Courses")
        var files: [(path: String, yaml: String)] = []
        for case let name as String in FileManager.default.enumerator(atPath: folder.path)!
        where name.hasSuffix(".yaml") {
            files.append((name, try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)))
        }
        return files
    }

    static func require(_ outcome: ImportOutcome) throws {
        guard outcome.accepted else { throw FixtureError(message: "fixture import refused: \(outcome.rejected)") }
    }

    /// Uploads go to a folder of this fixture's own, so a test can see that none is left behind.
    var uploadFolder: String { NSTemporaryDirectory() + "/" + database + "-uploads" }

    func configuration(
        maxBodyBytes: Int64 = 1 << 20, verifyLimit: Int = 1000, pendingUploadLifetime: Duration = .seconds(1800)
    ) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, databaseURL: appURL, poolSize: 4, maxBodyBytes: maxBodyBytes,
            maxConcurrentImports: 2, projectRoot: TestDatabase.projectRoot, uploadFolder: uploadFolder,
            verifyLimit: verifyLimit, pendingUploadLifetime: pendingUploadLifetime)
        // bcrypt at its lowest cost: the tests check what is done with a hash, not its cost.
        configuration.accounts.bcryptCost = 4
        return configuration
    }

    func query<T: PostgresDecodable>(_ sql: String, as type: T.Type = T.self) throws -> T? {
        try Connection(ownerURL).query(sql).scalar(T.self)
    }
}

/// A live service (a real socket) on a fresh fixture.
struct Served: Sendable {
    let fixture: ServiceFixture
    let client: any TestClientProtocol
    let routes: [CapacitaApplication.RouteEntry]

    func send(
        _ method: HTTPRequest.Method, _ uri: String, as caller: ServiceFixture.Caller?, body: String? = nil,
        bytes: [UInt8]? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await client.send(method, uri, as: caller, fixture, body: body, bytes: bytes, headers: headers)
    }
}

/// Runs `body` against a live service on a fresh fixture, and drops the database after.
/// `adjust` changes what the test needs of the configuration (a tiny limit rather than a wait).
func withService(
    maxBodyBytes: Int64 = 1 << 20, verifyLimit: Int = 1000, pendingUploadLifetime: Duration = .seconds(1800),
    logger: Logger = Logger(label: "capacita-test"), adjust: @Sendable (inout ServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (Served) async throws -> Void
) async throws {
    let fixture = try ServiceFixture.make()
    defer { fixture.drop() }
    var configuration = fixture.configuration(
        maxBodyBytes: maxBodyBytes, verifyLimit: verifyLimit, pendingUploadLifetime: pendingUploadLifetime)
    adjust(&configuration)
    let service = try await buildApplication(configuration, logger: logger)
    do {
        try await service.application.test(.live) { client in
            try await body(Served(fixture: fixture, client: client, routes: service.routes))
        }
    } catch {
        await service.shutdown()
        throw error
    }
    await service.shutdown()
}

extension TestClientProtocol {
    /// A request as `caller` (nil: no token).
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as caller: ServiceFixture.Caller?, _ fixture: ServiceFixture,
        body: String? = nil, bytes: [UInt8]? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let caller { headers[.authorization] = "Bearer \(fixture.tokens[caller]!)" }
        let buffer = bytes.map { ByteBuffer(bytes: $0) } ?? body.map { ByteBuffer(string: $0) }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: buffer)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
}

/// Captures every log line, to check what the service writes.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var logger: Logger {
        var logger = Logger(label: "capacita-test") { _ in CapturingHandler(capture: self) }
        logger.logLevel = .info
        return logger
    }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.append(
                "\(event.level) \(event.message) "
                    + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: " "))
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

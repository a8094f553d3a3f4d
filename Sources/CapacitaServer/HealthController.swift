import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird
import Yams

/// `/health` (readiness) and `/health/live` (liveness) for load balancers and orchestrators, and
/// the OpenAPI document, none behind a token.
struct HealthController {
    let store: SharedStore
    let migrations: [Migration]
    let openAPIYAML: String
    let openAPIJSON: String

    init(store: SharedStore, migrations: [Migration], openAPIFile: String) throws {
        self.store = store
        self.migrations = migrations
        guard let yaml = try? String(contentsOfFile: openAPIFile, encoding: .utf8),
            let document = try Yams.load(yaml: yaml),
            let json = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        else { throw ServerStartError.openAPI(openAPIFile) }
        openAPIYAML = yaml
        openAPIJSON = String(decoding: json, as: UTF8.self)
    }

    struct Health: Encodable {
        var status: String
        var schemaVersion: Int?
        var pending: [String]

        enum CodingKeys: String, CodingKey {
            case status, pending
            case schemaVersion = "schema_version"
        }
    }

    func add(to routes: RouteTable) {
        let migrations = self.migrations
        // 200 when the database answers and every migration is applied; 503 otherwise.
        routes.get(public: "/health") { _, _ in
            do {
                let status = try await store.run(as: nil) {
                    try MigrationRunner(connection: $0, migrations: migrations).status()
                }
                let health = Health(
                    status: status.pending.isEmpty ? "ok" : "schema_not_current",
                    schemaVersion: status.applied.map(\.version).max(), pending: status.pending.map(\.fileName))
                return Responses.json(health, status: status.pending.isEmpty ? .ok : .serviceUnavailable)
            } catch {
                var response = Responses.json(
                    Health(status: "database_unavailable", schemaVersion: nil, pending: []), status: .serviceUnavailable
                )
                // As every other 503 for an unreachable database: when to ask again.
                response.headers[.retryAfter] = String(APIError.retryAfterSeconds)
                return response
            }
        }
        // Liveness: the process answers. Never touches the database, so an orchestrator does not
        // restart instances that are well while PostgreSQL is away (that is /health's 503).
        routes.get(public: "/health/live") { _, _ in Responses.json(#"{"status":"ok"}"#) }
        let yaml = openAPIYAML
        let json = openAPIJSON
        routes.get(public: "/openapi.json") { _, _ in Responses.json(json) }
        routes.get(public: "/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: yaml)))
        }
    }
}

public enum ServerStartError: Error, CustomStringConvertible {
    case openAPI(String)
    case seed(String, String)
    case superuser

    public var description: String {
        switch self {
        case .openAPI(let path): return "\(path): no se puede leer el documento OpenAPI"
        case .seed(let path, let problem): return "\(path): \(problem)"
        case .superuser:
            return
                "el servicio no se conecta como superusuario ni como dueño de las tablas: use el rol capacita_app (db/ACCESS.md)"
        }
    }
}

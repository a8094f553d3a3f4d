import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// The catalog and the agency registry: shared data, readable by every role.
struct CatalogController {
    let store: SharedStore

    func add(to routes: RouteTable) {
        routes.get("/v1/courses", roles: .everyone) { request, context, identity in
            let table = try await store.run(as: identity) {
                CourseTable.table(try CatalogStore(connection: $0).courses())
            }
            return try Responses.table(table, request, sheet: "cursos")
        }
        routes.get("/v1/courses/:code", roles: .everyone) { request, context, identity in
            let code = try context.parameters.require("code").uppercased()
            guard code.utf8.count <= 40 else { throw APIError.notFound("el curso") }
            let wantsCSV = Responses.wantsCSV(request)
            let body = try await store.run(as: identity) { connection -> String? in
                guard let course = try CatalogStore(connection: connection).course(code: code) else { return nil }
                return wantsCSV
                    ? Table(
                        columns: ["topic", "hours"], rows: course.temario.map { [.text($0.topic), .number($0.hours)] }
                    )
                    .render(.csv)
                    : JSONOutput.string(course)
            }
            guard let body else { throw APIError.notFound("el curso") }
            return wantsCSV ? Responses.csv(body) : Responses.json(body)
        }
        routes.get("/v1/agencies", roles: .everyone) { request, context, identity in
            let table = try await store.run(as: identity) {
                AgencyTable.table(try AgencyStore(connection: $0).agencies())
            }
            return try Responses.table(table, request, sheet: "instancias")
        }
        routes.get("/v1/agencies/resolve", roles: .everyone) { request, context, identity in
            let name = try Query(request).required("name")
            let found = try await store.run(as: identity) { connection -> Result<Agency, APIError> in
                switch try AgencyStore(connection: connection).registry().lookup(name) {
                case .success(let agency): return .success(agency)
                case .failure(let failure): return .failure(APIError(.notFound, "agency_not_found", failure.message))
                }
            }
            let agency = try found.get()
            return Responses.record(Record([("code", .text(agency.code)), ("name", .text(agency.name))]), request)
        }
    }
}

extension SharedStore {
    /// The code of an agency named in a parameter (code, name or former name), or 400 with the closest names.
    func agencyCode(_ name: String?, parameter: String, as identity: Identity) async throws -> String? {
        guard let name else { return nil }
        let found = try await run(as: identity) { connection -> Result<String, APIError> in
            switch try AgencyStore(connection: connection).registry().lookup(name) {
            case .success(let agency): return .success(agency.code)
            case .failure(let failure): return .failure(.badParameter(parameter, failure.message))
            }
        }
        return try found.get()
    }
}

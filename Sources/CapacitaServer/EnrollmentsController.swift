import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// Enrollment uploads, drops, and results uploads: the body is the spreadsheet, streamed to a
/// file and imported whole or not at all, as `enroll import` and `results import` do.
struct EnrollmentsController {
    let store: SharedStore
    let configuration: ServerConfiguration
    let tiers: TierTable

    func add(to routes: RouteTable) {
        routes.post("/v1/enrollments", roles: [.admin, .enlace]) { request, context, identity in
            let query = Query(request)
            let group = try query.string("group", maxLength: 64).map { code throws(APIError) in
                try GroupScope.code(code)
            }
            let dryRun = try query.bool("dry_run")
            let skipPrerequisites = try query.bool("skip_prerequisites")
            let agency = try await store.agencyCode(try query.string("agency"), parameter: "agency", as: identity)
            if let group {
                // Enrolling needs the group to exist; an enlace may enroll its people in any group
                // (the access table), and sees only its own people in it afterwards.
                let exists = try await store.run(as: identity) { try GroupStore(connection: $0).group(code: group) }
                guard exists != nil else { throw APIError.notFound("el grupo") }
            }
            let options = EnrollmentImporter.Options(
                agency: agency, group: group, dryRun: dryRun, skipPrerequisites: skipPrerequisites, tiers: tiers,
                ranBy: identity.user)
            let outcome = try await store.importUpload(
                request, configuration, fallbackName: "inscripcion.csv", as: identity
            ) { input, connection in
                try EnrollmentImporter(connection: connection).run(input, options: options)
            }
            return Responses.report(ImportReport(outcome))
        }
        routes.post("/v1/enrollments/drop", roles: [.admin, .enlace]) { request, context, identity in
            let drop = try await Self.decode(DropRequest.self, request)
            try BodyText.check("reason", drop.reason)
            let code = try GroupScope.code(drop.group)
            let curp: Curp
            switch Curp.parse(drop.curp) {
            case .success(let value): curp = value
            case .failure(let problem):
                throw APIError(
                    .unprocessableContent, "invalid_curp",
                    "CURP \(Curp.mask(drop.curp.uppercased())): \(problem.message)")
            }
            let revoked = try await store.run(as: identity) { connection -> Result<Int, APIError> in
                do {
                    return .success(
                        try EnrollmentStore(connection: connection).drop(group: code, curp: curp, reason: drop.reason))
                } catch let error as EnrollmentStore.DropError {
                    switch error {
                    case .notEnrolled: return .failure(.notFound("la inscripción"))
                    case .alreadyDropped: return .failure(APIError(.conflict, "already_dropped", error.description))
                    case .emptyReason, .longReason, .badReason:
                        return .failure(
                            APIError(
                                .unprocessableContent, "invalid_reason",
                                error.description.replacingOccurrences(of: " con --reason", with: "")))
                    }
                }
            }
            return Responses.json(
                DropAnswer(group: code, curp: curp.masked, constanciaRevoked: try revoked.get() > 0))
        }
        routes.post("/v1/results", roles: [.admin, .instructor]) { request, context, identity in
            let query = Query(request)
            let group = try query.string("group", maxLength: 64).map { code throws(APIError) in
                try GroupScope.code(code)
            }
            let dryRun = try query.bool("dry_run")
            if let group {
                _ = try await store.run(as: identity) { try GroupScope.listing(group, connection: $0) }
            }
            let outcome = try await store.importUpload(
                request, configuration, fallbackName: "resultados.csv", as: identity
            ) { input, connection in
                try ResultsImporter(connection: connection).run(
                    input, options: .init(group: group, dryRun: dryRun, ranBy: identity.user))
            }
            return Responses.report(ImportReport(outcome))
        }
    }

    /// A small JSON body (at most 64 KB), or 400.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await Upload.collect(request, limit: 64 << 10)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError(.badRequest, "invalid_json", "el cuerpo no es el JSON esperado (vea /openapi.json)")
        }
    }

    struct DropRequest: Decodable {
        var group: String
        var curp: String
        var reason: String
    }

    struct DropAnswer: Encodable {
        var group: String
        var curp: String
        var constanciaRevoked: Bool

        enum CodingKeys: String, CodingKey {
            case group, curp
            case constanciaRevoked = "constancia_revoked"
        }
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Hummingbird

/// A group's attendance register: read it (JSON, or CSV or a workbook by `Accept`), and write
/// marks with a file (`curp, grupo, fecha, [inicio,] asistencia`) through the same import as
/// `capacita attendance import`. Both are for the Secretaría Técnica, the enlace of the agency that
/// organizes the group and the group's instructors; for anyone else the group is not there (404),
/// before a byte of the body is read.
struct AttendanceController {
    let store: SharedStore
    let configuration: ServerConfiguration

    func add(to routes: RouteTable) {
        routes.get("/v1/groups/:code/attendance", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let register = try await store.run(as: identity) {
                try AttendanceStore(connection: $0).register(group: code)
            }
            guard let register else { throw APIError.notFound("el grupo") }
            return try Responses.report(register, request)
        }
        routes.put("/v1/groups/:code/attendance", roles: .everyone) { request, context, identity in
            let code = try GroupScope.code(try context.parameters.require("code"))
            let dryRun = try Query(request).bool("dry_run")
            let kept = try await store.run(as: identity) {
                try AttendanceStore(connection: $0).kept(group: code) != nil
            }
            guard kept else { throw APIError.notFound("el grupo") }
            let outcome = try await store.importUpload(
                request, configuration, fallbackName: "asistencia-\(code).csv",
                limit: min(Self.bodyLimit, configuration.maxBodyBytes), as: identity
            ) { input, connection in
                try AttendanceImporter(connection: connection).run(
                    input, options: .init(group: code, dryRun: dryRun, ranBy: identity.user))
            }
            return Responses.report(ImportReport(outcome))
        }
    }

    /// A group's marks: a row a person and session, about 50 bytes. Four mebibytes hold a
    /// 200-person group's register over a year of daily sessions (73,200 rows); the service's
    /// `--max-body`, when lower, is the limit.
    static let bodyLimit: Int64 = 4 << 20
}

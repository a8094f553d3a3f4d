import Capacita
import CapacitaStore
import Postgres

/// A group as the API and the pages name it: a code read from a path or a query, and the group
/// when the caller reaches its people (`GroupReach`, in the store, decides). Outside the caller's
/// reach the group answers 404, as one that does not exist.
enum GroupScope {
    static func code(_ raw: String) throws(APIError) -> String {
        let code = TrainingGroup.normalizeCode(raw)
        guard code.utf8.count <= 64, TrainingGroup.isValidCode(code) else { throw .notFound("el grupo") }
        return code
    }

    static func listing(_ code: String, connection: Connection) throws -> GroupListing {
        guard let listing = try GroupReach(connection: connection).listing(code: code) else {
            throw APIError.notFound("el grupo")
        }
        return listing
    }
}

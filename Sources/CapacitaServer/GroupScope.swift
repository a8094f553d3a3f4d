import Capacita
import CapacitaStore
import Postgres

/// Whether a caller reaches a group's people (roster, report, constancias, results): the
/// Secretaría Técnica every group; an enlace the groups its agency organizes or where it has
/// people, and in them its own people only (row-level security, db/migrations/0012); an instructor
/// the groups assigned to them. Outside it the group answers 404, as one that does not exist.
enum GroupScope {
    static func code(_ raw: String) throws(APIError) -> String {
        let code = TrainingGroup.normalizeCode(raw)
        guard code.utf8.count <= 64, TrainingGroup.isValidCode(code) else { throw .notFound("el grupo") }
        return code
    }

    static func listing(_ code: String, connection: Connection) throws -> GroupStore.Listing {
        guard let identity = connection.identity,
            let listing = try GroupStore(connection: connection).group(code: code)
        else { throw APIError.notFound("el grupo") }
        switch identity.role {
        case .admin: return listing
        case .enlace:
            if listing.group.agencyCode == identity.agency { return listing }
            let hasPeople =
                try connection.query("SELECT EXISTS (SELECT 1 FROM enrollment WHERE group_code = $1)", [code])
                .scalar(Bool.self) ?? false
            guard hasPeople else { throw APIError.notFound("el grupo") }
            return listing
        case .instructor:
            let assigned =
                try connection.query(
                    "SELECT EXISTS (SELECT 1 FROM group_instructor WHERE group_code = $1 AND user_name = $2)",
                    [code, identity.user]
                ).scalar(Bool.self) ?? false
            guard assigned else { throw APIError.notFound("el grupo") }
            return listing
        }
    }

    /// Whether the caller sees this person's CURP in full: the Secretaría Técnica, or the enlace of
    /// the agency that enrolled them. Instructors see it masked.
    static func revealsCURP(_ identity: Identity, agency: String) -> Bool {
        identity.role == .admin || (identity.role == .enlace && identity.agency == agency)
    }
}

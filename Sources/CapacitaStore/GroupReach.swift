import Capacita
import Postgres

/// Whether the connection's caller reaches a group's people (roster, report, constancias,
/// results): the Secretaría Técnica every group; an enlace the groups its agency organizes or
/// where it has people, and in them its own people only (row-level security, db/migrations/0012);
/// an instructor the groups assigned to them. The service answers a group out of reach as one that
/// does not exist; this type only says which it is.
public struct GroupReach: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// The group when the caller reaches it; nil when it does not exist, or is out of reach, or
    /// the connection acts for no one.
    public func listing(code: String) throws -> GroupListing? {
        guard let identity = connection.identity,
            let listing = try GroupStore(connection: connection).group(code: code)
        else { return nil }
        switch identity.role {
        case .admin:
            return listing
        case .enlace:
            if listing.group.agencyCode == identity.agency { return listing }
            // Under row-level security an enlace sees only its own agency's enrollments: any row
            // here is one of its people in a group another agency organizes.
            let hasPeople =
                try connection.query("SELECT EXISTS (SELECT 1 FROM enrollment WHERE group_code = $1)", [code])
                .scalar(Bool.self) ?? false
            return hasPeople ? listing : nil
        case .instructor:
            let assigned =
                try connection.query(
                    "SELECT EXISTS (SELECT 1 FROM group_instructor WHERE group_code = $1 AND user_name = $2)",
                    [code, identity.user]
                ).scalar(Bool.self) ?? false
            return assigned ? listing : nil
        }
    }
}

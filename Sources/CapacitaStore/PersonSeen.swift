/// A person as the caller may read them (db/ACCESS.md, "What an enlace learns of a person"): the
/// Secretaría Técnica and instructors read the shared record; an enlace reads only what its own
/// agency supplied (`person_agency`), never the names another agency stored. Row-level security
/// says the same: an enlace sees no row of `person`.
enum PersonSeen {
    /// A join giving `p.given_names`, `p.first_surname`, `p.second_surname` for the enrollment
    /// aliased `enrollment` (whose agency's record an enlace reads).
    static func join(enrollment e: String = "e") -> String {
        """

        JOIN LATERAL (
            SELECT given_names, first_surname, second_surname FROM person
            WHERE curp = \(e).curp AND capacita_role() IS DISTINCT FROM 'enlace'
            UNION ALL
            SELECT given_names, first_surname, second_surname FROM person_agency
            WHERE curp = \(e).curp AND agency_code = \(e).agency_code AND capacita_role() = 'enlace'
        ) p ON true
        """
    }
}

import Capacita
import CapacitaFiles

/// Who may see and change what: the one table of the rules, which the store's own checks follow
/// and db/migrations/0009's row-level security policies enforce again in PostgreSQL.
/// docs/access.md ("Who may see and change what") gives the same table in words;
/// `AccessRulesTests` tests each cell. Which roles may call each route of the service is declared
/// beside the route (`RouteTable`, `PageRoutes` in CapacitaServer), from docs/service.md's table;
/// which groups a caller reaches is `GroupReach`.
public enum AccessRules {
    /// What one role reaches of one kind of data.
    public enum Scope: String, Sendable, Equatable {
        /// Every row.
        case all
        /// Rows of the caller's agency: people enrolled with it (`enrollment.agency_code`), in any
        /// group, its own or another's; never another agency's people, not even in its groups.
        case ownAgency
        /// Rows of the groups assigned to the caller (`group_instructor`).
        case assignedGroups
        /// Rows the caller wrote (`ran_by`, `user_name`).
        case ownRows
        /// Every row: not personal data (groups, headcounts, catalog, registry).
        case shared
        /// Nothing.
        case none
    }

    public enum Resource: String, Sendable, CaseIterable {
        case person, enrollment, constancia
        case importBatch = "import_batch"
        case ficha
        case auditLog = "audit_log"
        case trainingGroup = "training_group"
        case headcount, course, agency
    }

    /// Reading.
    public static func read(_ resource: Resource, by role: Identity.Role) -> Scope {
        switch (resource, role) {
        case (_, .admin): return .all
        case (.trainingGroup, _), (.headcount, _), (.course, _), (.agency, _): return .shared
        case (.person, .enlace), (.enrollment, .enlace), (.constancia, .enlace), (.importBatch, .enlace),
            (.ficha, .enlace), (.auditLog, .enlace):
            return .ownAgency
        case (.person, .instructor), (.enrollment, .instructor), (.constancia, .instructor): return .assignedGroups
        case (.importBatch, .instructor), (.auditLog, .instructor): return .ownRows
        case (.ficha, .instructor): return .none
        }
    }

    /// National reports (Parámetro 4.2, coverage of every agency, events, the fichas' summary)
    /// are open to every role, as aggregates computed over every agency's rows with no person in them.
    public static let nationalReportsAreAggregatesForEveryone = true

    /// An enlace's file corrects the shared record of a person's names and e-mail only when that
    /// person's latest enrollment (by the group's end, then start, then code) is with the enlace's
    /// agency, or they have none yet; otherwise the shared record stays as the agency that trains
    /// them now left it. The file always writes the enlace's own agency's record of the person,
    /// which is all an enlace reads; the import does not say which happened (that would tell where
    /// else the person trains). The Secretaría Técnica's files always correct.
    public static func mayCorrectPersonalData(role: Identity.Role, latestEnrollmentAgency: String?, agency: String?)
        -> Bool
    {
        switch role {
        case .admin: return true
        case .instructor: return false
        case .enlace: return latestEnrollmentAgency == nil || latestEnrollmentAgency == agency
        }
    }

    /// Refusals that follow from the table, worded for the person refused, revealing nothing of
    /// another agency's rows.
    public enum Refusal: Sendable, Equatable {
        case instructorEnrolls
        case otherAgency(String)
        /// A stored enrollment the file would change belongs to another agency.
        case enrollmentOfAnotherAgency
        /// Headcounts and the agency registry are written by the Secretaría Técnica only.
        case secretariaOnly
        /// The group code belongs to a group another agency organizes.
        case groupOfAnotherAgency
        /// An enlace enrolls people only into the groups its own agency organizes.
        case groupOrganizedElsewhere(String)
        /// A group's sessions are given by the Secretaría Técnica and the organizing agency's enlace.
        case sessionsOfAnotherAgency
        /// A group's attendance register is kept by the Secretaría Técnica, the organizing agency's
        /// enlace and the group's instructors.
        case registerKeptByOthers

        public var message: String {
            switch self {
            case .instructorEnrolls:
                return
                    "un instructor registra resultados de sus grupos; la inscripción la hace el enlace de la instancia"
            case .otherAgency(let mine):
                return "solo puede inscribir a personas de su instancia (\(mine))"
            case .enrollmentOfAnotherAgency:
                return "esta inscripción la registró otra instancia; no puede cambiarse desde este archivo"
            case .secretariaOnly:
                return "las plantillas y el registro de instancias los carga la Secretaría Técnica"
            case .groupOfAnotherAgency:
                return "esa clave ya es de un grupo de otra instancia; use otra clave"
            case .groupOrganizedElsewhere(let mine):
                return
                    "solo puede inscribir en los grupos que organiza su instancia (\(mine)); para un grupo de otra instancia, su enlace o la Secretaría Técnica inscriben"
            case .sessionsOfAnotherAgency:
                return
                    "las sesiones de un grupo las dan el enlace de la instancia que lo organiza y la Secretaría Técnica"
            case .registerKeptByOthers:
                return
                    "el registro de asistencia de un grupo lo llevan sus instructores, el enlace de la instancia que lo organiza y la Secretaría Técnica"
            }
        }

        public func issue(line: Int = 0, column: String, value: String = "") -> ImportIssue {
            ImportIssue(line: line, column: column, value: value, message: message)
        }
    }
}

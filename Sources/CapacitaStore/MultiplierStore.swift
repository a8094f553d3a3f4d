import Capacita
import Foundation
import Postgres

/// The multipliers (db/migrations/0033): an instructor's account linked to the person they are (a
/// CURP), and the Formador graduates with the groups they taught. Linking is the Secretaría
/// Técnica's (`account_person_link`, audited with the CURP masked); reading follows the caller:
/// the Secretaría Técnica every person, an enlace its own agency's (`multiplier_rows` in the
/// database, and `ReportLoader.multipliers` again in code).
public struct MultiplierStore {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAllowed
        case notInstructor

        public var key: String {
            switch self {
            case .notAllowed: return "not_allowed"
            case .notInstructor: return "not_instructor"
            }
        }

        public var description: String {
            switch self {
            case .notAllowed: return "solo la Secretaría Técnica vincula una cuenta con la persona que es"
            case .notInstructor: return "solo la cuenta de un instructor se vincula con una persona (su CURP)"
            }
        }
    }

    /// Links the account to the person (`curp`), or unlinks it (nil). False when no account has
    /// the e-mail. Runs in the caller's transaction when there is one (an account's creation).
    @discardableResult
    public func link(email: String, to curp: Curp?) throws -> Bool {
        do {
            return try connection.query(
                "SELECT account_person_link($1, $2)", [email.trimmingSpaces(), curp?.value]
            ).scalar(Bool.self) ?? false
        } catch let error as PostgresError {
            switch error.sqlState {
            case "42501": throw Problem.notAllowed
            case "22023": throw Problem.notInstructor
            default: throw error
            }
        }
    }

    /// The CURP linked to the account, when the caller may read it (row-level security).
    public func linked(email: String) throws -> Curp? {
        try connection.query(
            """
            SELECT ap.curp FROM account_person ap JOIN account a ON a.id = ap.account_id
            WHERE lower(a.email) = lower($1)
            """, [email.trimmingSpaces()]
        ).scalar(String.self).map(Curp.init(stored:))
    }

    /// Everyone who passed the Formador course by the period's end, as the caller may count them,
    /// with the groups they taught that started within the period.
    public func graduates(period: ReportPeriod) throws -> [FormadorGraduate] {
        let rows = try connection.query(
            """
            SELECT curp, agency_code, given_names, first_surname, second_surname, formador_group, formador_course,
                   formador_ended::text AS formador_ended, linked, group_code, group_course, group_agency,
                   group_starts::text AS group_starts, enrolled, aggregate
            FROM multiplier_rows($1::date, $2::date)
            """, [period.from.description, period.to.description]
        ).map { row -> MultipliersReport.Row in
            guard let ended = CalendarDate.parse(try row.decode("formador_ended")) else {
                throw MultiplierRowError.unreadableDate
            }
            var name: PersonName?
            if let given = try row.decode("given_names", as: String?.self),
                let first = try row.decode("first_surname", as: String?.self)
            {
                name = PersonName(
                    givenNames: given, firstSurname: first,
                    secondSurname: try row.decode("second_surname", as: String?.self))
            }
            var group: TaughtGroup?
            if let code = try row.decode("group_code", as: String?.self) {
                guard let starts = CalendarDate.parse(try row.decode("group_starts")) else {
                    throw MultiplierRowError.unreadableDate
                }
                group = TaughtGroup(
                    code: code, course: try row.decode("group_course"), agency: try row.decode("group_agency"),
                    startsOn: starts, enrolled: try row.decode("enrolled"), aggregate: try row.decode("aggregate"))
            }
            return MultipliersReport.Row(
                curp: Curp(stored: try row.decode("curp")), name: name, agency: try row.decode("agency_code"),
                formadorGroup: try row.decode("formador_group"), formadorCourse: try row.decode("formador_course"),
                formadorEndedOn: ended, linked: try row.decode("linked"), group: group)
        }
        return MultipliersReport.graduates(from: rows)
    }
}

enum MultiplierRowError: Error, CustomStringConvertible {
    case unreadableDate

    var description: String { "una fecha de un grupo del reporte de multiplicadores no se pudo leer" }
}

extension ReportLoader {
    /// The multipliers of the period for the caller: the Secretaría Técnica every agency's, an
    /// enlace its own agency's people only; nil for anyone else (an instructor), as for a report
    /// that does not exist. The database applies the same rule (`multiplier_rows`); here it is
    /// applied again, so a mistake in one is not a leak.
    public func multipliers(period: ReportPeriod) throws -> MultipliersReport? {
        let identity = connection.identity
        guard identity == nil || identity?.role == .admin || identity?.role == .enlace else { return nil }
        var graduates = try MultiplierStore(connection: connection).graduates(period: period)
        if let identity, identity.role == .enlace {
            guard let agency = identity.agency else { return nil }
            graduates = graduates.filter { $0.agency == agency }
        }
        return MultipliersReport(
            period: period, graduates: graduates, disclosure: masksEveryCURP ? .none : Self.disclosure(identity))
    }
}

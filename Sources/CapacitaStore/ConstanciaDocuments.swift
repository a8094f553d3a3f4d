import Capacita
import Crypto
import Foundation
import Postgres

/// What constancias' PDFs show, for the connection's caller, and the SHA-256 of every PDF given
/// out (db/migrations/0028). The caller's constancias are those of `constancia_documents`: the
/// Secretaría Técnica every one, an enlace its own agency's people's, an instructor those of the
/// groups assigned to them; the name is the shared record, so the PDF is the same whoever draws it.
public struct ConstanciaDocuments: Sendable {
    public let connection: Connection
    /// The service's public address (CAPACITA_PUBLIC_URL), which the verification address starts with.
    public let publicURL: String

    public init(connection: Connection, publicURL: String) {
        self.connection = connection
        self.publicURL = publicURL
    }

    /// Rows a group's documents are read in: a page's PDFs are drawn, written and let go before
    /// the next page is read, so what a ZIP holds at once does not grow with the group.
    public static let pageSize = 50

    public enum Found: Sendable, Equatable {
        case document(ConstanciaDocument)
        /// The constancia was revoked on that day (YYYY-MM-DD): no PDF is given.
        case revoked(folio: String, on: String)
        /// No such folio, or not the caller's: the same answer for both.
        case none
    }

    /// One constancia by its folio.
    public func document(folio: String) throws -> Found {
        let folio = folio.uppercased()
        guard folio.utf8.count <= 64 else { return .none }
        let rows = try connection.query(
            "SELECT * FROM constancia_documents(NULL, $1, NULL, 1)", [folio]
        ).map { ($0, try $0.decode("revoked_on", as: String?.self)) }
        guard let (row, revokedOn) = rows.first else { return .none }
        if let revokedOn { return .revoked(folio: try row.decode("folio"), on: revokedOn) }
        return .document(try document(row))
    }

    /// A page of `group`'s valid constancias in folio order, after `after`; `next` is where the
    /// following page starts, nil when this was the last. Revoked constancias are passed over (a
    /// page may then hold fewer, even none, with more to come).
    public func page(group: String, after: String?, limit: Int = ConstanciaDocuments.pageSize) throws -> (
        documents: [ConstanciaDocument], next: String?
    ) {
        let limit = min(max(limit, 1), 1000)
        let rows = try connection.query(
            "SELECT * FROM constancia_documents($1, NULL, $2, $3)", [TrainingGroup.normalizeCode(group), after, limit]
        ).map { $0 }
        let documents = try rows.filter { try $0.decode("revoked_on", as: String?.self) == nil }.map(document)
        let next = rows.count == limit ? try rows.last?.decode("folio", as: String.self) : nil
        return (documents, next)
    }

    /// Records that these PDFs were given out: a (folio, SHA-256) already recorded stays as it was
    /// (its first day); a new one is added beside the others. Row-level security admits only the
    /// caller's constancias that are not revoked.
    public func recordIssued(_ issued: [(folio: String, sha256: String)]) throws {
        guard !issued.isEmpty else { return }
        try connection.query(
            """
            INSERT INTO constancia_pdf (folio, sha256)
            SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING
            """, [issued.map(\.folio), issued.map(\.sha256)])
    }

    /// The PDFs issued for the constancia of `code`, oldest first; no identity needed, as for
    /// `ConstanciaStore.verify`.
    public static func issued(code: String, connection: Connection) throws -> [IssuedPDF] {
        let normalized = Constancia.normalizeCode(code)
        guard normalized.utf8.count <= 64 else { return [] }
        return try connection.query("SELECT * FROM constancia_verify_pdfs($1)", [normalized]).map { row in
            IssuedPDF(sha256: try row.decode("sha256"), issuedOn: try row.decode("issued_on"))
        }
    }

    /// SHA-256 in lowercase hex, as `constancia_pdf` keeps it.
    public static func sha256(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func document(_ row: Row) throws -> ConstanciaDocument {
        let code: String = try row.decode("code")
        guard let startsOn = CalendarDate.parse(try row.decode("starts_on")) else {
            throw ConstanciaDocumentError.unreadableDate
        }
        return ConstanciaDocument(
            folio: try row.decode("folio"), code: code, groupCode: try row.decode("group_code"),
            holder: PersonName(
                givenNames: try row.decode("given_names"), firstSurname: try row.decode("first_surname"),
                secondSurname: try row.decode("second_surname")),
            agencyName: try row.decode("agency_name"), courseCode: try row.decode("course_code"),
            courseTitle: try row.decode("course_title"), hours: try row.decode("hours"), startsOn: startsOn,
            endsOn: try row.decode("ends_on", as: String?.self).flatMap(CalendarDate.parse),
            issuedOn: try row.decode("issued_on"),
            verificationAddress: Constancia.verificationAddress(publicURL: publicURL, code: code))
    }
}

enum ConstanciaDocumentError: Error, CustomStringConvertible {
    case unreadableDate

    var description: String { "la fecha de inicio del grupo de la constancia no se pudo leer" }
}

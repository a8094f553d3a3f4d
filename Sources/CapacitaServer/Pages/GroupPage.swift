import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// A group's page: roster, results, constancias.
extension PagesController {
    /// A group's roster (CURPs masked), results, pass rate and gains, and its constancias with
    /// their verification links; outside the caller's scope, 404 as a group that does not exist.
    func group(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws -> Response {
        let identity = session.identity
        let read: (GroupStore.Listing, [EnrollmentStore.RosterEntry], [ConstanciaStore.Record])?
        do {
            let code = try GroupScope.code(try context.parameters.require("code"))
            read = try await store.run(as: identity) { connection in
                (
                    try GroupScope.listing(code, connection: connection),
                    try EnrollmentStore(connection: connection).roster(group: code),
                    try ConstanciaStore(connection: connection).list(group: code)
                )
            }
        } catch let error as APIError where error.status == .notFound {
            read = nil
        }
        guard let (listing, roster, constancias) = read else {
            return try message(
                session, title: "Grupo no encontrado", "No hay un grupo con esa clave a su alcance.",
                status: .notFound)
        }
        if let format = Self.exportFormat(request) {
            // The download is the group report the API gives: CURPs whole where the caller may see them.
            let whole = RosterTable.table(roster) { GroupScope.revealsCURP(identity, agency: $0.agencyCode) }
            return try Self.download(
                GroupWorkbook.document(
                    code: listing.group.code, roster: whole, statistics: ResultStatistics.of(roster.map(\.result))),
                name: "grupo-\(listing.group.code)", format)
        }
        // Pages mask every CURP: a screen is looked at over a shoulder, a download is not.
        let table = RosterTable.table(roster)
        var values = chrome(session)
        values["title"] = "Grupo \(listing.group.code)"
        values["code"] = listing.group.code
        values["course"] = listing.courseTitle ?? "evento sin curso"
        values["dates"] = CalendarDate.spanishRange(listing.group.startsOn, listing.group.endsOn)
        if let modality = listing.group.modality { values["modality"] = Labels.value(modality.rawValue) }
        values["hasRoster"] = !roster.isEmpty
        values["columns"] = table.columns.map(Labels.header)
        values["rows"] = table.rows.map { row in
            ["cells": row.map { cell -> [String: Any] in ["text": cell.display, "number": Self.isNumber(cell)] }]
        }
        values["export"] = Self.exportLinks(request, path: "/grupos/\(listing.group.code)")
        values["statistics"] = StatisticsText.lines(ResultStatistics.of(roster.map(\.result)))
        values["hasConstancias"] = !constancias.isEmpty
        values["constancias"] = constancias.map {
            [
                "folio": $0.folio, "holder": $0.name.withSurnameInitials, "code": $0.code,
                "status": $0.revokedAt == nil ? "válida" : "revocada",
            ]
        }
        return try page("grupo", values, status: .ok)
    }

    static func isNumber(_ cell: Cell) -> Bool {
        switch cell {
        case .int, .decimal, .percentage, .amount: return true
        default: return false
        }
    }
}

import Capacita
import CapacitaFiles
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
    /// `sessionsText` and `sessionsProblems` bring back a refused sessions form as it was sent.
    func group(
        _ request: Request, _ context: APIContext, _ session: SessionStore.Current, sessionsText: String? = nil,
        sessionsProblems: [String] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let identity = session.identity
        // `by=` (one or several): the roster split, a table each; what the page cannot read, none.
        let chosen = Set((try? Query(request).breakdowns()) ?? [])
        let by = Breakdown.allCases.filter(chosen.contains)
        let read: (GroupReport, [ConstanciaRecord], [GroupSession])?
        do {
            let code = try GroupScope.code(try context.parameters.require("code"))
            read = try await store.run(as: identity) { connection in
                guard let report = try ReportLoader(connection: connection).group(code: code, by: by) else {
                    return nil
                }
                return (
                    report, try ConstanciaStore(connection: connection).list(group: code),
                    try GroupSessionStore(connection: connection).list(group: code) ?? []
                )
            }
        } catch let error as APIError where error.status == .notFound {
            read = nil
        }
        guard let (report, constancias, sessions) = read else {
            return try message(
                session, title: "Grupo no encontrado", "No hay un grupo con esa clave a su alcance.",
                status: .notFound)
        }
        // The download is the group report the API gives: CURPs whole where the caller may see them.
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        let (listing, roster) = (report.listing, report.roster)
        // Pages mask every CURP: a screen is looked at over a shoulder, a download is not.
        let table = RosterTable.table(roster)
        // The lists are the organizer's paper: an enlace who reaches the group only through their
        // own people in it gets no link (the list would answer 404).
        let printsLists = identity.role != .enlace || identity.agency == listing.group.agencyCode
        // Who gives the sessions: as `PUT /v1/groups/{code}/sessions`, the Secretaría Técnica and
        // the organizing agency's enlace.
        let givesSessions =
            identity.role == .admin || (identity.role == .enlace && identity.agency == listing.group.agencyCode)
        let view = GroupView(
            title: "Grupo \(listing.group.code)", code: listing.group.code,
            course: listing.courseTitle ?? "evento sin curso",
            dates: CalendarDate.spanishRange(listing.group.startsOn, listing.group.endsOn),
            modality: listing.group.modality.map { Labels.value($0.rawValue) }, hasRoster: !roster.isEmpty,
            columns: table.columns.map(Labels.header), rows: Self.tableRows(table),
            export: Self.exportLinks(request, path: "/grupos/\(listing.group.code)"),
            statistics: StatisticsText.lines(report.statistics),
            sessions: sessions.map { session in
                .init(
                    code: session.code, date: session.date.spanishLong,
                    hours: session.startsAt.map { "\($0)–\(session.endsAt?.description ?? "")" },
                    place: session.place.flatMap { if case .place(let text) = $0 { text } else { nil } },
                    link: session.place.flatMap { if case .link(let text) = $0 { text } else { nil } },
                    sheet: printsLists ? "/grupos/\(listing.group.code)/sesiones/\(session.date)/lista.pdf" : nil)
            },
            sessionsScheduled: sessions.contains(where: \.scheduled),
            sessionsForm: givesSessions
                ? GroupView.SessionsForm(
                    action: "/grupos/\(listing.group.code)/sesiones",
                    text: sessionsText ?? Self.sessionsText(sessions, scheduled: sessions.contains(where: \.scheduled)),
                    rows: min(max(sessions.count + 2, 4), 30), open: !sessionsProblems.isEmpty,
                    hasProblems: !sessionsProblems.isEmpty, problems: sessionsProblems) : nil,
            // Its keepers: the list's readers, for a group with a course (AttendancePage).
            register: printsLists && listing.group.courseCode != nil ? "/grupos/\(listing.group.code)/asistencia" : nil,
            hasConstancias: !constancias.isEmpty,
            constancias: constancias.map {
                .init(
                    folio: $0.folio, holder: $0.name.withSurnameInitials, code: $0.code,
                    status: $0.revokedAt == nil ? "válida" : "revocada",
                    pdf: $0.revokedAt == nil ? "/constancias/\($0.folio).pdf" : nil)
            },
            constanciasZip: constancias.contains { $0.revokedAt == nil }
                ? "/grupos/\(listing.group.code)/constancias.zip" : nil,
            breakdowns: Breakdown.allCases.map {
                TablesView.Choice(value: $0.rawValue, text: $0.title, selected: chosen.contains($0))
            },
            breakdownTables: report.breakdowns.map { Self.tableView(BreakdownSheets.sheet($0)) },
            courseResults: listing.group.courseCode.map {
                "/cursos/\($0)?year=\((listing.group.endsOn ?? listing.group.startsOn).year)"
            })
        let evidence = try await evidenceLayer(listing.group.code, sessions, identity)
        return try page(.grupo, PageView(view, evidence, signedInHeader(session)), status: status)
    }

    /// The group's sessions as the form shows them: the sessions file they stand for, one group's
    /// (`fecha,inicio,fin,lugar`). A group without a sessions file shows its days with the hours
    /// blank, to be filled in.
    static func sessionsText(_ sessions: [GroupSession], scheduled: Bool) -> String {
        var lines = ["fecha,inicio,fin,lugar"]
        for session in sessions {
            let place: String
            switch session.place {
            case .place(let text)?: place = text
            case .link(let text)?: place = text
            case nil: place = ""
            }
            let quoted =
                place.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + place.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : place
            lines.append(
                [
                    session.date.description, scheduled ? session.startsAt?.description ?? "" : "",
                    scheduled ? session.endsAt?.description ?? "" : "", quoted,
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A sessions form is one group's calendar: a few hundred sessions at most.
    static let sessionsFormLimit = 256 << 10

    /// POST /grupos/{code}/sesiones: the form's text is the group's sessions file, imported as
    /// `PUT /v1/groups/{code}/sessions` imports it (the same checks, batch and audit); then back to
    /// the group's page, or the page again with each refused line and nothing changed (422).
    func saveSessions(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws
        -> Response
    {
        let form = Self.fields(try await Upload.collect(request, limit: Self.sessionsFormLimit))
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        let identity = session.identity
        let notFound = {
            try self.message(
                session, title: "Grupo no encontrado", "No hay un grupo con esa clave cuyas sesiones lleve usted.",
                status: .notFound)
        }
        let code: String
        do {
            code = try GroupScope.code(try context.parameters.require("code"))
        } catch let error as APIError where error.status == .notFound {
            return try notFound()
        }
        let organizer = try await store.run(as: identity) {
            try GroupStore(connection: $0).group(code: code)?.group.agencyCode
        }
        guard let organizer, identity.role == .admin || (identity.role == .enlace && identity.agency == organizer)
        else { return try notFound() }
        let text = form["sesiones"] ?? ""
        let outcome = try await store.countedImport("sesiones") {
            try await store.run(as: identity) { connection in
                try FileImports(connection: connection).sessions(
                    try InputFile(bytes: Array(text.utf8), name: "sesiones-\(code).csv"), ranBy: identity.user,
                    group: code)
            }
        }
        guard outcome.accepted else {
            let problems = outcome.rejected.map { issue in
                (issue.line > 0 ? "Renglón \(issue.line)" : "El texto")
                    + (issue.column.isEmpty ? "" : ", \(issue.column)") + ": \(issue.message)"
            }
            return try await group(
                request, context, session, sessionsText: text,
                sessionsProblems: problems.isEmpty ? ["No se guardó: revise el texto."] : problems,
                status: .unprocessableContent)
        }
        return Self.redirect("/grupos/\(code)#sesiones")
    }

    /// A day's lista de asistencia as PDF, as the API gives it (`?blank_rows=` too); a group out
    /// of reach or a day without a session, the page's 404.
    func attendanceSheet(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws
        -> Response
    {
        do {
            let code = try GroupScope.code(try context.parameters.require("code"))
            let raw = try context.parameters.require("fecha")
            guard raw.utf8.count <= 10, let date = CalendarDate.parse(raw) else { throw APIError.notFound("la sesión") }
            return try await GroupsController.attendanceSheet(
                store, documents, session.identity, code: code, date: date,
                blankRows: try GroupsController.blankRows(Query(request)))
        } catch let error as APIError where error.status == .notFound {
            return try message(
                session, title: "Lista no encontrada", "No hay una sesión de ese grupo en esa fecha a su alcance.",
                status: .notFound)
        }
    }

    struct GroupView: Sendable {
        struct SessionLine: Sendable {
            var code: String
            var date: String
            var hours: String?
            var place: String?
            var link: String?
            /// The day's lista de asistencia (PDF), for who may print it.
            var sheet: String?
        }

        struct ConstanciaLine: Sendable {
            var folio: String
            var holder: String
            var code: String
            var status: String
            /// The constancia's PDF; none for a revoked one.
            var pdf: String?
        }

        var title: String
        var code: String
        var course: String
        var dates: String
        var modality: String?
        var hasRoster: Bool
        var columns: [String]
        var rows: [TableView.Row]
        var export: ExportLinks
        var statistics: [String]
        var sessions: [SessionLine]
        /// Given in a sessions file; otherwise the list is a day per day of the group.
        var sessionsScheduled: Bool
        /// The sessions as a form to change them, for who gives them.
        var sessionsForm: SessionsForm?
        struct SessionsForm: Sendable {
            var action: String
            var text: String
            var rows: Int
            /// Open when it comes back refused.
            var open: Bool
            var hasProblems: Bool
            var problems: [String]
        }
        /// The attendance register's page, for who keeps it.
        var register: String?
        var hasConstancias: Bool
        var constancias: [ConstanciaLine]
        /// The group's valid constancias as a ZIP of PDFs, when it has any.
        var constanciasZip: String?
        /// The breakdowns' checkboxes, and a table per breakdown asked for (of the roster shown).
        var breakdowns: [TablesView.Choice] = []
        var breakdownTables: [TableView] = []
        /// The course's results in the year the group ended, for a group with a course.
        var courseResults: String?
    }

    static func isNumber(_ cell: Cell) -> Bool {
        switch cell {
        case .int, .decimal, .percentage, .amount: return true
        default: return false
        }
    }
}

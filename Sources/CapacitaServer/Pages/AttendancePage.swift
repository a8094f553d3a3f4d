import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The attendance register as a page (`/grupos/{code}/asistencia`): the group's participants by
/// its sessions, a `<select>` per cell, saved with a plain form post (no JavaScript). The grid is
/// saved as the attendance file it stands for, through `AttendanceImporter`: the same checks, the
/// same batch and audit, the same recomputed percentages. For the Secretaría Técnica, the enlace of
/// the organizing agency (its own people) and the group's instructors; anyone else gets the page's
/// 404, as for a group that does not exist.
extension PagesController {
    /// Sessions per page of the grid: two school weeks of daily sessions; a group with more pages
    /// through them (`?pagina=`).
    static let registerSessionsPerPage = 10
    /// A posted grid: a 500-person group by `registerSessionsPerPage` sessions at about 20 bytes a
    /// cell, with room to spare.
    static let registerFormLimit = 512 << 10
    static let registerFieldLimit = 10_000

    struct AttendanceView: Sendable {
        struct Column: Sendable {
            var index: Int
            var date: String
            var hours: String?
            /// The session as the form names it back: its day, and its start when it has one.
            var key: String
        }

        struct Option: Sendable {
            var value: String
            var text: String
            var selected: Bool
        }

        struct CellView: Sendable {
            var field: String
            var label: String
            var options: [Option]
        }

        struct RowView: Sendable {
            var name: String
            var curp: String
            var cells: [CellView]
            var attendance: String
            var source: String
            var status: String
        }

        struct PageLink: Sendable {
            var href: String
            var text: String
        }

        var title: String
        var code: String
        var course: String
        var rule: String
        var keepsMarks: Bool
        var hasRows: Bool
        var columns: [Column]
        var rows: [RowView]
        var roster: String
        var page: Int
        var previous: PageLink?
        var next: PageLink?
        var pageText: String?
        var bajas: String?
        var notice: String?
        var hasProblems: Bool
        var problems: [String]
    }

    /// The grid of `group`, the sessions of page `page`.
    func attendancePage(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws
        -> Response
    {
        let page = request.uri.queryParameters.get("pagina").flatMap { Int(String($0)) } ?? 1
        guard let register = try await loadRegister(context, session) else { return try registerNotFound(session) }
        return try registerPage(register, session, page: page, status: .ok)
    }

    /// A posted grid: every chosen cell becomes a row of an attendance file for this group, imported
    /// as any file is; the page again, with what was saved or why nothing was.
    func saveAttendance(_ request: Request, _ context: APIContext, _ session: SessionStore.Current) async throws
        -> Response
    {
        guard let form = try await Self.registerForm(request) else {
            return try message(
                session, title: "Formulario no válido", "El formulario trae demasiados campos; no se guardó nada.",
                status: .badRequest)
        }
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        guard let register = try await loadRegister(context, session) else { return try registerNotFound(session) }
        let page = Int(form["pagina"] ?? "") ?? 1
        let people = Self.markable(register)
        guard register.listing.group.courseCode != nil, form["lista"] == Self.rosterDigest(people) else {
            return try registerPage(
                register, session, page: page, overrides: form,
                problems: ["La lista del grupo cambió mientras la editaba: revise las marcas y guarde de nuevo."],
                status: .conflict)
        }
        // The grid as the attendance file it stands for, and which cell each line came from.
        var lines = ["curp,grupo,fecha,inicio,asistencia"]
        var origins: [Int: String] = [:]
        var problems: [String] = []
        let code = register.listing.group.code
        for (name, value) in form.sorted(by: { $0.key < $1.key }) where name.hasPrefix("m") && !value.isEmpty {
            let parts = name.dropFirst().split(separator: "_")
            guard parts.count == 2, let row = Int(parts[0]), let column = Int(parts[1]), people.indices.contains(row),
                let key = form["s\(column)"], let slot = Self.sessionKey(key)
            else {
                problems.append("Una celda del formulario no corresponde a ninguna persona o sesión.")
                continue
            }
            guard Self.markChoices.contains(where: { $0.value == value }) else {
                problems.append("\(people[row].name.full): valor no válido.")
                continue
            }
            lines.append(
                [people[row].curp.value, code, slot.date.description, slot.startsAt?.description ?? "", value]
                    .joined(separator: ","))
            origins[lines.count] = "\(people[row].name.full), sesión del \(slot.label)"
        }
        guard problems.isEmpty else {
            return try registerPage(
                register, session, page: page, overrides: form, problems: problems, status: .unprocessableContent)
        }
        guard lines.count > 1 else {
            return try registerPage(register, session, page: page, notice: "No hay marcas que guardar.", status: .ok)
        }
        let identity = session.identity
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let outcome = try await store.countedImport("asistencia") {
            try await store.run(as: identity) { connection in
                try AttendanceImporter(connection: connection).run(
                    try InputFile(bytes: bytes, name: "registro-\(code).csv"),
                    options: .init(group: code, ranBy: identity.user))
            }
        }
        guard outcome.accepted else {
            let reasons = outcome.rejected.map { issue in
                origins[issue.line].map { "\($0): \(issue.message)" } ?? issue.message
            }
            return try registerPage(
                register, session, page: page, overrides: form, problems: reasons, status: .unprocessableContent)
        }
        guard let saved = try await loadRegister(context, session) else { return try registerNotFound(session) }
        let notice =
            "Registro guardado: \(Plural.count(outcome.imported, "marca nueva", "marcas nuevas")), "
            + "\(Plural.count(outcome.updated, "cambiada", "cambiadas")), "
            + "\(Plural.count(outcome.unchanged, "sin cambio", "sin cambios")); "
            + "porcentajes recalculados: \(outcome.extra["attendance_changed"] ?? 0)."
        return try registerPage(saved, session, page: page, notice: notice, status: .ok)
    }

    private func loadRegister(_ context: APIContext, _ session: SessionStore.Current) async throws
        -> AttendanceRegister?
    {
        do {
            let code = try GroupScope.code(try context.parameters.require("code"))
            return try await store.run(as: session.identity) {
                try AttendanceStore(connection: $0).register(group: code)
            }
        } catch let error as APIError where error.status == .notFound {
            return nil
        }
    }

    private func registerNotFound(_ session: SessionStore.Current) throws -> Response {
        try message(
            session, title: "Grupo no encontrado",
            "No hay un grupo con esa clave cuyo registro de asistencia lleve usted.",
            status: .notFound)
    }

    /// The participants a grid shows: everyone the caller reads but bajas, whose marks no longer change.
    static func markable(_ register: AttendanceRegister) -> [AttendanceRegister.Participant] {
        register.participants.filter { $0.status != .baja }
    }

    /// Names the participants a grid was drawn for, so a post made against another list (someone
    /// enrolled or dropped meanwhile) is caught instead of putting marks on the wrong people. No
    /// CURP appears in the page.
    static func rosterDigest(_ people: [AttendanceRegister.Participant]) -> String {
        let digest = SHA256.hash(data: Data(people.map(\.curp.value).joined(separator: "\n").utf8))
        return digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static let markChoices: [(value: String, text: String)] = [
        ("si", "Asistió"), ("no", "No asistió"), ("justificada", "Justificada"),
    ]

    /// A session as a grid names it: `AAAA-MM-DD`, with ` HH:MM` when it has a start.
    static func sessionKey(_ text: String) -> (date: CalendarDate, startsAt: ClockTime?, label: String)? {
        guard text.utf8.count <= 16 else { return nil }
        let parts = text.split(separator: " ")
        guard (1...2).contains(parts.count), let date = CalendarDate.parse(String(parts[0])) else { return nil }
        guard parts.count == 2 else { return (date, nil, date.spanishLong) }
        guard let start = ClockTime.parse(String(parts[1])) else { return nil }
        return (date, start, "\(date.spanishLong), \(start)")
    }

    /// A urlencoded form bounded in bytes and fields; nil past the field limit.
    static func registerForm(_ request: Request) async throws -> [String: String]? {
        let body = try await Upload.collect(request, limit: registerFormLimit)
        var fields: [String: String] = [:]
        var count = 0
        for pair in String(buffer: body).split(separator: "&") {
            count += 1
            guard count <= registerFieldLimit else { return nil }
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first, fields[name] == nil { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    private func registerPage(
        _ register: AttendanceRegister, _ session: SessionStore.Current, page requested: Int,
        overrides: [String: String] = [:], notice: String? = nil, problems: [String] = [],
        status: HTTPResponse.Status
    ) throws -> Response {
        let code = register.listing.group.code
        let per = Self.registerSessionsPerPage
        let pages = max(1, (register.sessions.count + per - 1) / per)
        let page = min(max(requested, 1), pages)
        let window = Array(register.sessions.indices.dropFirst((page - 1) * per).prefix(per))
        let people = Self.markable(register)
        let columns = window.map { index in
            let session = register.sessions[index]
            return AttendanceView.Column(
                index: index, date: session.date.spanishLong,
                hours: session.startsAt.map { "\($0)–\(session.endsAt?.description ?? "")" },
                key: session.date.description + (session.startsAt.map { " \($0)" } ?? ""))
        }
        let rows = people.enumerated().map { row, participant in
            let cells = window.map { index -> AttendanceView.CellView in
                let field = "m\(row)_\(index)"
                let stored = participant.marks[index].map(Self.choice)
                let chosen = overrides[field] ?? stored ?? ""
                var options = Self.markChoices.map {
                    AttendanceView.Option(value: $0.value, text: $0.text, selected: $0.value == chosen)
                }
                // A mark is corrected, never removed: a cell already marked offers no blank.
                if stored == nil { options.insert(.init(value: "", text: "—", selected: chosen.isEmpty), at: 0) }
                return AttendanceView.CellView(
                    field: field, label: "\(participant.name.full), \(register.sessions[index].date.spanishLong)",
                    options: options)
            }
            return AttendanceView.RowView(
                name: participant.name.full, curp: participant.curp.masked, cells: cells,
                attendance: Rounded(participant.attendance, places: Exact.percentPlaces).map { "\($0) %" } ?? "—",
                source: register.source(participant).map(Labels.value) ?? "",
                status: Labels.value(participant.status.rawValue))
        }
        let bajas = register.participants.count - people.count
        let view = AttendanceView(
            title: "Registro de asistencia \(code)", code: code,
            course: register.listing.courseTitle ?? "evento sin curso",
            rule: Labels.value("justified_\(register.rule.rawValue)"),
            keepsMarks: register.listing.group.courseCode != nil, hasRows: !rows.isEmpty && !columns.isEmpty,
            columns: columns, rows: rows, roster: Self.rosterDigest(people), page: page,
            previous: page > 1 ? .init(href: "?pagina=\(page - 1)", text: "Sesiones anteriores") : nil,
            next: page < pages ? .init(href: "?pagina=\(page + 1)", text: "Sesiones siguientes") : nil,
            pageText: pages > 1
                ? "Sesiones \(window.first.map { $0 + 1 } ?? 0) a \(window.last.map { $0 + 1 } ?? 0) de \(register.sessions.count)"
                : nil,
            bajas: bajas > 0
                ? "\(Plural.count(bajas, "persona dada de baja no aparece", "personas dadas de baja no aparecen")): su asistencia ya no cambia."
                : nil,
            notice: notice, hasProblems: !problems.isEmpty, problems: problems)
        return try self.page(.asistencia, PageView(view, signedInHeader(session)), status: status)
    }

    private static func choice(_ mark: AttendanceMark) -> String {
        switch mark {
        case .present: return "si"
        case .absent: return "no"
        case .excused: return "justificada"
        }
    }
}

import CapacitaFiles

/// Reads a sessions file: `grupo, fecha, inicio, fin, lugar`, a row per session. The groups must
/// exist; each date falls within its group's dates, each start before its end; a group's sessions
/// do not overlap.
public enum SessionFile {
    public static let columns: [ColumnSpec] = [
        ColumnSpec("grupo", aliases: ["codigo", "clave", "clave_grupo", "group"]),
        ColumnSpec("fecha", aliases: ["dia", "date"], required: true),
        ColumnSpec("inicio", aliases: ["hora_inicio", "desde", "start"], required: true),
        ColumnSpec("fin", aliases: ["hora_fin", "hasta", "end"], required: true),
        ColumnSpec("lugar", aliases: ["sede", "enlace", "liga", "place", "link"]),
    ]

    /// A stored group as the rows are checked against it.
    public struct Group: Sendable, Equatable {
        public var agencyCode: String
        public var startsOn: CalendarDate
        public var endsOn: CalendarDate?

        public init(agencyCode: String, startsOn: CalendarDate, endsOn: CalendarDate?) {
            self.agencyCode = agencyCode
            self.startsOn = startsOn
            self.endsOn = endsOn
        }
    }

    public struct Context: Sendable {
        /// The stored groups by code.
        public var groups: [String: Group]
        /// When the file is one group's (`PUT /v1/groups/{code}/sessions`): an empty grupo cell is
        /// that group, and a row of another group is refused.
        public var onlyGroup: String?

        public init(groups: [String: Group], onlyGroup: String? = nil) {
            self.groups = groups
            self.onlyGroup = onlyGroup
        }
    }

    /// Every session of the file, or every problem in it (line, column, value, message).
    public static func parse(_ bytes: [UInt8], context: Context) -> Result<[NumberedSession], ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        var sessions: [NumberedSession] = []
        for row in document.rows {
            guard let session = validate(row, context: context, issues: &issues) else { continue }
            sessions.append(NumberedSession(line: row.line, session: session))
        }
        issues += clashes(sessions)
        if document.rows.isEmpty, issues.isEmpty {
            issues.append(ImportIssue(line: 1, column: "", value: "", message: "el archivo no tiene filas de datos"))
        }
        return issues.isEmpty ? .success(sessions) : .failure(ImportIssues(issues))
    }

    /// Checks one row; appends its problems and returns nil when it has any.
    public static func validate(_ row: CSVRow, context: Context, issues: inout [ImportIssue]) -> GroupSession? {
        let before = issues.count
        func fail(_ column: String, _ message: String) {
            issues.append(ImportIssue(line: row.line, column: column, value: row[column], message: message))
        }
        var code = TrainingGroup.normalizeCode(row["grupo"])
        var group: Group?
        if code.isEmpty {
            if let only = context.onlyGroup { code = only } else { fail("grupo", "falta la clave del grupo") }
        } else if let only = context.onlyGroup, code != only {
            fail("grupo", "este archivo es de las sesiones del grupo \(only); quite las filas de otros grupos")
        }
        if !code.isEmpty, issues.count == before {
            group = TrainingGroup.isValidCode(code) ? context.groups[code] : nil
            if group == nil { fail("grupo", "el grupo no existe; créelo con capacita group import o group create") }
        }
        let date = CalendarDate.parse(row["fecha"])
        if date == nil {
            fail("fecha", "fecha no válida: use AAAA-MM-DD o DD/MM/AAAA")
        } else if let date, let group, date < group.startsOn || date > (group.endsOn ?? group.startsOn) {
            fail(
                "fecha",
                "la fecha está fuera de las del grupo (\(CalendarDate.spanishRange(group.startsOn, group.endsOn)))")
        }
        let startsAt = ClockTime.parse(row["inicio"])
        if startsAt == nil { fail("inicio", "hora no válida: use HH:MM, de 00:00 a 23:59") }
        let endsAt = ClockTime.parse(row["fin"])
        if endsAt == nil {
            fail("fin", "hora no válida: use HH:MM, de 00:00 a 23:59")
        } else if let startsAt, let endsAt, endsAt <= startsAt {
            fail("fin", "la hora de fin debe ser posterior a la de inicio (\(startsAt))")
        }
        let place = self.place(row["lugar"], fail: { fail("lugar", $0) })
        guard issues.count == before, let date, let startsAt, let endsAt else { return nil }
        return GroupSession(
            groupCode: code, date: date, startsAt: startsAt, endsAt: endsAt, place: place, scheduled: true)
    }

    /// A place, or an https:// link; empty is a place not yet known.
    static func place(_ text: String, fail: (String) -> Void) -> SessionPlace? {
        guard !text.isEmpty else { return nil }
        guard text.count <= SessionPlace.limit else {
            fail("admite hasta \(SessionPlace.limit) caracteres")
            return nil
        }
        // A line break or tab from a spreadsheet cell would break a printed list and a CSV.
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            fail("no admite saltos de línea ni tabuladores")
            return nil
        }
        let lowered = text.lowercased()
        if lowered.hasPrefix("http://") {
            fail("los enlaces deben ser https://")
            return nil
        }
        guard lowered.hasPrefix(SessionPlace.linkPrefix) else { return .place(text) }
        let rest = text.dropFirst(SessionPlace.linkPrefix.count)
        guard let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first,
            !host.isEmpty, !text.contains(" ")
        else {
            fail("el enlace no es una dirección https:// completa y sin espacios")
            return nil
        }
        return .link(text)
    }

    /// The same session twice, or two of a group's sessions that overlap on a day.
    static func clashes(_ sessions: [NumberedSession]) -> [ImportIssue] {
        var issues: [ImportIssue] = []
        var byDay: [String: [NumberedSession]] = [:]
        for numbered in sessions {
            let key = numbered.session.groupCode + " " + numbered.session.date.description
            let value = numbered.session.startsAt?.description ?? ""
            var clashed = false
            for earlier in byDay[key] ?? [] {
                guard let start = numbered.session.startsAt, let end = numbered.session.endsAt,
                    let earlierStart = earlier.session.startsAt, let earlierEnd = earlier.session.endsAt
                else { continue }
                if start == earlierStart {
                    issues.append(
                        ImportIssue(
                            line: numbered.line, column: "inicio", value: value,
                            message: "la sesión ya aparece en la línea \(earlier.line)"))
                    clashed = true
                    break
                }
                if start < earlierEnd, earlierStart < end {
                    issues.append(
                        ImportIssue(
                            line: numbered.line, column: "inicio", value: value,
                            message: "se traslapa con la sesión de la línea \(earlier.line)"))
                    clashed = true
                    break
                }
            }
            // Only sessions that do not overlap are kept to compare with: a day holds at most one
            // a minute, so a file of one day repeated costs no more than that per row.
            if !clashed { byDay[key, default: []].append(numbered) }
        }
        return issues
    }
}

/// A session with the line of the file it came from.
public struct NumberedSession: Sendable, Equatable {
    public var line: Int
    public var session: GroupSession

    public init(line: Int, session: GroupSession) {
        self.line = line
        self.session = session
    }
}

import CapacitaFiles

/// Checks the rows of an attendance file one at a time: `curp, grupo, fecha, asistencia`, and
/// `inicio` (HH:MM) to tell apart the sessions of a day that has several. Which session a row names,
/// whether the person is in the group and whether the caller keeps its register need the database
/// (`AttendanceImport` in the store).
public struct AttendanceValidator: Sendable {
    public static let columns: [ColumnSpec] = [
        ColumnSpec("curp", required: true),
        ColumnSpec("grupo", aliases: ["clave_grupo", "group"]),
        ColumnSpec("fecha", aliases: ["dia", "date"], required: true),
        ColumnSpec("inicio", aliases: ["hora_inicio", "hora", "starts_at"]),
        ColumnSpec("asistencia", aliases: ["asistio", "marca", "mark"], required: true),
    ]

    /// The only group of the file (`PUT /v1/groups/{code}/attendance`, the register page): an empty
    /// grupo cell is that group, and a row of another group is refused.
    public let group: String?
    /// The stored group codes.
    public let groups: Set<String>

    public init(group: String?, groups: Set<String>) {
        self.group = group.map(TrainingGroup.normalizeCode)
        self.groups = groups
    }

    public func headerIssues(_ columns: CSVColumns) -> [ImportIssue] {
        guard !columns.has("grupo"), group == nil else { return [] }
        return [ImportIssue(line: columns.line, column: "grupo", value: "", message: "falta la columna «grupo»")]
    }

    public func validate(_ row: CSVRow, issues: inout [ImportIssue]) -> AttendanceRow? {
        let before = issues.count
        func fail(_ column: String, _ message: String, value: String? = nil) {
            issues.append(ImportIssue(line: row.line, column: column, value: value ?? row[column], message: message))
        }
        let curp = Curp.cell(row) { fail($0, $1, value: $2) }
        var code = TrainingGroup.normalizeCode(row["grupo"])
        if code.isEmpty {
            if let group { code = group } else { fail("grupo", "falta la clave del grupo") }
        } else if let group, code != group {
            fail("grupo", "este archivo es del registro del grupo \(group); quite las filas de otros grupos")
        } else if !groups.contains(code) {
            fail("grupo", "el grupo no existe; créelo con capacita group import o group create")
        }
        let date = CalendarDate.parse(row["fecha"])
        if date == nil { fail("fecha", "fecha no válida: use AAAA-MM-DD o DD/MM/AAAA") }
        var startsAt: ClockTime?
        let startText = row["inicio"]
        if !startText.isEmpty {
            startsAt = ClockTime.parse(startText)
            if startsAt == nil { fail("inicio", "hora no válida: use HH:MM, de 00:00 a 23:59") }
        }
        let markText = row["asistencia"]
        let mark = AttendanceMark.parse(markText)
        if markText.isEmpty {
            fail("asistencia", "falta la asistencia: sí, no o justificada")
        } else if mark == nil {
            fail("asistencia", "asistencia no válida: escriba sí, no o justificada (también 1 o 0)")
        }
        guard issues.count == before, let curp, let date, let mark, !code.isEmpty else { return nil }
        return AttendanceRow(line: row.line, curp: curp, groupCode: code, date: date, startsAt: startsAt, mark: mark)
    }
}

/// A checked row of an attendance file: a person's mark in the session of a group on a day (at a
/// start, when given).
public struct AttendanceRow: Sendable, Equatable {
    public var line: Int
    public var curp: Curp
    public var groupCode: String
    public var date: CalendarDate
    public var startsAt: ClockTime?
    public var mark: AttendanceMark

    public init(
        line: Int, curp: Curp, groupCode: String, date: CalendarDate, startsAt: ClockTime?, mark: AttendanceMark
    ) {
        self.line = line
        self.curp = curp
        self.groupCode = groupCode
        self.date = date
        self.startsAt = startsAt
        self.mark = mark
    }
}

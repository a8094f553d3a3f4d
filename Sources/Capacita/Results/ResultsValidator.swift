import CapacitaFiles

/// Checks the rows of a results file one at a time. Only curp and grupo are required: a later file
/// may complete earlier results. An empty cell keeps what is stored; the word `borrar` clears it.
public struct ResultsValidator: Sendable {
    /// What a cell says to clear a stored value. A word no spreadsheet writes by accident
    /// (a lone "-" is how Excel users often write "no data").
    public static let clearMarker = "borrar"

    public static let columns: [ColumnSpec] = [
        ColumnSpec("curp", required: true),
        ColumnSpec("grupo"),
        ColumnSpec("asistencia", aliases: ["asistencia_pct", "porcentaje_asistencia"]),
        ColumnSpec("pre", aliases: ["pre_test", "pretest", "evaluacion_pre"]),
        ColumnSpec("post", aliases: ["post_test", "postest", "posttest", "evaluacion_post"]),
        ColumnSpec("calificacion", aliases: ["calificacion_final", "final"]),
        ColumnSpec("reaccion_metodologia", aliases: ["metodologia"]),
        ColumnSpec("reaccion_instructores", aliases: ["instructores"]),
        ColumnSpec("reaccion_contenidos", aliases: ["contenidos"]),
        ColumnSpec("reaccion_infraestructura", aliases: ["infraestructura"]),
    ]

    /// `--group`: the group of every row; a grupo cell must agree.
    public let group: String?
    public let groups: Set<String>

    public init(group: String?, groups: Set<String>) {
        self.group = group.map(TrainingGroup.normalizeCode)
        self.groups = groups
    }

    public func headerIssues(_ columns: CSVColumns) -> [ImportIssue] {
        guard !columns.has("grupo"), group == nil else { return [] }
        return [
            ImportIssue(
                line: columns.line, column: "grupo", value: "",
                message: "falta la columna «grupo»; o indique el grupo (--group; group= en el servicio)"
            )
        ]
    }

    public func validate(_ row: CSVRow, issues: inout [ImportIssue]) -> ResultRow? {
        let before = issues.count
        func fail(_ column: String, _ message: String, value: String? = nil) {
            issues.append(ImportIssue(line: row.line, column: column, value: value ?? row[column], message: message))
        }
        let curp = Curp.cell(row) { fail($0, $1, value: $2) }
        let groupCode = GroupReference.resolve(row, option: group, groups: groups, fail: fail)
        var changes: [ResultMeasure: MeasureChange] = [:]
        for measure in ResultMeasure.allCases {
            let text = row[measure.rawValue]
            if text.isEmpty { continue }
            if NameKey.make(text) == Self.clearMarker {
                changes[measure] = .clear
                continue
            }
            guard let value = Self.number(text), measure.range.contains(value) else {
                fail(
                    measure.rawValue,
                    measure.isReaction ? "debe ser un número entero de 1 a 5" : "debe ser un número de 0 a 100")
                continue
            }
            if measure.isReaction, value != value.rounded() {
                fail(measure.rawValue, "debe ser un número entero de 1 a 5")
                continue
            }
            changes[measure] = .set(value)
        }
        guard issues.count == before, let curp, let groupCode else { return nil }
        return ResultRow(line: row.line, curp: curp, groupCode: groupCode, changes: changes)
    }

    /// A decimal with a comma or a dot ("85,5" or "85.5"), and an optional percent sign.
    static func number(_ text: String) -> Double? {
        var cleaned = text.replacingOccurrences(of: ",", with: ".")
        if cleaned.hasSuffix("%") { cleaned.removeLast() }
        guard let value = Double(cleaned.trimmingSpaces()), value.isFinite else { return nil }
        return value
    }
}

import CapacitaFiles

/// Reads a groups file: `grupo, curso, tipo, dependencia, inicio, fin, modalidad, entidad, cupo,
/// publico_general, servidores_publicos, formato, aliado` (the last two optional: how the event was
/// given and the organisation that gave it).
public enum GroupFile {
    public static let columns: [ColumnSpec] = [
        ColumnSpec("grupo", aliases: ["codigo", "clave", "clave_grupo", "group"], required: true),
        ColumnSpec("curso", aliases: ["codigo_curso", "course"]),
        ColumnSpec("tipo", aliases: ["tipo_evento", "kind"]),
        ColumnSpec("dependencia", aliases: ["instancia", "agency"], required: true),
        ColumnSpec("inicio", aliases: ["fecha_inicio", "start"], required: true),
        ColumnSpec("fin", aliases: ["fecha_fin", "termino", "end"]),
        ColumnSpec("modalidad", aliases: ["modality"]),
        ColumnSpec("entidad", aliases: ["estado", "state"]),
        ColumnSpec("cupo", aliases: ["capacidad", "capacity"]),
        ColumnSpec("publico_general", aliases: ["general_public"]),
        ColumnSpec("servidores_publicos", aliases: ["public_servants"]),
        ColumnSpec("formato", aliases: ["formato_del_evento", "format"]),
        ColumnSpec(
            "aliado", aliases: ["aliada", "socio", "impartido_por", "impartida_por", "organizacion_aliada", "partner"]),
    ]

    /// What a row is checked against.
    public struct Context: Sendable {
        public var registry: AgencyRegistry
        public var catalog: Catalog

        public init(registry: AgencyRegistry, catalog: Catalog) {
            self.registry = registry
            self.catalog = catalog
        }
    }

    /// Every group of the file, or every problem in it (line, column, value, message).
    public static func parse(_ bytes: [UInt8], context: Context) -> Result<[NumberedGroup], ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        var groups: [NumberedGroup] = []
        var lineOfCode: [String: Int] = [:]
        for row in document.rows {
            let code = TrainingGroup.normalizeCode(row["grupo"])
            if !code.isEmpty {
                if let earlier = lineOfCode[code] {
                    issues.append(
                        ImportIssue(
                            line: row.line, column: "grupo", value: row["grupo"],
                            message: "el grupo ya aparece en la línea \(earlier)"))
                    continue
                }
                lineOfCode[code] = row.line
            }
            guard let group = validate(row, context: context, issues: &issues) else { continue }
            groups.append(NumberedGroup(line: row.line, group: group))
        }
        if document.rows.isEmpty, issues.isEmpty {
            issues.append(ImportIssue(line: 1, column: "", value: "", message: "el archivo no tiene filas de datos"))
        }
        return issues.isEmpty ? .success(groups) : .failure(ImportIssues(issues))
    }

    /// Checks one row; appends its problems and returns nil when it has any.
    public static func validate(_ row: CSVRow, context: Context, issues: inout [ImportIssue]) -> TrainingGroup? {
        let before = issues.count
        func fail(_ column: String, _ message: String) {
            issues.append(ImportIssue(line: row.line, column: column, value: row[column], message: message))
        }
        let code = TrainingGroup.normalizeCode(row["grupo"])
        if code.isEmpty {
            fail("grupo", "falta la clave del grupo")
        } else if !TrainingGroup.isValidCode(code) {
            fail(
                "grupo",
                "la clave admite letras sin acento, dígitos, «-», «_» y «.», hasta \(TrainingGroup.codeLimit) caracteres"
            )
        }
        var course: Course?
        let courseCode = row["curso"].uppercased()
        if !courseCode.isEmpty {
            course = context.catalog.course(courseCode)
            if course == nil { fail("curso", "no es un curso del catálogo") }
        }
        var kind = course?.kind
        if !row["tipo"].isEmpty {
            if let written = CellParsing.kind(row["tipo"]) {
                if let derived = course?.kind, derived != written {
                    fail("tipo", "el curso \(courseCode) es de \(derived.rawValue)")
                }
                kind = kind ?? written
            } else {
                fail("tipo", "debe ser capacitacion o sensibilizacion")
            }
        } else if courseCode.isEmpty {
            fail("tipo", "sin curso del catálogo, indique capacitacion o sensibilizacion")
        }
        var agencyCode: String?
        switch context.registry.lookup(row["dependencia"]) {
        case .success(let agency): agencyCode = agency.code
        case .failure(let failure): fail("dependencia", failure.message)
        }
        let startsOn = CalendarDate.parse(row["inicio"])
        if startsOn == nil { fail("inicio", "fecha no válida: use AAAA-MM-DD o DD/MM/AAAA") }
        var endsOn: CalendarDate?
        if !row["fin"].isEmpty {
            endsOn = CalendarDate.parse(row["fin"])
            if endsOn == nil {
                fail("fin", "fecha no válida: use AAAA-MM-DD o DD/MM/AAAA")
            } else if let startsOn, let end = endsOn, end < startsOn {
                fail("fin", "la fecha de fin es anterior a la de inicio")
            }
        }
        var modality: Modality?
        if !row["modalidad"].isEmpty {
            modality = CellParsing.modality(row["modalidad"])
            if modality == nil {
                fail("modalidad", "debe ser presencial, en_linea o mixta")
            } else if let course, let chosen = modality, !course.modalities.contains(chosen) {
                fail("modalidad", "el curso \(course.code) no se imparte en modalidad \(chosen.rawValue)")
            }
        }
        let state = row["entidad"].isEmpty ? nil : row["entidad"].uppercased()
        if let state, !StateCode.isState(state) {
            fail("entidad", "entidad desconocida: use la clave de dos letras (DF, JC, NL, …)")
        }
        var capacity = course?.maxGroupSize(for: modality)
        if !row["cupo"].isEmpty {
            if let value = CellParsing.count(row["cupo"]), value > 0 {
                if let course, value > course.maxGroupSize(for: modality) {
                    fail(
                        "cupo",
                        "el cupo máximo del curso \(course.code)\(modality.map { " en modalidad \($0.rawValue)" } ?? "") es "
                            + "\(course.maxGroupSize(for: modality))")
                }
                capacity = value
            } else {
                fail("cupo", "debe ser un número entero mayor que cero")
            }
        }
        func count(_ column: String) -> Int {
            guard !row[column].isEmpty else { return 0 }
            guard let value = CellParsing.count(row[column]) else {
                fail(column, "debe ser un número entero no negativo")
                return 0
            }
            return value
        }
        let generalPublic = count("publico_general")
        let publicServants = count("servidores_publicos")
        var format: EventFormat?
        if !row["formato"].isEmpty {
            format = EventFormat.parse(row["formato"])
            if format == nil { fail("formato", "formato desconocido: use \(EventFormat.choices)") }
        }
        if let problem = EventPartner.problem(row["aliado"]) { fail("aliado", problem) }
        guard issues.count == before, let kind, let agencyCode, let startsOn else { return nil }
        return TrainingGroup(
            code: code, courseCode: course?.code, kind: kind, agencyCode: agencyCode, startsOn: startsOn,
            endsOn: endsOn, modality: modality, state: state, capacity: capacity,
            generalPublic: generalPublic, publicServants: publicServants, format: format,
            partner: EventPartner.cleaned(row["aliado"]))
    }
}

/// A group with the line of the file it came from, so later checks can point at it.
public struct NumberedGroup: Sendable, Equatable {
    public var line: Int
    public var group: TrainingGroup

    public init(line: Int, group: TrainingGroup) {
        self.line = line
        self.group = group
    }
}

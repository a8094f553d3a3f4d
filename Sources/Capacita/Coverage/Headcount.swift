import CapacitaFiles

/// An agency's staff per tier in a year.
public struct Headcount: Sendable, Equatable, Codable {
    public var agencyCode: String
    public var year: Int
    public var alto: Int
    public var medio: Int
    public var operativo: Int

    public init(agencyCode: String, year: Int, alto: Int, medio: Int, operativo: Int) {
        self.agencyCode = agencyCode
        self.year = year
        self.alto = alto
        self.medio = medio
        self.operativo = operativo
    }

    public subscript(tier: Tier) -> Int {
        switch tier {
        case .alto: return alto
        case .medio: return medio
        case .operativo: return operativo
        }
    }

    public var total: Int { alto + medio + operativo }
}

/// Reads a headcount file: `dependencia, anio, alto, medio, operativo`.
public enum HeadcountFile {
    public static let columns: [ColumnSpec] = [
        ColumnSpec("dependencia", aliases: ["instancia", "agency"], required: true),
        ColumnSpec("anio", aliases: ["año", "ano", "year", "ejercicio"], required: true),
        ColumnSpec("alto", aliases: ["mandos_altos", "mando_alto"], required: true),
        ColumnSpec("medio", aliases: ["mandos_medios", "mando_medio"], required: true),
        ColumnSpec("operativo", aliases: ["operativos", "personal_operativo"], required: true),
    ]

    /// Years a headcount may be for.
    public static let years = 2000...2100

    public static func parse(_ bytes: [UInt8], registry: AgencyRegistry) -> Result<
        [(line: Int, headcount: Headcount)], ImportIssues
    > {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        var rows: [(line: Int, headcount: Headcount)] = []
        var seen: [String: Int] = [:]
        for row in document.rows {
            let before = issues.count
            func fail(_ column: String, _ message: String) {
                issues.append(ImportIssue(line: row.line, column: column, value: row[column], message: message))
            }
            var agency: String?
            switch registry.lookup(row["dependencia"]) {
            case .success(let found): agency = found.code
            case .failure(let failure): fail("dependencia", failure.message)
            }
            let year = Int(row["anio"])
            if !(year.map(years.contains) ?? false) { fail("anio", "año no válido") }
            var counts: [Int] = []
            for column in ["alto", "medio", "operativo"] {
                if let value = CellParsing.count(row[column]) {
                    counts.append(value)
                } else {
                    fail(column, "debe ser un número entero no negativo")
                }
            }
            guard issues.count == before, let agency, let year, counts.count == 3 else { continue }
            let key = "\(agency)/\(year)"
            if let earlier = seen[key] {
                fail("dependencia", "la instancia \(agency) ya tiene plantilla de \(year) en la línea \(earlier)")
                continue
            }
            seen[key] = row.line
            rows.append(
                (
                    row.line,
                    Headcount(agencyCode: agency, year: year, alto: counts[0], medio: counts[1], operativo: counts[2])
                ))
        }
        if document.rows.isEmpty, issues.isEmpty {
            issues.append(ImportIssue(line: 1, column: "", value: "", message: "el archivo no tiene filas de datos"))
        }
        return issues.isEmpty ? .success(rows) : .failure(ImportIssues(issues))
    }
}

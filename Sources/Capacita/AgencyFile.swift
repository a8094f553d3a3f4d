import CapacitaFiles

/// Reads the agency registry file (db/seed/agencies.csv and files shaped like it):
/// `codigo,nombre,nombres_anteriores,orden,entidad,cuenta_en_indicador`, former names separated by `|`.
public enum AgencyFile {
    public static let columns: [ColumnSpec] = [
        ColumnSpec("codigo", aliases: ["code", "clave"], required: true),
        ColumnSpec("nombre", aliases: ["name"], required: true),
        ColumnSpec("nombres_anteriores", aliases: ["former_names", "alias", "aliases"]),
        ColumnSpec("orden", aliases: ["orden_de_gobierno", "order"], required: true),
        ColumnSpec("entidad", aliases: ["estado", "state"]),
        ColumnSpec("cuenta_en_indicador", aliases: ["counts_in_indicator", "indicador"], required: true),
    ]

    /// The agencies in a file, or every problem found in it. `existing` is the registry as stored:
    /// a name may not be given to two agencies, counting those the file does not mention.
    public static func parse(_ bytes: [UInt8], existing: [Agency] = []) -> Result<[Agency], ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        var agencies: [Agency] = []
        var lineOfCode: [String: Int] = [:]
        for row in document.rows {
            if let agency = agency(from: row, issues: &issues) {
                if let earlier = lineOfCode[agency.code] {
                    issues.append(
                        ImportIssue(
                            line: row.line, column: "codigo", value: agency.code,
                            message: "el código ya aparece en la línea \(earlier)"))
                    continue
                }
                lineOfCode[agency.code] = row.line
                agencies.append(agency)
            }
        }
        if document.rows.isEmpty && issues.isEmpty {
            issues.append(ImportIssue(line: 1, column: "", value: "", message: "el archivo no tiene filas de datos"))
        }
        issues += nameClashes(agencies, lines: lineOfCode, existing: existing)
        return issues.isEmpty ? .success(agencies) : .failure(ImportIssues(issues))
    }

    private static func agency(from row: CSVRow, issues: inout [ImportIssue]) -> Agency? {
        let before = issues.count
        let code = row["codigo"].uppercased()
        if code.isEmpty {
            issues.append(ImportIssue(line: row.line, column: "codigo", value: "", message: "el código está vacío"))
        } else if !code.unicodeScalars.allSatisfy({
            ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }) {
            issues.append(
                ImportIssue(
                    line: row.line, column: "codigo", value: code,
                    message: "el código solo admite letras A-Z sin acentos, dígitos, guion y guion bajo"))
        }
        let name = row["nombre"]
        if name.isEmpty {
            issues.append(ImportIssue(line: row.line, column: "nombre", value: "", message: "el nombre está vacío"))
        }
        var formerNames: [String] = []
        for part in row["nombres_anteriores"].split(separator: "|") {
            let former = String(part).trimmingSpaces()
            if !former.isEmpty, !formerNames.contains(former) { formerNames.append(former) }
        }
        let order = GovernmentOrder(rawValue: NameKey.make(row["orden"]))
        if order == nil {
            issues.append(
                ImportIssue(
                    line: row.line, column: "orden", value: row["orden"],
                    message: "el orden de gobierno debe ser federal, estatal o municipal"))
        }
        let stateText = row["entidad"].uppercased()
        let state: String? = stateText.isEmpty ? nil : stateText
        if let state, !StateCode.isState(state) {
            issues.append(
                ImportIssue(
                    line: row.line, column: "entidad", value: row["entidad"],
                    message: "entidad desconocida: use la clave de dos letras de la CURP (DF, JC, NL, …)"))
        } else if order == .federal, state != nil {
            issues.append(
                ImportIssue(
                    line: row.line, column: "entidad", value: row["entidad"],
                    message: "una instancia federal no lleva entidad"))
        } else if let order, order != .federal, state == nil {
            issues.append(
                ImportIssue(
                    line: row.line, column: "entidad", value: "",
                    message: "una instancia \(order.rawValue) necesita la clave de su entidad"))
        }
        let counts = YesNo.parse(row["cuenta_en_indicador"])
        if counts == nil {
            issues.append(
                ImportIssue(
                    line: row.line, column: "cuenta_en_indicador", value: row["cuenta_en_indicador"],
                    message: "debe ser sí o no (true/false, 1/0)"))
        }
        guard issues.count == before, let order, let counts else { return nil }
        return Agency(
            code: code, name: name, formerNames: formerNames, order: order, state: state, countsInIndicator: counts)
    }

    /// Names (codes, current and former names, compared as keys) that would point to two agencies.
    private static func nameClashes(_ agencies: [Agency], lines: [String: Int], existing: [Agency]) -> [ImportIssue] {
        var owner: [String: String] = [:]
        let incoming = Set(agencies.map(\.code))
        for agency in existing where !incoming.contains(agency.code) {
            for name in agency.allNames { owner[NameKey.make(name)] = agency.code }
        }
        var issues: [ImportIssue] = []
        for agency in agencies {
            for name in agency.allNames {
                let key = NameKey.make(name)
                if let other = owner[key], other != agency.code {
                    issues.append(
                        ImportIssue(
                            line: lines[agency.code] ?? 0,
                            column: name == agency.name ? "nombre" : "nombres_anteriores",
                            value: name, message: "el nombre ya identifica a la instancia \(other)"))
                } else {
                    owner[key] = agency.code
                }
            }
        }
        return issues
    }
}

/// Yes/no cells as people write them.
public enum YesNo {
    public static func parse(_ text: String) -> Bool? {
        switch NameKey.make(text) {
        case "true", "t", "si", "s", "1", "yes", "y", "verdadero", "x": return true
        case "false", "f", "no", "n", "0", "falso": return false
        default: return nil
        }
    }
}

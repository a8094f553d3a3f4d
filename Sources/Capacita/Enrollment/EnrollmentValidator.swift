import CapacitaFiles

/// Checks the rows of an enrollment file one at a time, as the file streams. What needs the whole
/// file or the database (the same person twice, a full group, prerequisites) is checked after,
/// on the staged rows.
public struct EnrollmentValidator: Sendable {
    public static let columns: [ColumnSpec] = [
        ColumnSpec("curp", required: true),
        ColumnSpec("nombre", aliases: ["nombres", "nombre_s"], required: true),
        ColumnSpec("primer_apellido", aliases: ["apellido_paterno", "paterno"], required: true),
        ColumnSpec("segundo_apellido", aliases: ["apellido_materno", "materno"]),
        ColumnSpec("sexo"),
        ColumnSpec("correo", aliases: ["correo_electronico", "email", "e_mail"]),
        ColumnSpec("dependencia", aliases: ["instancia"]),
        ColumnSpec("nivel", aliases: ["tier", "nivel_de_mando"], required: true),
        ColumnSpec("puesto", aliases: ["cargo"]),
        ColumnSpec("grupo"),
    ]

    public let registry: AgencyRegistry
    public let tiers: TierTable
    /// `--agency`: every row belongs to it; a dependencia cell must agree.
    public let agency: Agency?
    /// `--group`: every row joins it; a grupo cell must agree.
    public let group: String?
    /// The groups that exist, by code; nil when the import checks them against the database after
    /// staging, set-based (loading every code of a large registry cost a small upload 40 ms).
    public let groups: Set<String>?

    // Cells repeat thousands of times in one file; resolve each distinct text once.
    private var agencyCache: [String: Result<String, ImportIssueMessage>] = [:]
    private var tierCache: [String: Tier?] = [:]

    public init(registry: AgencyRegistry, tiers: TierTable, agency: Agency?, group: String?, groups: Set<String>?) {
        self.registry = registry
        self.tiers = tiers
        self.agency = agency
        self.group = group.map(TrainingGroup.normalizeCode)
        self.groups = groups
    }

    /// Header problems beyond missing columns: a file without grupo needs `--group`, one without
    /// dependencia needs `--agency`.
    public func headerIssues(_ columns: CSVColumns) -> [ImportIssue] {
        var issues: [ImportIssue] = []
        if !columns.has("grupo"), group == nil {
            issues.append(
                ImportIssue(
                    line: columns.line, column: "grupo", value: "",
                    message: "falta la columna «grupo»; o indique el grupo (--group; group= en el servicio)"))
        }
        if !columns.has("dependencia"), agency == nil {
            issues.append(
                ImportIssue(
                    line: columns.line, column: "dependencia", value: "",
                    message: "falta la columna «dependencia»; o indique la instancia (--agency; agency= en el servicio)"
                ))
        }
        return issues
    }

    /// Checks one row, appending its problems; nil when it has any.
    public mutating func validate(_ row: CSVRow, issues: inout [ImportIssue]) -> EnrollmentRow? {
        let before = issues.count
        func fail(_ column: String, _ message: String, value: String? = nil) {
            issues.append(ImportIssue(line: row.line, column: column, value: value ?? row[column], message: message))
        }
        let curp = Curp.cell(row) { fail($0, $1, value: $2) }
        let givenNames = row["nombre"]
        if givenNames.isEmpty { fail("nombre", "falta el nombre") }
        let firstSurname = row["primer_apellido"]
        if firstSurname.isEmpty { fail("primer_apellido", "falta el primer apellido") }
        let secondSurname = row["segundo_apellido"]
        // A tab or line break inside a name is an Excel accident, never part of the name; so are
        // invisible characters, and a name without a letter is not a name.
        for (column, text) in [
            ("nombre", givenNames), ("primer_apellido", firstSurname), ("segundo_apellido", secondSurname),
        ] {
            if let problem = CellText.nameProblem(text) { fail(column, problem) }
        }
        var sex = curp?.sex
        if !row["sexo"].isEmpty {
            if let written = CellParsing.sex(row["sexo"]) {
                if let fromCurp = curp?.sex, fromCurp != written {
                    fail("sexo", "no coincide con el sexo de la CURP (\(fromCurp.rawValue))")
                }
                sex = sex ?? written
            } else {
                fail("sexo", "debe ser H, M o X")
            }
        }
        let email = row["correo"]
        if !email.isEmpty, email.utf8.count > CellText.emailLimit || !CellParsing.isPlausibleEmail(email) {
            fail("correo", "no parece una dirección de correo")
        }
        let agencyCode = resolveAgency(row, fail: fail)
        var tier: Tier?
        let tierText = row["nivel"]
        if tierText.isEmpty {
            fail("nivel", "falta el nivel (alto, medio, operativo, o un grado G a P, enlace o base)")
        } else {
            if let cached = tierCache[tierText] {
                tier = cached
            } else {
                tier = tiers.tier(for: tierText)
                tierCache[tierText] = tier
            }
            if tier == nil {
                fail("nivel", "nivel desconocido: use alto, medio, operativo, un grado G a P, enlace o base")
            }
        }
        let position = row["puesto"]
        if let problem = CellText.textProblem(position, limit: CellText.positionLimit, lineBreaks: true) {
            fail("puesto", problem)
        }
        let groupCode = GroupReference.resolve(row, option: group, groups: groups, fail: fail)
        guard issues.count == before, let curp, let sex, let agencyCode, let tier, let groupCode else { return nil }
        return EnrollmentRow(
            line: row.line, curp: curp, givenNames: givenNames, firstSurname: firstSurname,
            secondSurname: secondSurname.isEmpty ? nil : secondSurname, sex: sex,
            email: email.isEmpty ? nil : email, agencyCode: agencyCode, tier: tier,
            position: position.isEmpty ? nil : position, groupCode: groupCode)
    }

    private mutating func resolveAgency(_ row: CSVRow, fail: (String, String, String?) -> Void) -> String? {
        let text = row["dependencia"]
        guard !text.isEmpty else {
            if let agency { return agency.code }
            fail("dependencia", "falta la dependencia; o indique la instancia (--agency; agency= en el servicio)", nil)
            return nil
        }
        let result: Result<String, ImportIssueMessage>
        if let cached = agencyCache[text] {
            result = cached
        } else {
            switch registry.lookup(text) {
            case .success(let found):
                if let agency, agency.code != found.code {
                    result = .failure(
                        ImportIssueMessage(
                            text: "no coincide con la instancia indicada (--agency o agency=), \(agency.code)"))
                } else {
                    result = .success(found.code)
                }
            case .failure(let failure):
                result = .failure(ImportIssueMessage(text: failure.message))
            }
            agencyCache[text] = result
        }
        switch result {
        case .success(let code): return code
        case .failure(let message):
            fail("dependencia", message.text, nil)
            return nil
        }
    }
}

/// A message kept in a cache of results.
struct ImportIssueMessage: Error, Sendable, Equatable {
    var text: String
}

import CapacitaFiles

/// One year's count of actions with the document it comes from: a row of the seed files
/// `anio,acciones,fuente` (published training actions, programmed actions).
public struct YearCount: Sendable, Equatable {
    public var year: Int
    public var actions: Int
    public var source: String

    public init(year: Int, actions: Int, source: String) {
        self.year = year
        self.actions = actions
        self.source = source
    }
}

/// The reading both seed files share: a year at most once, within the programme's years up to
/// `currentYear`; a count `countProblem` accepts; a source named, within `sourceLimit`.
enum YearCountFile {
    static func parse(
        _ bytes: [UInt8], columns: [ColumnSpec], currentYear: Int, sourceLimit: Int,
        countProblem: (Int?) -> String?
    ) -> Result<[YearCount], ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        var counts: [YearCount] = []
        var lineOfYear: [Int: Int] = [:]
        for row in document.rows {
            let before = issues.count
            func fail(_ column: String, _ message: String) {
                issues.append(ImportIssue(line: row.line, column: column, value: row[column], message: message))
            }
            var year: Int?
            switch ReportYears.year(row["anio"], currentYear: currentYear) {
            case .success(let value):
                if let earlier = lineOfYear[value] {
                    fail("anio", "el año ya aparece en la línea \(earlier)")
                } else {
                    year = value
                    lineOfYear[value] = row.line
                }
            case .failure(let problem): fail("anio", problem.description)
            }
            let actions = CellParsing.count(row["acciones"])
            if let problem = countProblem(actions) { fail("acciones", problem) }
            let source = row["fuente"]
            if source.isEmpty {
                fail("fuente", "falta el documento de donde viene la cifra")
            } else if let problem = CellText.textProblem(source, limit: sourceLimit) {
                fail("fuente", problem)
            }
            guard issues.count == before, let year, let actions else { continue }
            counts.append(YearCount(year: year, actions: actions, source: source))
        }
        return issues.isEmpty ? .success(counts) : .failure(ImportIssues(issues))
    }
}

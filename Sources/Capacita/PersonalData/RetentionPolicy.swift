import CapacitaFiles

/// How long a person's data is kept after their last activity (the last day of their groups, or
/// the last change to their record or enrollments): data, in `db/seed/retencion.csv`, with the
/// provision or assumption it rests on. Past it, `capacita persona retention --apply` (or the
/// service, when scheduled) cancels their identity as a cancellation request would, keeping the
/// figures under a surrogate.
///
/// The default, 5 years, is an assumption, and the file says so: the LGPDPPSO asks that personal
/// data be kept only as long as the purposes that justified it require, and then deleted (after
/// blocking, following the archive rules that apply); no rule of the programme fixes the number.
public struct RetentionPolicy: Sendable, Equatable {
    public var years: Int
    /// The provision or assumption the number rests on, as the file says it.
    public var basis: String

    public init(years: Int, basis: String) {
        self.years = years
        self.basis = basis
    }

    public static let seedFile = "db/seed/retencion.csv"
    public static let yearLimit = 1...100
    public static let basisLimit = 1000

    public static let columns: [ColumnSpec] = [
        ColumnSpec("anios", aliases: ["ano", "years"], required: true),
        ColumnSpec("fundamento", aliases: ["basis", "fuente"], required: true),
    ]

    /// The first day whose activity is recent enough: a person whose last activity is before it
    /// is due. The same day of the year, `years` earlier (29 February falls back to the 28th).
    public func cutoff(today: CalendarDate) -> CalendarDate {
        CalendarDate(clamping: today.year - years, month: today.month, day: today.day)
    }

    /// The one row of the file, or its problems.
    public static func parse(_ bytes: [UInt8]) -> Result<RetentionPolicy, ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        guard issues.isEmpty else { return .failure(ImportIssues(issues)) }
        guard document.rows.count == 1, let row = document.rows.first else {
            return .failure(
                ImportIssues([
                    ImportIssue(
                        line: 0, column: "anios", value: "",
                        message: "el archivo tiene una fila: los años y su fundamento")
                ]))
        }
        let years = Int(row["anios"])
        if years.map({ !yearLimit.contains($0) }) ?? true {
            issues.append(
                ImportIssue(
                    line: row.line, column: "anios", value: row["anios"],
                    message: "un número de años de \(yearLimit.lowerBound) a \(yearLimit.upperBound)"))
        }
        let basis = row["fundamento"]
        if basis.isEmpty {
            issues.append(
                ImportIssue(
                    line: row.line, column: "fundamento", value: "",
                    message: "falta la norma o el supuesto en que descansa el número"))
        } else if let problem = CellText.textProblem(basis, limit: basisLimit) {
            issues.append(ImportIssue(line: row.line, column: "fundamento", value: basis, message: problem))
        }
        guard issues.isEmpty, let years else { return .failure(ImportIssues(issues)) }
        return .success(RetentionPolicy(years: years, basis: basis))
    }
}

import CapacitaFiles

/// The days a legal term counts: Monday to Friday, less the official non-working days, which are
/// data (`db/seed/dias-inhabiles.csv`: the mandatory rest days of the Ley Federal del Trabajo,
/// art. 74, by default; the Unidad de Transparencia adds the days its own calendar closes).
public struct WorkingCalendar: Sendable, Equatable {
    public struct Holiday: Sendable, Equatable {
        public var date: CalendarDate
        public var reason: String
        public var source: String

        public init(date: CalendarDate, reason: String, source: String) {
            self.date = date
            self.reason = reason
            self.source = source
        }
    }

    public var holidays: [CalendarDate: Holiday]

    public init(_ holidays: [Holiday] = []) {
        self.holidays = Dictionary(holidays.map { ($0.date, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Where the calendar is kept, from the project's root.
    public static let seedFile = "db/seed/dias-inhabiles.csv"
    /// A reason or a source: a phrase, a law's name with its article.
    public static let textLimit = 200
    /// The calendar is a list of days, not a file of any size.
    public static let maxRows = 2000

    public static let columns: [ColumnSpec] = [
        ColumnSpec("fecha", aliases: ["date", "dia"], required: true),
        ColumnSpec("motivo", aliases: ["reason"], required: true),
        ColumnSpec("fuente", aliases: ["source"], required: true),
    ]

    public func isWorkingDay(_ day: CalendarDate) -> Bool {
        day.weekday <= 5 && holidays[day] == nil
    }

    /// The `count`th working day after `day`: a term counted from the day after the request was
    /// received, whatever day that was (LGPDPPSO: «contados a partir del día siguiente a la
    /// recepción de la solicitud»).
    public func adding(workingDays count: Int, after day: CalendarDate) -> CalendarDate {
        var current = day
        var left = max(count, 0)
        while left > 0 {
            current = current.adding(days: 1)
            if isWorkingDay(current) { left -= 1 }
        }
        return current
    }

    /// Every row, or every problem (line, column, value, message): a day once, a real date, a
    /// reason and its source named.
    public static func parse(_ bytes: [UInt8]) -> Result<WorkingCalendar, ImportIssues> {
        let document = CSVDocument(bytes: bytes, specs: columns)
        var issues = document.issues
        guard document.rows.count <= maxRows else {
            return .failure(
                ImportIssues([
                    ImportIssue(
                        line: 0, column: "fecha", value: "",
                        message: "el calendario tiene más de \(maxRows) días; ¿es el archivo correcto?")
                ]))
        }
        var holidays: [Holiday] = []
        var lineOfDay: [CalendarDate: Int] = [:]
        for row in document.rows {
            let before = issues.count
            func fail(_ column: String, _ message: String) {
                issues.append(ImportIssue(line: row.line, column: column, value: row[column], message: message))
            }
            let date = CalendarDate.parse(row["fecha"])
            if let date {
                if let earlier = lineOfDay[date] {
                    fail("fecha", "el día ya aparece en la línea \(earlier)")
                } else {
                    lineOfDay[date] = row.line
                }
            } else {
                fail("fecha", "no es una fecha (AAAA-MM-DD)")
            }
            for column in ["motivo", "fuente"] {
                if row[column].isEmpty {
                    fail(
                        column, column == "motivo" ? "falta el motivo" : "falta la norma o el documento de donde viene")
                } else if let problem = CellText.textProblem(row[column], limit: textLimit) {
                    fail(column, problem)
                }
            }
            guard issues.count == before, let date else { continue }
            holidays.append(Holiday(date: date, reason: row["motivo"], source: row["fuente"]))
        }
        return issues.isEmpty ? .success(WorkingCalendar(holidays)) : .failure(ImportIssues(issues))
    }
}

extension CalendarDate {
    /// Days since 1970-01-01 (negative before), by the civil calendar's arithmetic
    /// (Howard Hinnant's days_from_civil): no Foundation calendar, no time zone.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The day `dayNumber` days after 1970-01-01, within the years a `CalendarDate` holds.
    public init(dayNumber: Int) {
        let z = dayNumber + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(clamping: year, month: month, day: day)
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// ISO 8601's weekday: 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
    public var weekday: Int {
        let fromMonday = (dayNumber + 3) % 7
        return (fromMonday < 0 ? fromMonday + 7 : fromMonday) + 1
    }
}

import CapacitaFiles

/// A day of the Gregorian calendar, without time or zone: course dates and birth dates.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// nil when the day does not exist (31 April, 29 February of a common year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CalendarDate.days(inMonth: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The nearest day that exists: each part brought within its bounds (for days built from
    /// numbers already checked, such as a quarter's first and last).
    public init(clamping year: Int, month: Int, day: Int) {
        self.year = min(max(year, 1), 9999)
        self.month = min(max(month, 1), 12)
        self.day = min(max(day, 1), CalendarDate.days(inMonth: self.month, year: self.year))
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO 8601: 2024-03-05.
    public var description: String {
        let pad = { (value: Int, width: Int) -> String in
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Reads YYYY-MM-DD or DD/MM/YYYY (as Excel writes dates in Mexico; D/M/YYYY too).
    public static func parse(_ text: String) -> CalendarDate? {
        let trimmed = text.trimmingSpaces()
        if trimmed.contains("-") {
            let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), (1...2).contains(parts[1].count),
                let month = Int(parts[1]), (1...2).contains(parts[2].count), let day = Int(parts[2])
            else { return nil }
            return CalendarDate(year: year, month: month, day: day)
        }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), let day = Int(parts[0]),
            (1...2).contains(parts[1].count), let month = Int(parts[1]),
            parts[2].count == 4, let year = Int(parts[2])
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CalendarDate {
    public static let spanishMonths = [
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
        "noviembre", "diciembre",
    ]

    /// "4 de marzo de 2024".
    public var spanishLong: String { "\(day) de \(Self.spanishMonths[month - 1]) de \(year)" }

    /// A course's dates as a constancia words them: "el 4 de marzo de 2024", "del 4 al 8 de marzo
    /// de 2024", "del 26 de febrero al 1 de marzo de 2024", "del 30 de diciembre de 2024 al 3 de
    /// enero de 2025". Only what differs is repeated.
    public static func spanishRange(_ start: CalendarDate, _ end: CalendarDate?) -> String {
        guard let end, end != start else { return "el \(start.spanishLong)" }
        if start.year != end.year { return "del \(start.spanishLong) al \(end.spanishLong)" }
        if start.month != end.month {
            return "del \(start.day) de \(spanishMonths[start.month - 1]) al \(end.spanishLong)"
        }
        return "del \(start.day) al \(end.spanishLong)"
    }
}

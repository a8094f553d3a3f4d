import CapacitaFiles

/// A time of day to the minute, as a session's start and end are given: "9:00", "09:00",
/// "14:30:00", or the fraction of a day Excel keeps for a time typed in a general cell ("0.375").
public struct ClockTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let minutesPerHour = 60
    public static let hoursPerDay = 24
    public static let minutesPerDay = minutesPerHour * hoursPerDay
    /// "23:59:59" and the digits of a fraction Excel writes ("0.41666666666666669"): anything longer
    /// is not a time, and is refused before it is read.
    static let textLimit = 24

    /// Minutes since midnight, 0 ..< 1440.
    public let minutes: Int

    public init?(hour: Int, minute: Int) {
        guard (0..<Self.hoursPerDay).contains(hour), (0..<Self.minutesPerHour).contains(minute) else { return nil }
        minutes = hour * Self.minutesPerHour + minute
    }

    public var hour: Int { minutes / Self.minutesPerHour }
    public var minute: Int { minutes % Self.minutesPerHour }

    /// "09:05".
    public var description: String { Self.twoDigits(hour) + ":" + Self.twoDigits(minute) }

    /// "0905", for a session's code.
    public var compact: String { Self.twoDigits(hour) + Self.twoDigits(minute) }

    public static func parse(_ text: String) -> ClockTime? {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty, trimmed.utf8.count <= textLimit else { return nil }
        if trimmed.contains(":") {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), (1...2).contains(parts[0].count), parts[1].count == 2,
                parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
                let hour = Int(parts[0]), let minute = Int(parts[1])
            else { return nil }
            // Seconds are accepted as Excel writes them ("09:00:00"), but a session starts on a minute.
            if parts.count == 3 { guard parts[2].count == 2, parts[2] == "00" else { return nil } }
            return ClockTime(hour: hour, minute: minute)
        }
        // A fraction of a day: only digits and one point, below one day.
        guard trimmed.hasPrefix("0."), trimmed.utf8.count > 2,
            trimmed.utf8.dropFirst(2).allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let fraction = Double(trimmed), fraction >= 0, fraction < 1
        else { return nil }
        let total = Int((fraction * Double(minutesPerDay)).rounded())
        guard total < minutesPerDay else { return nil }
        return ClockTime(hour: total / minutesPerHour, minute: total % minutesPerHour)
    }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.minutes < rhs.minutes }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

/// Where a session happens: a place people go to, or an address they open.
public enum SessionPlace: Sendable, Equatable {
    case place(String)
    case link(String)

    /// The stable key stored and answered: `place` or `link`.
    public var kind: String {
        switch self {
        case .place: return "place"
        case .link: return "link"
        }
    }

    public var text: String {
        switch self {
        case .place(let text), .link(let text): return text
        }
    }

    /// The longest place or link kept: a street address with its references, or a meeting link
    /// with its password, fit; a pasted paragraph does not.
    public static let limit = 500
    public static let linkPrefix = "https://"

    /// The stored form read back; nil for an unknown kind.
    public init?(kind: String, text: String) {
        switch kind {
        case "place": self = .place(text)
        case "link": self = .link(text)
        default: return nil
        }
    }
}

/// A session of a group: a day, its hours and its place. A group without sessions of its own has
/// one a day from its start to its end (`GroupSession.defaults`), with no hours or place.
public struct GroupSession: Sendable, Equatable {
    public var groupCode: String
    public var date: CalendarDate
    public var startsAt: ClockTime?
    public var endsAt: ClockTime?
    public var place: SessionPlace?
    /// Given in a sessions file (true) or one of the per-day defaults (false).
    public var scheduled: Bool

    public init(
        groupCode: String, date: CalendarDate, startsAt: ClockTime?, endsAt: ClockTime?, place: SessionPlace?,
        scheduled: Bool
    ) {
        self.groupCode = groupCode
        self.date = date
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.place = place
        self.scheduled = scheduled
    }

    /// `<GROUP>-S<yyyyMMdd>-<HHmm>`, or `<GROUP>-S<yyyyMMdd>` for a day without hours: the same
    /// session keeps its code whenever it is listed, so attendance and printed lists can name it.
    public var code: String {
        let day = date.description.replacingOccurrences(of: "-", with: "")
        return "\(groupCode)-S\(day)" + (startsAt.map { "-\($0.compact)" } ?? "")
    }

    /// The longest run of default days: a year. A group that runs longer has its sessions given in
    /// a file; its list is not a day per day for years.
    public static let defaultDayLimit = 366

    /// One session a day from the group's start to its end (its start when it has no end), at
    /// most `defaultDayLimit` of them.
    public static func defaults(for group: TrainingGroup) -> [GroupSession] {
        let last = group.endsOn ?? group.startsOn
        var sessions: [GroupSession] = []
        var day: CalendarDate? = group.startsOn
        while let current = day, current <= last, sessions.count < defaultDayLimit {
            sessions.append(
                GroupSession(
                    groupCode: group.code, date: current, startsAt: nil, endsAt: nil, place: nil, scheduled: false))
            day = current.nextDay
        }
        return sessions
    }
}

extension CalendarDate {
    /// The following day; nil after 9999-12-31.
    public var nextDay: CalendarDate? {
        if let same = CalendarDate(year: year, month: month, day: day + 1) { return same }
        if let month = CalendarDate(year: year, month: month + 1, day: 1) { return month }
        return CalendarDate(year: year + 1, month: 1, day: 1)
    }
}

import Foundation

/// Date text in the shapes the server uses once the session runs with DateStyle ISO and TimeZone UTC,
/// which `Connection` sets when it connects.
enum PostgresDateFormat {
    private static let utc = TimeZone(identifier: "UTC")!

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar
    }

    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let micros = Int(((seconds - whole) * 1_000_000).rounded())
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: whole))
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00",
            parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!, micros)
    }

    /// Parses `YYYY-MM-DD` (date) and `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` (timestamp, timestamptz).
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        var components = DateComponents(timeZone: utc, year: year, month: month, day: day)
        var fraction = 0.0
        var offsetSeconds = 0
        if bytes.count > 10 {
            guard bytes.count >= 19, bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
                let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
            else { return nil }
            components.hour = hour
            components.minute = minute
            components.second = second
            var index = 19
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    fraction += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < bytes.count {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
                    let hours = number(index + 1..<index + 3)
                else { return nil }
                var minutes = 0
                if index + 3 < bytes.count {
                    guard bytes[index + 3] == UInt8(ascii: ":"), let value = number(index + 4..<index + 6) else {
                        return nil
                    }
                    minutes = value
                }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            }
        }
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date.addingTimeInterval(fraction - Double(offsetSeconds))
    }
}

/// Turns a worksheet's XML events into rows of cell texts, as a CSV of the same sheet would read:
/// each row with its sheet row number (the line a problem is reported on), cells placed by their
/// column letters, shared and inline strings resolved, numbers as written without `.0` or
/// exponent for integers, dates (by their style) as YYYY-MM-DD, booleans as VERDADERO/FALSO,
/// formulas by their cached value. Trailing empty cells are dropped.
public struct SheetRows: Sendable {
    public struct Row: Sendable, Equatable {
        public var number: Int
        public var cells: [String]
    }

    /// Past this column a cell is refused as out of the sheet (Excel's last column is XFD,
    /// 16,384); it keeps a hostile `r="ZZZZZZ1"` from allocating a row of millions of cells.
    public static let maxColumns = 16_384
    /// Excel's last row: a row number past it (`r="999999999999"`) is refused, not followed.
    public static let maxRows = 1_048_576

    public enum Failure: Error, Sendable, Equatable {
        case badReference(String)
    }

    private let strings: SharedStrings
    private let styles: CellStyles
    private let date1904: Bool

    private var rowNumber = 0
    private var cells: [String] = []
    private var inRow = false
    // The cell being read.
    private var column = 0
    private var type = ""
    private var style = 0
    private var value: [UInt8] = []
    private var inValue = false
    private var inInline = false
    private var inText = false
    private var phonetic = 0

    public init(strings: SharedStrings, styles: CellStyles, date1904: Bool) {
        self.strings = strings
        self.styles = styles
        self.date1904 = date1904
    }

    public mutating func take(_ event: XMLScanner.Event, row emit: (Row) throws -> Void) throws {
        switch event {
        case .start("row", let attributes, let selfClosing):
            rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
            guard (1...Self.maxRows).contains(rowNumber) else {
                throw Failure.badReference(String((attributes["r"] ?? "").prefix(20)))
            }
            cells = []
            inRow = !selfClosing
            column = 0
            if selfClosing { try emit(Row(number: rowNumber, cells: [])) }
        case .end("row"):
            inRow = false
            while cells.last?.isEmpty == true { cells.removeLast() }
            try emit(Row(number: rowNumber, cells: cells))
        case .start("c", let attributes, let selfClosing) where inRow:
            if let reference = attributes["r"] {
                guard let parsed = Self.column(of: reference), parsed < Self.maxColumns else {
                    throw Failure.badReference(String(reference.prefix(20)))
                }
                column = parsed
            }
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap { Int($0) } ?? 0
            value = []
            if selfClosing { column += 1 }
        case .end("c") where inRow:
            let text = cellText()
            if !text.isEmpty {
                if cells.count <= column { cells += Array(repeating: "", count: column - cells.count + 1) }
                cells[column] = text
            }
            column += 1
        case .start("v", _, let selfClosing):
            inValue = !selfClosing
        case .end("v"):
            inValue = false
        case .start("is", _, _):
            inInline = true
        case .end("is"):
            inInline = false
        case .start("rPh", _, let selfClosing) where !selfClosing: phonetic += 1
        case .end("rPh"): phonetic -= 1
        case .start("t", _, let selfClosing):
            inText = !selfClosing && inInline && phonetic == 0
        case .end("t"):
            inText = false
        case .text(let text) where inValue || inText:
            value += text
        default: break
        }
    }

    private func cellText() -> String {
        let raw = String(decoding: value, as: UTF8.self)
        switch type {
        case "s": return Int(raw.trimmingCellSpaces()).flatMap { strings[$0] } ?? ""
        case "inlineStr", "str", "e": return raw
        case "b": return raw == "1" ? "VERDADERO" : raw == "0" ? "FALSO" : raw
        default:
            let trimmed = raw.trimmingCellSpaces()
            if styles.isDate(style: style), let serial = Double(trimmed) {
                // A time typed alone (a session's 9:00) is a fraction of a day under a time format,
                // which reads as a date format; it is no day a course has, so it is given as a time.
                if let time = SerialDate.timeOfDay(serial: serial) { return time }
                if let date = SerialDate.date(serial: serial, date1904: date1904) { return date.description }
            }
            return SheetNumber.text(trimmed)
        }
    }

    /// The 0-based column of a reference such as "B12" or "AA3".
    public static func column(of reference: String) -> Int? {
        var column = 0
        var letters = 0
        for byte in reference.utf8 {
            guard byte >= 65, byte <= 90 else { break }
            column = column * 26 + Int(byte - 64)
            letters += 1
            if letters > 4 { return nil }
        }
        return letters == 0 ? nil : column - 1
    }

    /// The letters of a 0-based column, the inverse of `column(of:)`: 0 → A, 25 → Z, 26 → AA.
    public static func letters(of column: Int) -> String {
        var number = column + 1
        var letters = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters
    }
}

/// Excel's serial dates: days since 1899-12-31 (the 1900 system, which counts a 29 February
/// 1900 that never was, serial 60) or since 1904-01-01 (the 1904 system). The time of day, the
/// fraction, is dropped; a serial below one day alone is a time (`timeOfDay`).
public enum SerialDate {
    /// A day of the calendar as a cell shows it: the text is what the domain reads back as its
    /// own date, so this module needs no calendar type of its own.
    public struct Day: Sendable, Equatable, CustomStringConvertible {
        public let year: Int
        public let month: Int
        public let day: Int

        /// ISO 8601: 2024-03-05.
        public var description: String {
            func pad(_ value: Int, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }
    }

    public static func date(serial: Double, date1904: Bool) -> Day? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }  // up to 9999-12-31
        var days = Int(serial.rounded(.down))
        if date1904 {
            days += 1462  // 1904-01-01 is serial 1462 in the 1900 system
        } else {
            if days == 60 { return nil }  // 1900-02-29 does not exist
            if days < 60 { days += 1 }  // before the phantom day, serials run one behind
        }
        guard days >= 1 else { return nil }
        return civil(daysSince18991230: days)
    }

    /// A serial below one day as a time of day, "HH:MM" to the nearest minute; nil for any other.
    public static func timeOfDay(serial: Double) -> String? {
        guard serial.isFinite, serial >= 0, serial < 1 else { return nil }
        let (minutesPerHour, hoursPerDay) = (60, 24)
        let minutes = Int((serial * Double(minutesPerHour * hoursPerDay)).rounded())
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(pad(minutes / minutesPerHour)):\(pad(minutes % minutesPerHour))"
    }

    /// The calendar date `days` after 1899-12-30 (Howard Hinnant's days_from_civil, inverted).
    static func civil(daysSince18991230 days: Int) -> Day? {
        let z = days - 25_569 + 719_468  // 1970-01-01 is serial 25,569
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Past 9999-12-31 (a late serial in the 1904 system) is no day a cell shows.
        guard (1...9999).contains(year) else { return nil }
        return Day(year: year, month: month, day: day)
    }
}

/// A number cell as a person typed it: an integer as its digits (an 18-digit folio or a phone
/// number stored as a number comes as "5.5123456789E+9", or "1.0" from some writers), any other
/// number as written.
public enum SheetNumber {
    public static func text(_ raw: String) -> String {
        guard raw.contains(where: { $0 == "E" || $0 == "e" || $0 == "." }), let decimal = ExactDecimal(raw) else {
            return raw
        }
        return decimal.text
    }
}

/// A decimal read from the text Excel stores (digits, a point, an exponent), printed without
/// exponent and without trailing zeros: exact, no binary floating point on the way.
struct ExactDecimal {
    var negative: Bool
    var digits: [UInt8]  // without leading zeros
    var exponent: Int  // value = digits × 10^exponent

    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        negative = bytes.first == 45
        if negative || bytes.first == 43 { bytes = bytes.dropFirst() }
        var mantissa: [UInt8] = []
        var fraction = 0
        var seenPoint = false
        var exponentText: Substring?
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= 48, byte <= 57 {
                mantissa.append(byte - 48)
                if seenPoint { fraction += 1 }
            } else if byte == 46, !seenPoint {
                seenPoint = true
            } else if byte == 69 || byte == 101 {
                exponentText = Substring(String(decoding: bytes[(index + 1)...], as: UTF8.self))
                break
            } else {
                return nil
            }
            index += 1
        }
        guard !mantissa.isEmpty else { return nil }
        var shift = 0
        if let exponentText {
            // Not abs(value): abs(Int.min) traps, and a cell may say "1E-9223372036854775808".
            guard let value = Int(exponentText), (-399...399).contains(value) else { return nil }
            shift = value
        }
        while mantissa.count > 1, mantissa.first == 0 { mantissa.removeFirst() }
        digits = mantissa
        exponent = shift - fraction
        while digits.count > 1, digits.last == 0, exponent < 0 {
            digits.removeLast()
            exponent += 1
        }
    }

    var text: String {
        if digits == [0] { return "0" }
        var characters = digits.map { Character(Unicode.Scalar($0 + 48)) }
        if exponent >= 0 {
            characters += Array(repeating: "0", count: exponent)
        } else {
            let point = characters.count + exponent
            if point <= 0 {
                characters = ["0", "."] + Array(repeating: "0", count: -point) + characters
            } else {
                characters.insert(".", at: point)
            }
        }
        return (negative ? "-" : "") + String(characters)
    }
}

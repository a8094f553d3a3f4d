/// What a workbook's small parts say, read from their XML events: the sheets and where they
/// are, the date system, which cell styles are dates, and the shared strings. Each is fed the
/// events of its part (XMLScanner) and holds only what the sheet reader needs.

/// xl/workbook.xml: the sheets in order, with their relationship ids, and the date system.
public struct WorkbookIndex: Sendable {
    public struct Sheet: Sendable, Equatable {
        public var name: String
        public var relationship: String
    }

    public private(set) var sheets: [Sheet] = []
    /// The 1904 date system (old Mac Excel): serial 0 is 1904-01-01 instead of 1899-12-31.
    public private(set) var date1904 = false

    public init() {}

    public mutating func take(_ event: XMLScanner.Event) {
        guard case .start(let name, let attributes, _) = event else { return }
        switch name {
        case "workbookPr":
            let value = attributes["date1904"]?.lowercased()
            date1904 = value == "1" || value == "true"
        case "sheet":
            if let sheetName = attributes["name"], let id = attributes["id"] {
                sheets.append(Sheet(name: sheetName, relationship: id))
            }
        default: break
        }
    }
}

/// A .rels part: relationship id → target path.
public struct Relationships: Sendable {
    public private(set) var targets: [String: String] = [:]

    public init() {}

    public mutating func take(_ event: XMLScanner.Event) {
        guard case .start("Relationship", let attributes, _) = event, let id = attributes["Id"],
            let target = attributes["Target"]
        else { return }
        targets[id] = target
    }

    /// The archive path of a target of xl/workbook.xml (relative to xl/, or absolute from the root).
    public static func workbookPath(_ target: String) -> String {
        target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }
}

/// xl/styles.xml: which cell formats (`s` on a cell) show a date. A serial number in such a
/// cell is a date; in any other it is a number.
public struct CellStyles: Sendable {
    private var customFormats: [Int: String] = [:]
    private var formats: [Int] = []
    private var inCellFormats = false

    public init() {}

    public mutating func take(_ event: XMLScanner.Event) {
        switch event {
        case .start("numFmt", let attributes, _):
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                customFormats[id] = code
            }
        case .start("cellXfs", _, let selfClosing):
            inCellFormats = !selfClosing
        case .end("cellXfs"):
            inCellFormats = false
        case .start("xf", let attributes, _) where inCellFormats:
            formats.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default: break
        }
    }

    /// Whether the style at this index formats its number as a date.
    public func isDate(style: Int) -> Bool {
        guard style >= 0, style < formats.count else { return false }
        let id = formats[style]
        if let code = customFormats[id] { return Self.isDateFormat(code) }
        return Self.builtInDateFormats.contains(id)
    }

    /// ECMA-376's built-in date and time formats (14-22, 45-47) and the East Asian ones (27-36,
    /// 50-58) that Excel also writes by id.
    static let builtInDateFormats: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// A format code shows a date when, outside quoted text, escapes and [brackets] (colours,
    /// locales, conditions), it holds a day, month or year code.
    public static func isDateFormat(_ code: String) -> Bool {
        var inQuotes = false
        var inBrackets = false
        var escaped = false
        for character in code.lowercased() {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "\"": inQuotes.toggle()
            case "[" where !inQuotes: inBrackets = true
            case "]" where !inQuotes: inBrackets = false
            case "d", "m", "y":
                if !inQuotes, !inBrackets { return true }
            default: break
            }
        }
        return false
    }
}

/// xl/sharedStrings.xml: the strings cells point at by index. Rich text is its runs joined;
/// phonetic guides (rPh) are left out. Kept in one byte buffer with offsets: a million-row sheet
/// has millions of distinct names and CURPs, and a String each would double their memory.
public struct SharedStrings: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var inItem = false
    private var inText = false
    private var phonetic = 0

    public init() {}

    public var count: Int { ends.count }

    public mutating func take(_ event: XMLScanner.Event) {
        switch event {
        case .start("si", _, let selfClosing):
            inItem = true
            if selfClosing {
                ends.append(bytes.count)
                inItem = false
            }
        case .end("si"):
            ends.append(bytes.count)
            inItem = false
        case .start("rPh", _, let selfClosing) where !selfClosing: phonetic += 1
        case .end("rPh"): phonetic -= 1
        case .start("t", _, let selfClosing): inText = !selfClosing && inItem && phonetic == 0
        case .end("t"): inText = false
        case .text(let text) where inText: bytes += text
        default: break
        }
    }

    public subscript(index: Int) -> String? {
        guard index >= 0, index < ends.count else { return nil }
        let start = index == 0 ? 0 : ends[index - 1]
        return String(decoding: bytes[start..<ends[index]], as: UTF8.self)
    }
}

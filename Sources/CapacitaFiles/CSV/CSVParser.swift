/// One record of a CSV file as raw bytes, with the physical line where it starts. The fields lie
/// back to back in one buffer (one allocation per file, not one per field).
public struct CSVRawRecord: Sendable {
    /// 1-based line number of the record's first character (the header is line 1).
    public var line: Int
    public var bytes: [UInt8]
    /// Where each field ends in `bytes`.
    public var ends: [Int]
    /// The record went past `CSVParser.maxRecordBytes` or `maxFields`: what was kept is cut, and
    /// the row is to be refused, not read.
    public var oversized = false

    public var count: Int { ends.count }

    public func field(_ index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    public var fields: [ArraySlice<UInt8>] { (0..<count).map(field) }
}

/// A streaming RFC 4180 parser over bytes: quoted fields with doubled quotes, separators and line
/// breaks inside quotes, CRLF or LF. Feed chunks as they are read; records come out as they end,
/// so memory holds one record at a time, not the file. A BOM is the caller's to strip.
public struct CSVParser: Sendable {
    public let delimiter: UInt8
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var fieldStart = 0
    private var inQuotes = false
    private var quoteInQuoted = false  // saw a quote inside quotes: either "" or the closing one
    private var afterCR = false
    private var line = 1
    private var recordLine = 1
    private var recordStarted = false
    private var oversized = false

    /// The largest record kept: far beyond any row of a spreadsheet, small enough that an
    /// unclosed quote swallowing the rest of a file does not take memory with it.
    public static let maxRecordBytes = 1 << 20
    /// The most fields a record keeps (no sheet has hundreds of columns).
    public static let maxFields = 512

    public init(delimiter: UInt8) {
        self.delimiter = delimiter
    }

    /// Parses the next chunk, calling `emit` for each record completed within it.
    /// Concrete rather than generic: a generic byte loop called from another module is not
    /// specialized and costs a witness call per byte.
    public mutating func feed(_ input: ArraySlice<UInt8>, emit: (CSVRawRecord) throws -> Void) rethrows {
        var index = input.startIndex
        let end = input.endIndex
        while index < end {
            // Most bytes are plain text inside a field: copy the run up to the next byte that
            // means something (in quotes, only a quote or a line break does) in one append.
            if !afterCR, !quoteInQuoted {
                var next = index
                if inQuotes {
                    while next < end, input[next] != 34, input[next] != 10, input[next] != 13 { next += 1 }
                } else {
                    while next < end, input[next] != delimiter, input[next] != 34, input[next] != 10, input[next] != 13
                    { next += 1 }
                }
                if next > index {
                    let room = Self.maxRecordBytes - bytes.count
                    if next - index > room {
                        oversized = true
                        if room > 0 { bytes.append(contentsOf: input[index..<(index + room)]) }
                    } else {
                        bytes.append(contentsOf: input[index..<next])
                    }
                    recordStarted = true
                    index = next
                    if index == end { break }
                }
            }
            try consume(input[index], emit: emit)
            index += 1
        }
    }

    public mutating func feed(_ bytes: [UInt8], emit: (CSVRawRecord) throws -> Void) rethrows {
        try feed(bytes[...], emit: emit)
    }

    private mutating func consume(_ byte: UInt8, emit: (CSVRawRecord) throws -> Void) rethrows {
        let lf: UInt8 = 10
        let cr: UInt8 = 13
        let quote: UInt8 = 34
        if afterCR {
            afterCR = false
            if byte == lf { return }  // CRLF ends one line
        }
        if inQuotes {
            if quoteInQuoted {
                quoteInQuoted = false
                if byte == quote {
                    append(quote)
                    return
                }
                inQuotes = false  // that quote closed the field; handle this byte unquoted
            } else if byte == quote {
                quoteInQuoted = true
                return
            } else {
                if byte == lf || byte == cr {
                    line += 1
                    if byte == cr {
                        afterCR = true
                        append(lf)
                        return
                    }
                }
                append(byte)
                return
            }
        }
        switch byte {
        case quote where bytes.count == fieldStart:
            inQuotes = true
            recordStarted = true
        case delimiter:
            if ends.count + 1 < Self.maxFields {
                ends.append(bytes.count)
                fieldStart = bytes.count
            } else {
                oversized = true
            }
            recordStarted = true
        case lf, cr:
            if byte == cr { afterCR = true }
            try endRecord(emit: emit)
            line += 1
            recordLine = line
        default:
            append(byte)
            recordStarted = true
        }
    }

    private mutating func append(_ byte: UInt8) {
        if bytes.count < Self.maxRecordBytes { bytes.append(byte) } else { oversized = true }
    }

    private mutating func endRecord(emit: (CSVRawRecord) throws -> Void) rethrows {
        defer {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            fieldStart = 0
            recordStarted = false
            oversized = false
        }
        guard recordStarted || bytes.count > fieldStart else { return }  // an empty line is no record
        ends.append(bytes.count)
        try emit(CSVRawRecord(line: recordLine, bytes: bytes, ends: ends, oversized: oversized))
    }

    /// Ends the input, emitting a last record that had no final line break.
    public mutating func finish(emit: (CSVRawRecord) throws -> Void) rethrows {
        if quoteInQuoted {
            quoteInQuoted = false
            inQuotes = false
        }
        try endRecord(emit: emit)
    }

    /// Whether the input ended inside a quoted field (an unclosed quote).
    public var isInsideQuotes: Bool { inQuotes && !quoteInQuoted }

    /// The line where the record being read began: where an unclosed quote opened.
    public var currentRecordLine: Int { recordLine }

    /// The delimiter of a file from its first line that holds any (a title above the header may
    /// hold none; HeaderLocator searches as many lines): the most frequent of comma, semicolon and
    /// tab outside quotes in that line (comma when none appears in the first lines).
    public static func detectDelimiter<Bytes: Sequence>(_ bytes: Bytes) -> UInt8 where Bytes.Element == UInt8 {
        var counts: [UInt8: Int] = [44: 0, 59: 0, 9: 0]
        var inQuotes = false
        var lines = 0
        for byte in bytes {
            if byte == 34 {
                inQuotes.toggle()
                continue
            }
            if inQuotes { continue }
            if byte == 10 {
                lines += 1
                if lines >= HeaderLocator.searchedRows || counts.values.contains(where: { $0 > 0 }) { break }
                continue
            }
            if counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!
        return best.value > 0 ? best.key : 44
    }
}

/// The refusals the parser's bounds lead to, worded once for every import.
public enum CSVLimits {
    /// Whether a row read some other way (a sheet's) is past the bounds a CSV record is held to.
    public static func exceeds(_ cells: [String]) -> Bool {
        cells.count > CSVParser.maxFields || cells.reduce(0) { $0 + $1.utf8.count } > CSVParser.maxRecordBytes
    }

    public static func unclosedQuote(line: Int) -> ImportIssue {
        ImportIssue(
            line: line, column: "", value: "",
            message: "una comilla abierta en esta línea no se cierra antes del fin del archivo")
    }

    public static func nulByte(line: Int) -> ImportIssue {
        ImportIssue(line: line, column: "", value: "", message: "la fila contiene un byte nulo")
    }

    public static func oversized(line: Int) -> ImportIssue {
        ImportIssue(
            line: line, column: "", value: "",
            message:
                "la fila pasa del máximo de \(CSVParser.maxRecordBytes >> 20) MiB o \(CSVParser.maxFields) columnas")
    }
}

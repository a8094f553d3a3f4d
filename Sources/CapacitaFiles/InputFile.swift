import Crypto
import Foundation

/// A file read in fixed-size chunks, so memory does not grow with the file; or bytes already in
/// memory (a small upload), read the same way.
public struct InputFile: Sendable {
    public let path: String
    public let size: Int64
    public static let chunkSize = 1 << 20
    private let bytes: [UInt8]?
    /// UTF-16 text (Excel's "Texto Unicode"), read as UTF-8 through `forEachTextChunk`.
    public let utf16: UTF16Transcoder.Order?
    /// An .xlsx workbook, checked when opened; its rows are read by sheet, not as text.
    let workbook: Workbook?
    /// The sheet to read (`--sheet`); nil: the first one with content.
    public let sheet: String?
    public var isWorkbook: Bool { workbook != nil }

    /// Bytes with the name they came under (an upload's file name), refused like a file when
    /// they are not text.
    public init(bytes: [UInt8], name: String) throws(InputFileError) {
        self.path = name
        self.size = Int64(bytes.count)
        self.bytes = bytes
        self.workbook = nil
        self.sheet = nil
        let start = Array(bytes.prefix(BinaryFileKind.sniffLength))
        self.utf16 = UTF16Transcoder.order(of: start)
        if let kind = BinaryFileKind.detect(start) { throw .notText(name, kind) }
    }

    public init(path: String, sheet: String? = nil) throws(InputFileError) {
        self.bytes = nil
        self.sheet = sheet
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            (attributes[.type] as? FileAttributeType) != .typeDirectory,
            FileManager.default.isReadableFile(atPath: path)
        else {
            throw .unreadable(path)
        }
        self.path = path
        self.size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        // A workbook or any binary file is refused before a byte of it is parsed or shown.
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path) }
        defer { try? handle.close() }
        let start = [UInt8]((try? handle.read(upToCount: BinaryFileKind.sniffLength)) ?? nil ?? Data())
        self.utf16 = UTF16Transcoder.order(of: start)
        switch BinaryFileKind.detect(start) {
        case .zipArchive?:
            let workbook = try Workbook(path: path, size: self.size)
            if let sheet, !workbook.sheetNames.contains(where: { $0.lowercased() == sheet.lowercased() }) {
                throw .noSuchSheet(workbook.name, sheet, workbook.sheetNames)
            }
            self.workbook = workbook
        case let kind?: throw .notText(path, kind)
        case nil: self.workbook = nil
        }
    }

    public var name: String { (path as NSString).lastPathComponent }

    /// The whole text, for the small files (groups, headcounts, agencies, fichas): UTF-16 comes
    /// as UTF-8.
    public func readAll() throws -> [UInt8] {
        if let workbook { return try Self.csv(of: workbook, sheet: sheet) }
        var all: [UInt8] = []
        all.reserveCapacity(Int(size))
        try forEachTextChunk { all += $0 }
        return all
    }

    /// A small file's sheet as UTF-8 CSV for the parsers of small files: one line per sheet row,
    /// empty lines for rows the sheet skips, so a problem's line is the sheet's row number. A line
    /// break inside a cell becomes a space (it would shift every later line).
    static let maxSmallSheetBytes = 256 << 20

    static func csv(of workbook: Workbook, sheet: String?) throws -> [UInt8] {
        var text: [UInt8] = []
        var line = 1
        try workbook.rows(sheet: sheet) { row in
            while line < row.number {
                text.append(10)
                line += 1
            }
            let cells = row.cells.map { cell -> String in
                let flat = cell.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
                    .replacingOccurrences(of: "\r", with: " ")
                return flat.contains(where: { $0 == "," || $0 == "\"" })
                    ? "\"" + flat.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : flat
            }
            text += Array(cells.joined(separator: ",").utf8)
            text.append(10)
            line += 1
            // A registry, a headcount or a ficha table is small; a sheet that makes more text than
            // the largest upload allowed is refused before it fills memory.
            if text.count > Self.maxSmallSheetBytes { throw InputFileError.notText(workbook.name, .zipBomb) }
        }
        return text
    }

    /// Like `forEachChunk`, with UTF-16 text turned into UTF-8 (its byte-order mark dropped).
    public func forEachTextChunk(_ body: ([UInt8]) throws -> Void) throws {
        try forEachCountedTextChunk { text, _ in try body(text) }
    }

    /// Each chunk of text with how many of the file's bytes it came from: progress is measured
    /// against the file's size, and UTF-16 takes about two bytes for each byte of UTF-8.
    public func forEachCountedTextChunk(_ body: (_ text: [UInt8], _ consumed: Int) throws -> Void) throws {
        guard let utf16 else { return try forEachChunk { try body($0, $0.count) } }
        var transcoder = UTF16Transcoder(order: utf16)
        try forEachChunk { try body(transcoder.transcode($0), $0.count) }
        let rest = transcoder.finish()
        if !rest.isEmpty { try body(rest, 0) }
    }

    /// Calls `body` with each chunk in order.
    public func forEachChunk(_ body: ([UInt8]) throws -> Void) throws {
        if let bytes {
            var start = 0
            while start < bytes.count {
                let end = min(start + Self.chunkSize, bytes.count)
                try body(Array(bytes[start..<end]))
                start = end
            }
            return
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputFileError.unreadable(path) }
        defer { try? handle.close() }
        while true {
            let data = try handle.read(upToCount: Self.chunkSize) ?? Data()
            if data.isEmpty { return }
            try body([UInt8](data))
        }
    }

    /// One pass over the file: its SHA-256 (of the bytes as sent), its encoding and its first
    /// bytes of text (for the delimiter).
    public func fingerprint() throws -> Fingerprint {
        var hasher = SHA256()
        var survey = EncodingSurvey(declaredUTF8: utf16 != nil)
        var start: [UInt8] = []
        var transcoder = utf16.map(UTF16Transcoder.init(order:))
        func text(_ chunk: [UInt8]) {
            survey.feed(chunk)
            if start.count < 65_536 { start += chunk.prefix(65_536 - start.count) }
        }
        // A workbook's bytes are an archive: hashed, not surveyed (its cells are XML, UTF-8).
        let isText = workbook == nil
        try forEachChunk { chunk in
            hasher.update(data: chunk)
            if isText { text(transcoder?.transcode(chunk) ?? chunk) }
        }
        if let rest = transcoder?.finish() { text(rest) }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let verdict = survey.verdict
        let encoding = (try? verdict.encoding.get()) ?? .utf8
        return Fingerprint(
            sha256: digest, format: CSVFormat.detect(start: start, encoding: encoding), encoding: verdict)
    }

    public struct Fingerprint: Sendable {
        public var sha256: String
        public var format: CSVFormat
        /// What the survey of every byte found: an encoding, or the lines that refuse the file.
        public var encoding: EncodingSurvey.Verdict
    }
}

public enum InputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)
    case notText(String, BinaryFileKind)
    /// `--sheet` names no sheet of the workbook (its sheets listed).
    case noSuchSheet(String, String, [String])

    public var description: String {
        switch self {
        case .unreadable(let path): return "\(path): no existe o no se puede leer"
        case .notText(let path, let kind): return "\(path): \(kind)"
        case .noSuchSheet(let path, let sheet, let sheets):
            return "\(path): el libro no tiene la hoja «\(sheet)»; sus hojas son: "
                + sheets.map { "«\($0)»" }.joined(separator: ", ")
        }
    }
}

import Foundation
import ZIPFoundation

/// An .xlsx workbook, opened to read one sheet's rows as they decompress: the archive through
/// ZIPFoundation, each part's XML through XMLScanner. The small parts (workbook, relationships,
/// styles, shared strings) are read whole when it opens; the sheet streams, so memory does not
/// grow with its rows.
///
/// Sendable by hand: the archive reads through one file handle with seeks, and a workbook is
/// used by one thread at a time (opened by the caller, then read on RecordReader's thread).
struct Workbook: @unchecked Sendable {
    /// Limits against a zip bomb: the parts may expand to `maxExpansion` times the archive's
    /// size, and at least `expansionFloor` bytes (a small workbook of formatted empty cells
    /// compresses far better than a list of people). Real workbooks expand 5-20 times.
    static let maxExpansion: UInt64 = 100
    static let expansionFloor: UInt64 = 256 << 20
    /// The shared strings are held in memory while the sheet streams: a million-row list needs
    /// about 30 MB of them; past this the workbook is refused rather than exhausting memory.
    static let maxSharedStringBytes: UInt64 = 512 << 20

    let name: String
    private let archive: Archive
    private let sheets: [(name: String, path: String)]
    private let strings: SharedStrings
    private let styles: CellStyles
    private let date1904: Bool
    private let budget: UInt64

    /// Opens and checks the archive; every refusal names what to do, and shows none of its bytes.
    init(path: String, size: Int64) throws(InputFileError) {
        name = (path as NSString).lastPathComponent
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .notText(name, .corruptArchive)
        }
        self.archive = archive
        if let mimetype = archive["mimetype"], let text = try? Self.readSmall(archive, mimetype, limit: 256),
            String(decoding: text, as: UTF8.self).contains("opendocument")
        {
            throw .notText(name, .openDocument)
        }
        budget = max(Self.expansionFloor, UInt64(max(size, 0)) * Self.maxExpansion)
        let declared = archive.reduce(UInt64(0)) { $0 &+ $1.uncompressedSize }
        guard declared <= budget else { throw .notText(name, .zipBomb) }
        guard let workbookEntry = archive["xl/workbook.xml"] else { throw .notText(name, .zipArchive) }
        do {
            var index = WorkbookIndex()
            try Self.scan(archive, workbookEntry, budget: budget) { index.take($0) }
            var relationships = Relationships()
            if let entry = archive["xl/_rels/workbook.xml.rels"] {
                try Self.scan(archive, entry, budget: budget) { relationships.take($0) }
            }
            sheets = index.sheets.compactMap { sheet in
                relationships.targets[sheet.relationship].map { (sheet.name, Relationships.workbookPath($0)) }
            }
            var styles = CellStyles()
            if let entry = archive["xl/styles.xml"] {
                try Self.scan(archive, entry, budget: budget) { styles.take($0) }
            }
            var strings = SharedStrings()
            if let entry = archive["xl/sharedStrings.xml"] {
                try Self.scan(archive, entry, budget: min(budget, Self.maxSharedStringBytes)) { strings.take($0) }
            }
            self.styles = styles
            self.strings = strings
            date1904 = index.date1904
        } catch let error as InputFileError {
            throw error
        } catch {
            throw .notText(name, .corruptArchive)
        }
        guard !sheets.isEmpty else { throw .notText(name, .corruptArchive) }
    }

    /// The sheets' names, in the workbook's order.
    var sheetNames: [String] { sheets.map(\.name) }

    /// Calls `row` with each row of the sheet named `sheet` (`--sheet`, any case), or of the first
    /// sheet with any content: empty sheets before it are passed over.
    func rows(sheet: String?, _ row: (SheetRows.Row) throws -> Void) throws {
        let chosen: [(name: String, path: String)]
        if let sheet {
            guard let found = sheets.first(where: { $0.name.lowercased() == sheet.lowercased() }) else {
                throw InputFileError.noSuchSheet(name, sheet, sheetNames)
            }
            chosen = [found]
        } else {
            chosen = sheets
        }
        for candidate in chosen {
            guard let entry = archive[candidate.path] else { throw InputFileError.notText(name, .corruptArchive) }
            var reader = SheetRows(strings: strings, styles: styles, date1904: date1904)
            var content = false
            try Self.scan(archive, entry, budget: budget) { event in
                try reader.take(event) { found in
                    if !found.cells.isEmpty { content = true }
                    try row(found)
                }
            }
            if content { return }
        }
    }

    private struct Overrun: Error {}

    /// Streams one part through the scanner, counting what it expands to against the budget.
    private static func scan(
        _ archive: Archive, _ entry: Entry, budget: UInt64, _ take: (XMLScanner.Event) throws -> Void
    ) throws {
        var scanner = XMLScanner()
        var expanded: UInt64 = 0
        let name = (archive.url.path as NSString).lastPathComponent
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16) { data in
                expanded += UInt64(data.count)
                // The sizes in the archive's directory can lie; the bytes cannot.
                if expanded > budget { throw Overrun() }
                try scanner.feed([UInt8](data), emit: take)
            }
            try scanner.finish(emit: take)
        } catch is Overrun {
            throw InputFileError.notText(name, .zipBomb)
        } catch let error as InputFileError {
            throw error
        } catch is XMLScanner.Failure, is SheetRows.Failure {
            throw InputFileError.notText(name, .corruptArchive)
        } catch let error as CancellationError {
            throw error
        } catch {
            // A damaged entry (a bad deflate stream, a checksum that does not match), or what the
            // caller's row handler threw: passed on as it is unless it is the archive's.
            if error is Archive.ArchiveError { throw InputFileError.notText(name, .corruptArchive) }
            throw error
        }
    }

    private static func readSmall(_ archive: Archive, _ entry: Entry, limit: Int) throws -> [UInt8] {
        guard entry.uncompressedSize <= UInt64(limit) else { return [] }
        var bytes: [UInt8] = []
        _ = try archive.extract(entry) { bytes += [UInt8]($0) }
        return bytes
    }
}

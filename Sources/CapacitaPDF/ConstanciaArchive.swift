import Capacita
import Foundation
import ZIPFoundation

/// A ZIP of constancias, one PDF per entry named by its folio, written entry by entry to a file
/// through ZIPFoundation (stored, not deflated: a PDF's streams are compressed already). Memory
/// does not grow with the entries: each PDF is written and let go; only ZIPFoundation's central
/// directory (about 70 bytes an entry) is read back and rewritten after each one.
///
/// The file can be sent while it grows: everything before the central directory is final once an
/// entry is added (`finishedLength`), and the rest (the central directory and its end record) is
/// final when the last entry is in.
///
/// Sendable by hand: ZIPFoundation's archive is one stdio file with seeks; a `ConstanciaArchive`
/// is used by one thread at a time (each page of a ZIP is written on a drawing thread, and the
/// response that streams it waits for that thread before reading the file).
public final class ConstanciaArchive: @unchecked Sendable {
    public let url: URL
    private let archive: Archive
    private let reader: FileHandle
    public private(set) var entries = 0

    /// A new archive at `url`, which must not exist yet.
    public init(creatingAt url: URL) throws {
        self.url = url
        archive = try Archive(url: url, accessMode: .create)
        reader = try FileHandle(forReadingFrom: url)
    }

    deinit {
        try? reader.close()
    }

    /// One PDF, as `name` (its folio and `.pdf`), dated `issuedOn` (YYYY-MM-DD; the day the
    /// constancia was issued).
    public func add(name: String, pdf: [UInt8], issuedOn: String) throws {
        let data = Data(pdf)
        try archive.addEntry(
            with: name, type: .file, uncompressedSize: Int64(data.count),
            modificationDate: Self.date(issuedOn), compressionMethod: .none
        ) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
        entries += 1
    }

    /// The file's size now.
    public func length() throws -> Int64 {
        Int64(try reader.seekToEnd())
    }

    /// How many of the file's first bytes are final: all but the central directory and its end
    /// record, read from that record (22 bytes at the end: ZIPFoundation writes no comment). Past
    /// the 4 GB of a plain ZIP (ZIP64) this answers 0, and the whole file is final only at the end.
    public func finishedLength() throws -> Int64 {
        let size = try length()
        guard size >= 22 else { return 0 }
        try reader.seek(toOffset: UInt64(size - 22))
        let record = [UInt8](try reader.read(upToCount: 22) ?? Data())
        guard record.count == 22, record[0] == 0x50, record[1] == 0x4B, record[2] == 0x05, record[3] == 0x06 else {
            return 0
        }
        let offset = (16..<20).reduce(UInt32(0)) { $0 | UInt32(record[$1]) << (8 * UInt32($1 - 16)) }
        return offset == .max ? 0 : Int64(offset)
    }

    /// Up to `count` bytes of the file from `offset`.
    public func read(from offset: Int64, count: Int) throws -> [UInt8] {
        try reader.seek(toOffset: UInt64(offset))
        return [UInt8](try reader.read(upToCount: count) ?? Data())
    }

    /// Noon UTC of a YYYY-MM-DD day: the entry's date, the same wherever the ZIP is opened.
    static func date(_ day: String) -> Date {
        guard let date = CalendarDate.parse(day) else { return Date(timeIntervalSince1970: 315_576_000) }
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour) = (date.year, date.month, date.day, 12)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 315_576_000)
    }
}

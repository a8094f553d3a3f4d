/// Buffers COPY data and sends it to the server in chunks, so memory stays flat however many rows.
public struct CopyWriter {
    private unowned let connection: Connection
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    /// Rows written through `writeRow`.
    public private(set) var rowCount = 0

    init(connection: Connection, chunkSize: Int) {
        self.connection = connection
        self.chunkSize = chunkSize
        buffer.reserveCapacity(chunkSize + 1024)
    }

    /// Appends raw bytes in the COPY's own format.
    public mutating func write<Bytes: Sequence>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkSize { try flush() }
    }

    /// Appends one row in COPY's text format: tab-separated, `\N` for NULL, with backslash,
    /// tab, newline and carriage return escaped.
    public mutating func writeRow(_ fields: [String?]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(9) }
            guard let field else {
                buffer.append(92)  // \N
                buffer.append(78)
                continue
            }
            append(escaping: field)
        }
        buffer.append(10)
        rowCount += 1
        if buffer.count >= chunkSize { try flush() }
    }

    // Most cells need no escape: copy them whole, and go byte by byte only when one does.
    private mutating func append(escaping field: String) {
        var field = field
        field.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) else {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 92: buffer.append(contentsOf: [92, 92])
                case 9: buffer.append(contentsOf: [92, 116])
                case 10: buffer.append(contentsOf: [92, 110])
                case 13: buffer.append(contentsOf: [92, 114])
                default: buffer.append(byte)
                }
            }
        }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try connection.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

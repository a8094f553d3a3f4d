import Capacita

/// A group's scanned signed lists (`capacita attendance evidence`, `GET /v1/groups/{code}/evidence`):
/// one row a scan, never its bytes.
public enum EvidenceTable {
    public static let columns = [
        "id", "session", "group", "date", "starts_at", "file_name", "media_type", "size_bytes", "sha256",
        "attached_by", "attached_at",
    ]

    public static func table(_ scans: [SessionEvidence]) -> Table {
        Table(
            columns: columns,
            rows: scans.map { scan in
                [
                    .int(Int(scan.id)), .text(scan.sessionCode), .text(scan.groupCode), .date(scan.date.description),
                    scan.startsAt.map { .text($0.description) } ?? .null, .text(scan.fileName),
                    .code(scan.type.mediaType), .int(scan.size), .text(scan.sha256), .text(scan.attachedBy),
                    .text(scan.attachedAt),
                ]
            })
    }

    /// One scan just attached (the answer to an upload, and `attendance attach`).
    public static func record(
        id: Int64?, session: String, fileName: String, type: EvidenceType, size: Int, sha256: String, created: Bool?,
        attachedAt: String?
    ) -> Record {
        Record([
            ("id", id.map { .int(Int($0)) } ?? .null), ("session", .text(session)), ("file_name", .text(fileName)),
            ("media_type", .code(type.mediaType)), ("size_bytes", .int(size)), ("sha256", .text(sha256)),
            ("created", created.map(Cell.bool) ?? .null), ("attached_at", attachedAt.map(Cell.text) ?? .null),
        ])
    }
}

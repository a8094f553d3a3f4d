/// One recorded import: its file, who ran it and what it did.
public struct ImportBatchEntry: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var fileName: String
    public var agency: String?
    public var rows: Int
    public var imported: Int
    public var updated: Int
    public var unchanged: Int
    public var ranBy: String
    public var ranAt: String

    public init(
        id: Int64, kind: String, fileName: String, agency: String?, rows: Int, imported: Int, updated: Int,
        unchanged: Int, ranBy: String, ranAt: String
    ) {
        self.id = id
        self.kind = kind
        self.fileName = fileName
        self.agency = agency
        self.rows = rows
        self.imported = imported
        self.updated = updated
        self.unchanged = unchanged
        self.ranBy = ranBy
        self.ranAt = ranAt
    }
}

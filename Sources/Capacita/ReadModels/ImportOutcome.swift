import CapacitaFiles

/// What an import did, or would do (`dryRun`), or why it wrote nothing (`rejected`).
public struct ImportOutcome: Sendable, Equatable {
    public var rows: Int
    public var imported: Int
    public var updated: Int
    public var unchanged: Int
    /// Every problem, in line order; non-empty means nothing was written.
    public var rejected: [ImportIssue]
    /// Problems found beyond those listed (the list stops at `ImportOutcome.issueLimit`).
    public var unlisted: Int
    /// Header cells that matched no known column and were ignored.
    public var ignoredColumns: [String]
    public var dryRun: Bool
    /// The batch recorded, when something was written.
    public var batchID: Int64?
    /// Further counts of what the merge did (constancias issued and revoked, …).
    public var extra: [String: Int] = [:]
    /// The line the header was read from: 1, or lower when a title or notes sit above it.
    public var headerLine = 1

    public var accepted: Bool { rejected.isEmpty }

    public init(
        rows: Int, imported: Int, updated: Int, unchanged: Int, rejected: [ImportIssue], unlisted: Int,
        ignoredColumns: [String], dryRun: Bool, batchID: Int64?
    ) {
        self.rows = rows
        self.imported = imported
        self.updated = updated
        self.unchanged = unchanged
        self.rejected = rejected
        self.unlisted = unlisted
        self.ignoredColumns = ignoredColumns
        self.dryRun = dryRun
        self.batchID = batchID
    }

    /// So a file of a million bad rows cannot exhaust memory; 100,000 is far past what a person reads.
    public static let issueLimit = 100_000
}

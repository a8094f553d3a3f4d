import Capacita
import CapacitaFiles

extension ImportOutcome {
    static func refused(rows: Int, issues: [ImportIssue], ignoredColumns: [String] = [], dryRun: Bool) -> ImportOutcome
    {
        let sorted = ImportIssues(issues).issues
        return ImportOutcome(
            rows: rows, imported: 0, updated: 0, unchanged: 0, rejected: Array(sorted.prefix(issueLimit)),
            unlisted: max(0, sorted.count - issueLimit), ignoredColumns: ignoredColumns, dryRun: dryRun,
            batchID: nil)
    }
}

/// Collects issues up to the limit, counting the rest.
struct IssueCollector {
    private(set) var issues: [ImportIssue] = []
    private(set) var overflow = 0

    mutating func append(contentsOf more: [ImportIssue]) {
        for issue in more { append(issue) }
    }

    mutating func append(_ issue: ImportIssue) {
        if issues.count < ImportOutcome.issueLimit { issues.append(issue) } else { overflow += 1 }
    }

    var isEmpty: Bool { issues.isEmpty && overflow == 0 }
}

/// Thrown inside an import's transaction to roll it back when the file is refused or only checked.
struct RollbackImport: Error {}

import Capacita
import CapacitaFiles
import Dispatch
import Postgres

/// One kind of file import: how its rows are checked and staged, and how the staged rows are
/// checked together and merged. `StagedImportRunner` does the rest the same way for every kind.
protocol StagedImport {
    /// The batch kind recorded in import_batch.
    var kind: String { get }
    var columns: [ColumnSpec] { get }
    /// `COPY <stage> (…) FROM STDIN`.
    var copyStatement: String { get }
    /// Before the import's transaction: a stage kept for the session is made ready here.
    mutating func prepareSession(_ connection: Connection) throws
    /// Inside the import's transaction, before the COPY: a stage for this transaction only.
    func createStage(_ connection: Connection) throws
    associatedtype Check: RowCheck
    /// The checks of each row on its own, copied to the thread that reads the file.
    var rowCheck: Check { get }
    /// The stage row of a checked row.
    mutating func stageFields(_ row: Check.Checked) -> [String?]
    /// Checks that need the whole file or the database. `willMerge` is true when nothing is wrong
    /// so far and the run is not a dry run: a check the merge makes anyway (a unique key) may then
    /// be left to it, and the merge throws `MergeRefusal` with the detailed issues if it fails.
    func crossRowIssues(_ connection: Connection, willMerge: Bool, clock: inout PhaseClock) throws -> [ImportIssue]
    /// Staged rows that are new, and that change what is stored.
    func classify(_ connection: Connection) throws -> (imported: Int, updated: Int)
    /// Writes the staged rows; returns counts worth reporting beyond rows (constancias, …). Throws
    /// `MergeRefusal` for problems in the file it was left to find.
    func merge(_ connection: Connection, batch: Int64, clock: inout PhaseClock) throws -> [String: Int]
}

extension StagedImport {
    mutating func prepareSession(_ connection: Connection) throws {}
}

/// Runs a staged import: one pass for the fingerprint, then in one transaction a streamed pass that
/// checks every row and COPYs the valid ones into a temporary stage, the cross-row checks, and the
/// set-based merge. A file with any problem, or a dry run, rolls back and writes nothing.
struct StagedImportRunner {
    let connection: Connection
    let file: InputFile
    let agencyCode: String?
    let ranBy: String
    let dryRun: Bool
    let trace: (@Sendable (String, Double) -> Void)?

    func run<Import: StagedImport>(_ job: inout Import, progress: ((Int64) -> Void)?) throws -> ImportOutcome {
        var clock = PhaseClock(trace: trace)
        let fingerprint = try file.fingerprint()
        clock.lap("fingerprint")
        if case .failure(let problems) = fingerprint.encoding.encoding {
            let outcome = ImportOutcome.refused(rows: 0, issues: problems.issues, dryRun: dryRun)
            try AuditStore(connection: connection).recordRefusal(job.kind, file: file.name, outcome: outcome)
            return outcome
        }
        var outcome: ImportOutcome?
        try job.prepareSession(connection)
        do {
            try connection.withTransaction { connection in
                // Bulk statements over a million staged rows: compiling them (JIT) cost more than
                // it saved, and the hash tables of the checks spilled to disk at the default work_mem.
                try connection.execute("SET LOCAL jit = off")
                try connection.execute("SET LOCAL work_mem = '256MB'")
                try job.createStage(connection)
                var collector = IssueCollector()
                var summary = CSVStream.Summary()
                try connection.copyIn(job.copyStatement) { writer in
                    summary = try CSVStream(file: file, format: fingerprint.format, specs: job.columns).read(
                        checking: job.rowCheck, progress: progress,
                        row: { row in try writer.writeRow(job.stageFields(row)) },
                        refused: { issues in collector.append(contentsOf: issues) })
                }
                clock.lap("parse+validate+copy")
                collector.append(contentsOf: summary.issues)
                // Checked even when some rows were bad, so one report shows every problem.
                if summary.columns != nil, summary.rows > 0 {
                    collector.append(
                        contentsOf: try job.crossRowIssues(
                            connection, willMerge: collector.isEmpty && !dryRun,
                            clock: &clock))
                }
                clock.lap("cross-row checks")
                let ignored = summary.columns?.unknown ?? []
                guard collector.isEmpty else {
                    var refused = ImportOutcome.refused(
                        rows: summary.rows, issues: collector.issues, ignoredColumns: ignored,
                        dryRun: dryRun)
                    refused.unlisted += collector.overflow
                    refused.headerLine = summary.columns?.line ?? 1
                    outcome = refused
                    throw RollbackImport()
                }
                let counts = try job.classify(connection)
                clock.lap("classify")
                var result = ImportOutcome(
                    rows: summary.rows, imported: counts.imported, updated: counts.updated,
                    unchanged: summary.rows - counts.imported - counts.updated, rejected: [], unlisted: 0,
                    ignoredColumns: ignored, dryRun: dryRun, batchID: nil)
                result.headerLine = summary.columns?.line ?? 1
                if dryRun {
                    outcome = result
                    throw RollbackImport()
                }
                let batches = ImportBatchStore(connection: connection)
                let batch = try batches.open(
                    .init(
                        kind: job.kind, fileName: file.name, sha256: fingerprint.sha256,
                        agencyCode: agencyCode, ranBy: ranBy))
                do {
                    result.extra = try job.merge(connection, batch: batch, clock: &clock)
                } catch let refusal as MergeRefusal {
                    outcome = .refused(
                        rows: summary.rows, issues: refusal.issues, ignoredColumns: ignored, dryRun: dryRun)
                    outcome?.headerLine = result.headerLine
                    throw RollbackImport()
                }
                try batches.close(
                    batch, rows: result.rows, imported: result.imported, updated: result.updated,
                    unchanged: result.unchanged)
                try AuditStore(connection: connection).record(
                    "\(job.kind).import", target: file.name, batch: batch,
                    detail: ["rows": result.rows, "imported": result.imported, "updated": result.updated].merging(
                        result.extra, uniquingKeysWith: { first, _ in first }))
                result.batchID = batch
                outcome = result
            }
            clock.lap("commit")
        } catch is RollbackImport {}
        try AuditStore(connection: connection).recordRefusal(job.kind, file: file.name, outcome: outcome!)
        return outcome!
    }
}

/// Problems in the file found by the merge, which was left a check it makes anyway (see
/// `StagedImport.crossRowIssues`). The import is refused with them and writes nothing.
struct MergeRefusal: Error {
    var issues: [ImportIssue]
}

/// Times the phases of an import for whoever asked.
struct PhaseClock {
    let trace: (@Sendable (String, Double) -> Void)?
    private var last = DispatchTime.now().uptimeNanoseconds

    init(trace: (@Sendable (String, Double) -> Void)?) {
        self.trace = trace
    }

    mutating func lap(_ phase: String) {
        guard let trace else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        trace(phase, Double(now - last) / 1e9)
        last = now
    }
}

import Capacita
import Dispatch
import Postgres

/// Imports an enrollment file: streams it, checks every row, COPYs the valid ones into a staging
/// table, checks what needs the whole file or the database there, and merges set-based, all in
/// one transaction. A file with any problem writes nothing.
public struct EnrollmentImporter: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public struct Options: Sendable {
        /// `--agency`: a code, name or former name.
        public var agency: String?
        /// `--group`: the group every row joins.
        public var group: String?
        public var dryRun = false
        public var skipPrerequisites = false
        public var tiers: TierTable
        /// Who ran the import, recorded with the batch.
        public var ranBy: String
        /// Receives each phase's name and seconds (for benchmarks; CAPACITA_TIMINGS=1 in the CLI).
        public var trace: (@Sendable (String, Double) -> Void)?

        public init(agency: String? = nil, group: String? = nil, dryRun: Bool = false, skipPrerequisites: Bool = false,
                    tiers: TierTable, ranBy: String, trace: (@Sendable (String, Double) -> Void)? = nil) {
            self.trace = trace
            self.agency = agency
            self.group = group
            self.dryRun = dryRun
            self.skipPrerequisites = skipPrerequisites
            self.tiers = tiers
            self.ranBy = ranBy
        }
    }

    public func run(_ file: InputFile, options: Options, progress: ((Int64) -> Void)? = nil) throws -> ImportOutcome {
        var clock = PhaseClock(trace: options.trace)
        let fingerprint = try file.fingerprint()
        clock.lap("fingerprint")
        let registry = try AgencyStore(connection: connection).registry()
        var agency: Agency?
        if let name = options.agency {
            guard case let .found(found) = registry.resolve(name) else {
                return .refused(rows: 0, issues: [ImportIssue(line: 0, column: "--agency", value: name, message: "instancia desconocida")],
                                dryRun: options.dryRun)
            }
            agency = found
        }
        let groups = try GroupStore(connection: connection).codes()
        var validator = EnrollmentValidator(registry: registry, tiers: options.tiers, agency: agency, group: options.group,
                                            groups: groups)
        var outcome: ImportOutcome?
        do {
            try connection.withTransaction { connection in
                let sql = EnrollmentSQL(connection: connection)
                try sql.createStage()
                var collector = IssueCollector()
                var summary = CSVStream.Summary()
                try connection.copyIn(EnrollmentSQL.copyStage) { writer in
                    summary = try CSVStream(file: file, format: fingerprint.format, specs: EnrollmentValidator.columns).read(
                        progress: progress,
                        header: { columns, issues in
                            issues += validator.headerIssues(columns)
                            return issues.isEmpty
                        },
                        row: { row, issues in
                            var rowIssues: [ImportIssue] = []
                            if let valid = validator.validate(row, issues: &rowIssues) {
                                try writer.writeRow(EnrollmentSQL.stageFields(valid))
                            }
                            collector.append(contentsOf: rowIssues)
                        })
                }
                clock.lap("parse+validate+copy")
                collector.append(contentsOf: summary.issues)
                // Checked even when some rows were bad, so one pass over the report shows every problem.
                if summary.columns != nil, summary.rows > 0 {
                    collector.append(contentsOf: try sql.crossRowIssues(skipPrerequisites: options.skipPrerequisites))
                }
                clock.lap("cross-row checks")
                let ignored = summary.columns?.unknown ?? []
                guard collector.isEmpty else {
                    var refused = ImportOutcome.refused(rows: summary.rows, issues: collector.issues, ignoredColumns: ignored,
                                                        dryRun: options.dryRun)
                    refused.unlisted += collector.overflow
                    outcome = refused
                    throw RollbackImport()
                }
                let counts = try sql.classify()
                clock.lap("classify")
                var result = ImportOutcome(rows: summary.rows, imported: counts.imported, updated: counts.updated,
                                           unchanged: summary.rows - counts.imported - counts.updated, rejected: [], unlisted: 0,
                                           ignoredColumns: ignored, dryRun: options.dryRun, batchID: nil)
                if options.dryRun {
                    outcome = result
                    throw RollbackImport()
                }
                let batches = ImportBatchStore(connection: connection)
                let batch = try batches.open(.init(kind: "enrollment", fileName: file.name, sha256: fingerprint.sha256,
                                                   agencyCode: agency?.code, ranBy: options.ranBy))
                try sql.merge(batch: batch, clock: &clock)
                try batches.close(batch, rows: result.rows, imported: result.imported, updated: result.updated,
                                  unchanged: result.unchanged)
                result.batchID = batch
                outcome = result
            }
            clock.lap("commit")
        } catch is RollbackImport {}
        return outcome!
    }
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

import Capacita
import CapacitaFiles
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
        /// Files of at least this many rows get fresh statistics of their staged tables (ANALYZE)
        /// before the checks and the merge join them; smaller ones are planned from the
        /// statistics the session's stage already has (StageStatistics), which serve a file of
        /// about their size and save its ANALYZEs (bench/RESULTS.md, run I).
        public var analyzeStagesFrom: Int
        public static let defaultAnalyzeStagesFrom = 5_000

        public init(
            agency: String? = nil, group: String? = nil, dryRun: Bool = false, skipPrerequisites: Bool = false,
            tiers: TierTable, ranBy: String, trace: (@Sendable (String, Double) -> Void)? = nil,
            analyzeStagesFrom: Int = Options.defaultAnalyzeStagesFrom
        ) {
            self.analyzeStagesFrom = analyzeStagesFrom
            self.agency = agency
            self.group = group
            self.dryRun = dryRun
            self.skipPrerequisites = skipPrerequisites
            self.tiers = tiers
            self.ranBy = ranBy
            self.trace = trace
        }
    }

    public func run(_ file: InputFile, options: Options, progress: ((Int64) -> Void)? = nil) throws -> ImportOutcome {
        let registry = try AgencyStore(connection: connection).registry()
        var agency: Agency?
        // Who may enroll whom (AccessRules): an instructor no one; an enlace only its agency's people,
        // so its agency stands for --agency and every row must agree with it.
        let identity = connection.identity
        if identity?.role == .instructor {
            return .refused(
                rows: 0, issues: [AccessRules.Refusal.instructorEnrolls.issue(column: "")], dryRun: options.dryRun)
        }
        if identity?.role == .enlace, let mine = identity?.agency {
            if let name = options.agency {
                guard case .found(let named) = registry.resolve(name), named.code == mine else {
                    return .refused(
                        rows: 0, issues: [AccessRules.Refusal.otherAgency(mine).issue(column: "--agency")],
                        dryRun: options.dryRun)
                }
            }
            agency = registry.agency(code: mine)
        } else if let name = options.agency {
            switch registry.lookup(name) {
            case .success(let found): agency = found
            case .failure(let failure):
                return .refused(
                    rows: 0, issues: [ImportIssue(line: 0, column: "--agency", value: name, message: failure.message)],
                    dryRun: options.dryRun)
            }
        }
        // The grupo cells are checked against the database once staged (crossRowIssues), a
        // lookup per distinct code; `--group` names one, looked up here before the file is read.
        if let group = options.group.map(TrainingGroup.normalizeCode),
            try connection.query("SELECT 1 FROM training_group WHERE code = $1", [group]).rows.isEmpty
        {
            return .refused(
                rows: 0,
                issues: [ImportIssue(line: 0, column: "--group", value: group, message: "el grupo \(group) no existe")],
                dryRun: options.dryRun)
        }
        var job = EnrollmentImport(
            validator: EnrollmentValidator(
                registry: registry, tiers: options.tiers, agency: agency, group: options.group, groups: nil),
            skipPrerequisites: options.skipPrerequisites, analyzeStagesFrom: options.analyzeStagesFrom)
        return try StagedImportRunner(
            connection: connection, file: file, agencyCode: agency?.code, ranBy: options.ranBy,
            dryRun: options.dryRun, trace: options.trace
        ).run(&job, progress: progress)
    }
}

/// Enrollment rows through the staged import.
struct EnrollmentImport: StagedImport {
    let validator: EnrollmentValidator
    let skipPrerequisites: Bool
    let analyzeStagesFrom: Int
    /// Rows each stage table held when it was last analyzed (EnrollmentSQL.prepareStage).
    var analyzedRows: [String: Int] = [:]
    /// Staged rows per group, and the agencies staged: a few thousand entries however long the file.
    var groupRows: [String: Int] = [:]
    var agencies: Set<String> = []
    var stagedRows: Int { groupRows.values.reduce(0, +) }

    let kind = "enrollment"
    var columns: [ColumnSpec] { EnrollmentValidator.columns }
    var copyStatement: String { EnrollmentSQL.copyStage }

    mutating func prepareSession(_ connection: Connection) throws {
        analyzedRows = try EnrollmentSQL(connection: connection).prepareStage()
    }

    /// The session's stage is ready (`prepareSession`); nothing is made per transaction.
    func createStage(_ connection: Connection) throws {}

    private func sql(_ connection: Connection) -> EnrollmentSQL {
        EnrollmentSQL(
            connection: connection,
            statistics: StageStatistics(
                analyzedRows: analyzedRows, stagedRows: stagedRows, largeFrom: analyzeStagesFrom))
    }

    var rowCheck: EnrollmentValidator { validator }

    mutating func stageFields(_ row: EnrollmentRow) -> [String?] {
        groupRows[row.groupCode, default: 0] += 1
        agencies.insert(row.agencyCode)
        return EnrollmentSQL.stageFields(row)
    }

    func crossRowIssues(_ connection: Connection, willMerge: Bool, clock: inout PhaseClock) throws -> [ImportIssue] {
        try sql(connection).crossRowIssues(
            groups: groupRows, agencies: agencies, skipPrerequisites: skipPrerequisites,
            leaveGroupDuplicatesToMerge: willMerge,
            clock: &clock)
    }

    func classify(_ connection: Connection) throws -> (imported: Int, updated: Int) {
        try sql(connection).classify(stagedRows: stagedRows)
    }

    func merge(_ connection: Connection, batch: Int64, clock: inout PhaseClock) throws -> [String: Int] {
        try sql(connection).merge(batch: batch, clock: &clock)
    }
}

extension EnrollmentValidator: RowCheck {
    package mutating func check(_ row: CSVRow, issues: inout [ImportIssue]) -> EnrollmentRow? {
        validate(row, issues: &issues)
    }
}

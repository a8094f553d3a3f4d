import Capacita
import CapacitaFiles
import Foundation
import Postgres

/// The small-file imports (groups, headcounts, agencies, fichas) from bytes to report, in one place
/// the CLI and the service share: parse and check with the domain, apply the access rules, record
/// a refusal in the audit log, or write through the store.
public struct FileImports: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public func groups(_ file: InputFile, ranBy: String, dryRun: Bool = false) throws -> ImportOutcome {
        let bytes = try file.readAll()
        return Self.noting(bytes, GroupFile.columns, try groups(file, bytes: bytes, ranBy: ranBy, dryRun: dryRun))
    }

    public func headcounts(_ file: InputFile, ranBy: String, dryRun: Bool = false) throws -> ImportOutcome {
        let bytes = try file.readAll()
        return Self.noting(
            bytes, HeadcountFile.columns, try headcounts(file, bytes: bytes, ranBy: ranBy, dryRun: dryRun))
    }

    public func agencies(_ file: InputFile) throws -> ImportOutcome {
        let bytes = try file.readAll()
        return Self.noting(bytes, AgencyFile.columns, try agencies(file, bytes: bytes))
    }

    /// A sessions file (`grupo, fecha, inicio, fin, lugar`): each group in it ends with exactly its
    /// sessions. `group`: the file is that group's only (the service's `PUT …/sessions`).
    public func sessions(_ file: InputFile, ranBy: String, dryRun: Bool = false, group: String? = nil) throws
        -> ImportOutcome
    {
        let bytes = try file.readAll()
        return Self.noting(
            bytes, SessionFile.columns, try sessions(file, bytes: bytes, ranBy: ranBy, dryRun: dryRun, group: group))
    }

    /// The line the header was found on (a title or notes may sit above it), for the report. Only
    /// the start of the file is read again: the header is among its first rows.
    static func noting(_ bytes: [UInt8], _ specs: [ColumnSpec], _ outcome: ImportOutcome) -> ImportOutcome {
        var noted = outcome
        var newlines = 0
        var end = 0
        let limit = min(bytes.count, 64 << 10)
        while end < limit, newlines < HeaderLocator.searchedRows * 4 {
            if bytes[end] == 10 { newlines += 1 }
            end += 1
        }
        noted.headerLine = CSVDocument(bytes: Array(bytes[0..<end]), specs: specs).columns.line
        return noted
    }

    private func groups(_ file: InputFile, bytes: [UInt8], ranBy: String, dryRun: Bool) throws -> ImportOutcome {
        let context = GroupFile.Context(
            registry: try AgencyStore(connection: connection).registry(),
            catalog: Catalog(courses: try CatalogStore(connection: connection).courses()))
        switch GroupFile.parse(bytes, context: context) {
        case .failure(let issues):
            return try refused("groups", file, issues.issues, dryRun: dryRun)
        case .success(let groups):
            var foreign = foreignRows(groups.map { ($0.line, $0.group.agencyCode) }, column: "dependencia")
            // A code another agency already uses is theirs: an enlace's file cannot take it over.
            if let identity = connection.identity, identity.role == .enlace {
                let owners = Dictionary(
                    try connection.query(
                        "SELECT code, agency_code FROM training_group WHERE code = ANY($1::text[])",
                        [groups.map(\.group.code)]
                    ).map { (try $0.decode("code", as: String.self), try $0.decode("agency_code", as: String.self)) },
                    uniquingKeysWith: { first, _ in first })
                foreign += groups.filter { owners[$0.group.code].map { $0 != identity.agency } ?? false }.map {
                    AccessRules.Refusal.groupOfAnotherAgency.issue(line: $0.line, column: "grupo", value: $0.group.code)
                }
            }
            guard foreign.isEmpty else { return try refused("groups", file, foreign, dryRun: dryRun) }
            return try GroupStore(connection: connection).upsert(
                groups, fileName: file.name, sha256: try file.fingerprint().sha256, ranBy: ranBy, dryRun: dryRun)
        }
    }

    private func sessions(_ file: InputFile, bytes: [UInt8], ranBy: String, dryRun: Bool, group: String?) throws
        -> ImportOutcome
    {
        if let identity = connection.identity, identity.role == .instructor {
            return try refused(
                "sessions", file, [AccessRules.Refusal.sessionsOfAnotherAgency.issue(column: "")], dryRun: dryRun)
        }
        let store = GroupSessionStore(connection: connection)
        let groups = try store.groups()
        switch SessionFile.parse(bytes, context: SessionFile.Context(groups: groups, onlyGroup: group)) {
        case .failure(let issues):
            return try refused("sessions", file, issues.issues, dryRun: dryRun)
        case .success(let sessions):
            var foreign: [ImportIssue] = []
            if let identity = connection.identity, identity.role == .enlace {
                foreign = sessions.filter { groups[$0.session.groupCode]?.agencyCode != identity.agency }.map {
                    AccessRules.Refusal.sessionsOfAnotherAgency.issue(
                        line: $0.line, column: "grupo", value: $0.session.groupCode)
                }
            }
            guard foreign.isEmpty else { return try refused("sessions", file, foreign, dryRun: dryRun) }
            let register = try AttendanceStore(connection: connection).sessionsFileIssues(sessions)
            guard register.isEmpty else { return try refused("sessions", file, register, dryRun: dryRun) }
            return try store.replace(
                sessions, fileName: file.name, sha256: try file.fingerprint().sha256, ranBy: ranBy, dryRun: dryRun)
        }
    }

    private func headcounts(_ file: InputFile, bytes: [UInt8], ranBy: String, dryRun: Bool) throws -> ImportOutcome {
        if let refusal = adminOnly(file) { return try refused("headcount", file, [refusal], dryRun: dryRun) }
        switch HeadcountFile.parse(bytes, registry: try AgencyStore(connection: connection).registry()) {
        case .failure(let issues):
            return try refused("headcount", file, issues.issues, dryRun: dryRun)
        case .success(let rows):
            return try HeadcountStore(connection: connection).upsert(
                rows, fileName: file.name, sha256: try file.fingerprint().sha256, ranBy: ranBy, dryRun: dryRun)
        }
    }

    private func agencies(_ file: InputFile, bytes: [UInt8]) throws -> ImportOutcome {
        if let refusal = adminOnly(file) { return try refused("agencies", file, [refusal], dryRun: false) }
        let store = AgencyStore(connection: connection)
        switch AgencyFile.parse(bytes, existing: try store.agencies()) {
        case .failure(let issues):
            return try refused("agencies", file, issues.issues, dryRun: false)
        case .success(let agencies):
            let summary = try store.upsert(agencies)
            return ImportOutcome(
                rows: summary.rows, imported: summary.imported.count, updated: summary.updated.count,
                unchanged: summary.unchanged.count, rejected: [], unlisted: 0, ignoredColumns: [], dryRun: false,
                batchID: nil)
        }
    }

    /// Fichas in YAML or JSON (one or a list), or CSV (a row per agency and year).
    public func fichas(_ file: InputFile, ranBy: String, currentYear: Int) throws -> ImportOutcome {
        let reader = FichaReader(
            registry: try AgencyStore(connection: connection).registry(),
            years: ReportYears.range(currentYear: currentYear))
        let bytes = try file.readAll()
        let result: Result<[FichaReader.Read], ImportIssues>
        if file.name.lowercased().hasSuffix(".csv") || file.isWorkbook {
            result = reader.read(csv: bytes)
        } else {
            // YAML and JSON are decided like a CSV: a mixed file or undefined bytes refuse it by line.
            var survey = EncodingSurvey(declaredUTF8: file.utf16 != nil)
            survey.feed(bytes)
            switch survey.verdict.encoding {
            case .failure(let problems): result = .failure(problems)
            case .success(let encoding):
                result = reader.read(
                    yaml: encoding.decode(
                        bytes.starts(with: TextEncoding.utf8BOM) ? Array(bytes.dropFirst(3)) : bytes))
            }
        }
        switch result {
        case .failure(let issues):
            return try refused("ficha", file, issues.issues, dryRun: false)
        case .success(let read):
            let foreign = foreignRows(read.map { ($0.line, $0.ficha.agencyCode) }, column: "dependencia")
            guard foreign.isEmpty else { return try refused("ficha", file, foreign, dryRun: false) }
            return try FichaStore(connection: connection).importFichas(
                read.map(\.ficha), fileName: file.name, sha256: try file.fingerprint().sha256, ranBy: ranBy)
        }
    }

    /// An enlace writes its own agency's rows only (AccessRules); each other one is refused by line.
    private func foreignRows(_ rows: [(line: Int, agency: String)], column: String) -> [ImportIssue] {
        guard let identity = connection.identity, identity.role != .admin else { return [] }
        return rows.filter { identity.role == .instructor || $0.agency != identity.agency }.map {
            AccessRules.Refusal.otherAgency(identity.agency ?? "").issue(
                line: $0.line, column: column, value: $0.agency)
        }
    }

    /// Headcounts and the registry are the Secretaría Técnica's.
    private func adminOnly(_ file: InputFile) -> ImportIssue? {
        guard let identity = connection.identity, identity.role != .admin else { return nil }
        return AccessRules.Refusal.secretariaOnly.issue(column: "")
    }

    private func refused(_ kind: String, _ file: InputFile, _ issues: [ImportIssue], dryRun: Bool) throws
        -> ImportOutcome
    {
        let outcome = ImportOutcome.refused(rows: 0, issues: issues, dryRun: dryRun)
        try AuditStore(connection: connection).recordRefusal(kind, file: file.name, outcome: outcome)
        return outcome
    }
}

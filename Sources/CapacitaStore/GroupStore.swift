import Capacita
import CapacitaFiles
import Postgres

/// Stores groups and events, and reads them back with their enrollment counts.
public struct GroupStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Upserts groups by code, all or nothing. Refuses a cupo below the people already enrolled
    /// and a change of course for a group that already has people.
    public func upsert(
        _ groups: [NumberedGroup], fileName: String, sha256: String?, ranBy: String, dryRun: Bool = false
    ) throws -> ImportOutcome {
        var outcome: ImportOutcome?
        do {
            try connection.withTransaction { connection in
                try connection.execute(
                    """
                    CREATE TEMP TABLE group_stage (
                        line integer NOT NULL, code text COLLATE "C" NOT NULL, course_code text COLLATE "C", kind text NOT NULL,
                        agency_code text COLLATE "C" NOT NULL,
                        starts_on date NOT NULL, ends_on date, modality text, state text, capacity integer,
                        general_public integer NOT NULL, public_servants integer NOT NULL, format text, partner text
                    ) ON COMMIT DROP
                    """)
                try connection.copyIn(
                    """
                    COPY group_stage (line, code, course_code, kind, agency_code, starts_on, ends_on, modality, state, capacity,
                                      general_public, public_servants, format, partner) FROM STDIN
                    """
                ) { writer in
                    for numbered in groups {
                        let g = numbered.group
                        try writer.writeRow([
                            String(numbered.line), g.code, g.courseCode, g.kind.rawValue, g.agencyCode,
                            g.startsOn.description, g.endsOn?.description, g.modality?.rawValue, g.state,
                            g.capacity.map(String.init), String(g.generalPublic), String(g.publicServants),
                            g.format?.rawValue, g.partner,
                        ])
                    }
                }
                let issues = try conflicts()
                guard issues.isEmpty else {
                    outcome = .refused(rows: groups.count, issues: issues, dryRun: dryRun)
                    throw RollbackImport()
                }
                var batch: Int64?
                if !dryRun, let sha256 {
                    batch = try ImportBatchStore(connection: connection).open(
                        .init(
                            kind: "groups", fileName: fileName, sha256: sha256,
                            agencyCode: nil, ranBy: ranBy))
                }
                let changed = try connection.query(
                    """
                    INSERT INTO training_group AS g (code, course_code, kind, agency_code, starts_on, ends_on, modality, state,
                                                     capacity, general_public, public_servants, format, partner, batch_id)
                    SELECT code, course_code, kind, agency_code, starts_on, ends_on, modality, state, capacity,
                           general_public, public_servants, format, partner, $1 FROM group_stage ORDER BY code
                    ON CONFLICT (code) DO UPDATE SET
                        course_code = EXCLUDED.course_code, kind = EXCLUDED.kind, agency_code = EXCLUDED.agency_code,
                        starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, modality = EXCLUDED.modality,
                        state = EXCLUDED.state, capacity = EXCLUDED.capacity, general_public = EXCLUDED.general_public,
                        public_servants = EXCLUDED.public_servants, format = EXCLUDED.format, partner = EXCLUDED.partner,
                        batch_id = EXCLUDED.batch_id, updated_at = now()
                    WHERE (g.course_code, g.kind, g.agency_code, g.starts_on, g.ends_on, g.modality, g.state, g.capacity,
                           g.general_public, g.public_servants, g.format, g.partner)
                          IS DISTINCT FROM (EXCLUDED.course_code, EXCLUDED.kind, EXCLUDED.agency_code, EXCLUDED.starts_on,
                           EXCLUDED.ends_on, EXCLUDED.modality, EXCLUDED.state, EXCLUDED.capacity, EXCLUDED.general_public,
                           EXCLUDED.public_servants, EXCLUDED.format, EXCLUDED.partner)
                    RETURNING (xmax = 0) AS inserted
                    """, [batch])
                let imported = try changed.rows.filter { try $0.decode("inserted", as: Bool.self) }.count
                let updated = changed.rows.count - imported
                let result = ImportOutcome(
                    rows: groups.count, imported: imported, updated: updated,
                    unchanged: groups.count - imported - updated, rejected: [], unlisted: 0,
                    ignoredColumns: [], dryRun: dryRun, batchID: batch)
                outcome = result
                if let batch {
                    try ImportBatchStore(connection: connection).close(
                        batch, rows: result.rows, imported: imported,
                        updated: updated, unchanged: result.unchanged)
                }
                if dryRun { throw RollbackImport() }
                try AuditStore(connection: connection).record(
                    sha256 == nil ? "group.create" : "groups.import",
                    target: sha256 == nil ? groups.first?.group.code : fileName, batch: batch,
                    detail: ["rows": result.rows, "imported": imported, "updated": updated])
            }
        } catch is RollbackImport {}
        try AuditStore(connection: connection).recordRefusal("groups", file: fileName, outcome: outcome!)
        return outcome!
    }

    /// Staged groups that would contradict their enrollments.
    private func conflicts() throws -> [ImportIssue] {
        try connection.query(
            """
            SELECT s.line, s.code, s.capacity, s.course_code, g.course_code AS stored_course, n.enrolled::int AS enrolled
            FROM group_stage s
            JOIN training_group g ON g.code = s.code
            -- Every agency's people (db/migrations/0014): an enlace sees only its own in its group.
            JOIN group_counts(ARRAY(SELECT code::text FROM group_stage)) n ON n.group_code = s.code
            WHERE (s.capacity IS NOT NULL AND n.enrolled > s.capacity) OR s.course_code IS DISTINCT FROM g.course_code
            ORDER BY s.line
            """
        ).map { row in
            let enrolled: Int = try row.decode("enrolled")
            let line: Int = try row.decode("line")
            if try row.decode("course_code", as: String?.self) != row.decode("stored_course", as: String?.self) {
                return ImportIssue(
                    line: line, column: "curso", value: try row.decode("course_code", as: String?.self) ?? "",
                    message:
                        "el grupo ya tiene personas inscritas en \(try row.decode("stored_course", as: String?.self) ?? "un evento sin curso"); no se puede cambiar su curso"
                )
            }
            return ImportIssue(
                line: line, column: "cupo", value: String(try row.decode("capacity", as: Int.self)),
                message: "el grupo ya tiene \(enrolled) personas inscritas")
        }
    }

    private static let listingSelect = """
        SELECT g.code, g.course_code, c.title, g.kind, g.agency_code, g.starts_on::text AS starts_on, g.ends_on::text AS ends_on,
               g.modality, g.state, g.capacity, g.general_public, g.public_servants, g.format, g.partner,
               coalesce(n.enrolled, 0)::int AS enrolled, coalesce(n.acreditados, 0)::int AS acreditados,
               coalesce(n.bajas, 0)::int AS bajas
        FROM listed g
        LEFT JOIN course c ON c.code = g.course_code
        -- Every agency's people counted (db/migrations/0014): counts, not people; one call for all.
        LEFT JOIN group_counts(ARRAY(SELECT code::text FROM listed)) n ON n.group_code = g.code

        """

    /// Groups that start in a year, optionally of one organizing agency.
    public func list(year: Int, agency: String?) throws -> [GroupListing] {
        try list(period: .year(year), agency: agency)
    }

    /// The groups that started within the period's days: a group belongs to the period it started
    /// in, as an event does.
    public func list(period: ReportPeriod, agency: String?) throws -> [GroupListing] {
        try connection.query(
            """
            WITH listed AS (
                SELECT * FROM training_group
                WHERE starts_on BETWEEN $1::date AND $2::date
                  AND ($3::text IS NULL OR agency_code = $3))
            """ + Self.listingSelect + "ORDER BY g.starts_on, g.code",
            [period.from.description, period.to.description, agency]
        ).map(Self.listing)
    }

    /// The state each of these groups was given in (the groups file's `entidad`); a group
    /// without one is absent.
    public func states(of codes: [String]) throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        let pairs = try connection.query(
            "SELECT code, state FROM training_group WHERE code = ANY($1::text[]) AND state IS NOT NULL",
            [Array(Set(codes)).sorted()]
        ).map { row in (try row.decode("code", as: String.self), try row.decode("state", as: String.self)) }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    public func group(code: String) throws -> GroupListing? {
        try connection.query(
            "WITH listed AS (SELECT * FROM training_group WHERE code = $1)" + Self.listingSelect,
            [TrainingGroup.normalizeCode(code)]
        )
        .map(Self.listing).first
    }

    /// Every group code, for checking enrollment files.
    public func codes() throws -> Set<String> {
        Set(try connection.query("SELECT code FROM training_group").map { try $0.decode("code", as: String.self) })
    }

    private static func listing(_ row: Row) throws -> GroupListing {
        func date(_ column: String) throws -> CalendarDate? {
            try row.decode(column, as: String?.self).flatMap(CalendarDate.parse)
        }
        let group = TrainingGroup(
            code: try row.decode("code"), courseCode: try row.decode("course_code"),
            kind: TrainingKind(rawValue: try row.decode("kind")) ?? .capacitacion,
            agencyCode: try row.decode("agency_code"),
            startsOn: try date("starts_on")!, endsOn: try date("ends_on"),
            modality: try row.decode("modality", as: String?.self).flatMap(Modality.init(rawValue:)),
            state: try row.decode("state"), capacity: try row.decode("capacity"),
            generalPublic: try row.decode("general_public"), publicServants: try row.decode("public_servants"),
            format: try row.decode("format", as: String?.self).flatMap(EventFormat.init(rawValue:)),
            partner: try row.decode("partner"))
        return GroupListing(
            group: group, courseTitle: try row.decode("title"), enrolled: try row.decode("enrolled"),
            acreditados: try row.decode("acreditados"), bajas: try row.decode("bajas"))
    }
}

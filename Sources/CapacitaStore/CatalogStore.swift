import Capacita
import Foundation
import Postgres

/// Stores the course catalog.
public struct CatalogStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// What a load did, course by course.
    public struct LoadSummary: Sendable, Equatable {
        public var inserted: [String]
        public var updated: [String]
        public var unchanged: [String]
    }

    private struct Document: Encodable {
        var course: Course
        var sourceFile: String

        func encode(to encoder: any Encoder) throws {
            try course.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(sourceFile, forKey: .sourceFile)
            try container.encode(course.kind, forKey: .kind)
        }

        enum Key: String, CodingKey {
            case sourceFile = "source_file"
            case kind
        }
    }

    /// Loads a validated catalog in one transaction: new courses are inserted, changed ones
    /// updated in place, unchanged ones left untouched. Courses no longer in the files stay, so
    /// old records still resolve.
    @discardableResult
    public func load(_ catalog: Catalog) throws -> LoadSummary {
        let documents = catalog.courses.map { Document(course: $0, sourceFile: catalog.sourceFiles[$0.code] ?? "") }
        let json = try JSONParameter.encode(documents)
        return try connection.withTransaction { connection in
            let changed = try connection.query(
                """
                INSERT INTO course AS c (code, program, level, kind, title, modalities, hours, audience, objectives,
                                         temario, evaluation, min_score, min_attendance, justified_absences,
                                         max_group_size, counts_for_indicator, source_file, document)
                SELECT d->>'code', d->>'program', d->>'level', d->>'kind', d->>'title',
                       ARRAY(SELECT jsonb_array_elements_text(d->'modalities')),
                       (d->>'hours')::numeric, d->>'audience',
                       ARRAY(SELECT jsonb_array_elements_text(d->'objectives')),
                       d->'temario',
                       ARRAY(SELECT jsonb_array_elements_text(d->'evaluation')),
                       (d->'passing'->>'min_score')::numeric, (d->'passing'->>'min_attendance')::numeric,
                       d->'passing'->>'justified_absences',
                       (d->>'max_group_size')::integer, (d->>'counts_for_indicator')::boolean,
                       d->>'source_file', d - 'source_file'
                FROM jsonb_array_elements($1::jsonb) AS d
                ON CONFLICT (code) DO UPDATE SET
                    program = EXCLUDED.program, level = EXCLUDED.level, kind = EXCLUDED.kind, title = EXCLUDED.title,
                    modalities = EXCLUDED.modalities, hours = EXCLUDED.hours, audience = EXCLUDED.audience,
                    objectives = EXCLUDED.objectives, temario = EXCLUDED.temario, evaluation = EXCLUDED.evaluation,
                    min_score = EXCLUDED.min_score, min_attendance = EXCLUDED.min_attendance,
                    justified_absences = EXCLUDED.justified_absences,
                    max_group_size = EXCLUDED.max_group_size, counts_for_indicator = EXCLUDED.counts_for_indicator,
                    source_file = EXCLUDED.source_file, document = EXCLUDED.document, updated_at = now()
                WHERE c.document IS DISTINCT FROM EXCLUDED.document OR c.source_file IS DISTINCT FROM EXCLUDED.source_file
                RETURNING code, (xmax = 0) AS inserted
                """, [json])
            var inserted: [String] = []
            var updated: [String] = []
            for row in changed.rows {
                if try row.decode("inserted", as: Bool.self) {
                    inserted.append(try row.decode("code"))
                } else {
                    updated.append(try row.decode("code"))
                }
            }
            let touched = inserted + updated
            // Prerequisites go in after every course exists, so their foreign keys hold in any order.
            try connection.query("DELETE FROM course_prerequisite WHERE course_code = ANY($1::text[])", [touched])
            try connection.query(
                """
                INSERT INTO course_prerequisite (course_code, requires_code)
                SELECT d->>'code', p
                FROM jsonb_array_elements($1::jsonb) AS d, jsonb_array_elements_text(d->'prerequisites') AS p
                WHERE d->>'code' = ANY($2::text[])
                """, [json, touched])
            let untouched = Set(touched)
            try AuditStore(connection: connection).record(
                "catalog.load",
                detail: ["courses": catalog.courses.count, "inserted": inserted.count, "updated": updated.count])
            return LoadSummary(
                inserted: inserted.sorted(), updated: updated.sorted(),
                unchanged: catalog.courses.map(\.code).filter { !untouched.contains($0) })
        }
    }

    /// Every stored course, by code.
    public func courses() throws -> [Course] {
        let decoder = JSONDecoder()
        return try connection.query("SELECT document::text AS document FROM course ORDER BY code").map { row in
            try decoder.decode(Course.self, from: Data(try row.decode("document", as: String.self).utf8))
        }
    }

    public func course(code: String) throws -> Course? {
        let result = try connection.query("SELECT document::text AS document FROM course WHERE code = $1", [code])
        guard let text = try result.scalar(String.self) else { return nil }
        return try JSONDecoder().decode(Course.self, from: Data(text.utf8))
    }
}

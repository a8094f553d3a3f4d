import Capacita
import Postgres

/// Issues, revokes and reads constancias.
public struct ConstanciaStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Inside the caller's transaction: revokes the valid constancias of enrollments that are no
    /// longer acreditado, and issues one to each acreditado without one, among the enrollments
    /// that a results batch (or a drop) just changed.
    func reconcile(resultsBatch: Int64? = nil, group: String? = nil, curp: String? = nil) throws -> (
        issued: Int, revoked: Int
    ) {
        let scope: String
        let parameters: [any PostgresEncodable]
        if let resultsBatch {
            scope = "e.results_batch_id = $1"
            parameters = [resultsBatch]
        } else {
            scope = "e.group_code = $1 AND e.curp = $2"
            parameters = [group, curp]
        }
        let revoked = try connection.query(
            """
            UPDATE constancia c SET revoked_at = now(),
                revoked_reason = CASE e.status WHEN 'baja' THEN 'baja: ' || e.drop_reason ELSE 'el resultado cambió a ' || e.status END
            FROM enrollment e
            WHERE c.group_code = e.group_code AND c.curp = e.curp AND c.revoked_at IS NULL
              AND e.status <> 'acreditado' AND \(scope)
            """, parameters
        ).affectedRows
        let pending = try connection.query(
            """
            SELECT e.group_code, e.curp, extract(year FROM COALESCE(g.ends_on, g.starts_on))::int AS year
            FROM enrollment e JOIN training_group g ON g.code = e.group_code
            WHERE e.status = 'acreditado' AND \(scope)
              AND NOT EXISTS (SELECT 1 FROM constancia c WHERE c.group_code = e.group_code AND c.curp = e.curp AND c.revoked_at IS NULL)
            ORDER BY year, e.group_code, e.curp
            """, parameters
        ).map { row in
            (
                group: try row.decode("group_code", as: String.self), curp: try row.decode("curp", as: String.self),
                year: try row.decode("year", as: Int.self)
            )
        }
        guard !pending.isEmpty else { return (0, revoked) }
        // Reserve each year's folios in one statement; the row lock serializes concurrent issuers.
        var next: [Int: Int] = [:]
        for (year, people) in Dictionary(grouping: pending, by: \.year) {
            let last = try connection.query(
                """
                INSERT INTO constancia_sequence (year, last) VALUES ($1, $2)
                ON CONFLICT (year) DO UPDATE SET last = constancia_sequence.last + EXCLUDED.last
                RETURNING last
                """, [year, people.count]
            ).scalar(Int.self)!
            next[year] = last - people.count + 1
        }
        var random = SystemRandomNumberGenerator()
        var columns: [[String]] = Array(repeating: [], count: 6)
        for item in pending {
            let sequence = next[item.year]!
            next[item.year] = sequence + 1
            let values = [
                Constancia.folio(year: item.year, sequence: sequence), String(item.year), String(sequence),
                Constancia.code(using: &random), item.group, item.curp,
            ]
            for (index, value) in values.enumerated() { columns[index].append(value) }
        }
        // INSERT from arrays, not COPY: PostgreSQL refuses COPY FROM into a table under row-level
        // security, as constancia is for the application role. One statement either way.
        try connection.query(
            """
            INSERT INTO constancia (folio, year, sequence, code, group_code, curp)
            SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[])
            """, columns)
        return (pending.count, revoked)
    }

    private static let select =
        """
        SELECT c.folio, c.code, c.group_code, c.curp, p.given_names, p.first_surname, p.second_surname,
               co.code AS course_code, co.title, co.hours, g.starts_on::text AS starts_on, g.ends_on::text AS ends_on,
               a.name AS agency_name, to_char(c.issued_at, 'YYYY-MM-DD') AS issued_at,
               to_char(c.revoked_at, 'YYYY-MM-DD') AS revoked_at, c.revoked_reason
        FROM constancia c
        JOIN training_group g ON g.code = c.group_code
        JOIN course co ON co.code = g.course_code
        JOIN enrollment e ON e.group_code = c.group_code AND e.curp = c.curp
        JOIN agency a ON a.code = e.agency_code
        """ + PersonSeen.join() + "\n"

    public func list(group: String) throws -> [ConstanciaRecord] {
        try connection.query(
            Self.select + "WHERE c.group_code = $1 ORDER BY c.folio", [TrainingGroup.normalizeCode(group)]
        ).map(Self.record)
    }

    /// The constancias issued within the period's days (by the issue date they show, `issued_at`
    /// in UTC as every date here), of one group or of every group the caller sees (row-level
    /// security: an enlace its own agency's people, an instructor its groups').
    public func list(group: String?, period: ReportPeriod) throws -> [ConstanciaRecord] {
        try connection.query(
            Self.select + """
                WHERE ($1::text IS NULL OR c.group_code = $1)
                  AND (c.issued_at AT TIME ZONE 'UTC')::date BETWEEN $2::date AND $3::date
                ORDER BY c.folio
                """, [group.map(TrainingGroup.normalizeCode), period.from.description, period.to.description]
        ).map(Self.record)
    }

    public func find(folio: String) throws -> ConstanciaRecord? {
        try connection.query(Self.select + "WHERE c.folio = $1", [folio.uppercased()]).map(Self.record).first
    }

    public func find(code: String) throws -> ConstanciaRecord? {
        try connection.query(Self.select + "WHERE c.code = $1", [Constancia.normalizeCode(code)]).map(Self.record).first
    }

    public func verify(code: String) throws -> ConstanciaVerification? {
        let normalized = Constancia.normalizeCode(code)
        guard normalized.utf8.count <= 64 else { return nil }
        let found = try connection.query("SELECT * FROM constancia_verify($1)", [normalized]).map { row in
            var verification = ConstanciaVerification(
                folio: try row.decode("folio"),
                holder: PersonName(
                    givenNames: try row.decode("given_names"), firstSurname: try row.decode("first_initial"),
                    secondSurname: try row.decode("second_initial")),
                courseTitle: try row.decode("course_title"), hours: try row.decode("hours"),
                startsOn: CalendarDate.parse(try row.decode("starts_on"))!,
                endsOn: try row.decode("ends_on", as: String?.self).flatMap(CalendarDate.parse),
                issuedOn: try row.decode("issued_on"), revokedOn: try row.decode("revoked_on"))
            verification.cancelled = try row.decode("cancelled", as: Bool?.self) ?? false
            return verification
        }.first
        // And the SHA-256 of each PDF given out for it (db/migrations/0028).
        return try found.map { found in
            var found = found
            found.pdfs = try ConstanciaDocuments.issued(code: normalized, connection: connection)
            return found
        }
    }

    private static func record(_ row: Row) throws -> ConstanciaRecord {
        ConstanciaRecord(
            folio: try row.decode("folio"), code: try row.decode("code"), groupCode: try row.decode("group_code"),
            curp: Curp(stored: try row.decode("curp")),
            name: PersonName(
                givenNames: try row.decode("given_names"), firstSurname: try row.decode("first_surname"),
                secondSurname: try row.decode("second_surname")),
            courseCode: try row.decode("course_code"), courseTitle: try row.decode("title"),
            hours: try row.decode("hours"),
            startsOn: CalendarDate.parse(try row.decode("starts_on"))!,
            endsOn: try row.decode("ends_on", as: String?.self).flatMap(CalendarDate.parse),
            agencyName: try row.decode("agency_name"), issuedAt: try row.decode("issued_at"),
            revokedAt: try row.decode("revoked_at"), revokedReason: try row.decode("revoked_reason"))
    }
}

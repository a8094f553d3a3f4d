import Capacita
import Foundation
import Postgres

/// Stores fichas with their history.
public struct FichaStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Stores each ficha as the current version of its agency and year; the one it replaces is
    /// kept, marked superseded. A ficha identical to the current one changes nothing.
    public func importFichas(_ fichas: [Ficha], fileName: String, sha256: String, ranBy: String) throws -> ImportOutcome
    {
        try connection.withTransaction { connection in
            let batches = ImportBatchStore(connection: connection)
            let batch = try batches.open(
                .init(kind: "ficha", fileName: fileName, sha256: sha256, agencyCode: nil, ranBy: ranBy))
            var imported = 0
            var updated = 0
            var unchanged = 0
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            for ficha in fichas {
                let document = String(decoding: try encoder.encode(ficha), as: UTF8.self)
                let current = try connection.query(
                    """
                    SELECT version, document = $3::jsonb AS same FROM ficha
                    WHERE agency_code = $1 AND year = $2 AND superseded_at IS NULL FOR UPDATE
                    """, [ficha.agencyCode, ficha.year, document]
                ).rows.first
                if let current, try current.decode("same", as: Bool.self) {
                    unchanged += 1
                    continue
                }
                let version = (try current?.decode("version", as: Int.self) ?? 0) + 1
                if current != nil {
                    try connection.query(
                        "UPDATE ficha SET superseded_at = now() WHERE agency_code = $1 AND year = $2 AND superseded_at IS NULL",
                        [ficha.agencyCode, ficha.year])
                    updated += 1
                } else {
                    imported += 1
                }
                try connection.query(
                    """
                    INSERT INTO ficha (agency_code, year, version, total, document, source_file, batch_id)
                    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
                    """, [ficha.agencyCode, ficha.year, version, ficha.total, document, fileName, batch])
            }
            try batches.close(batch, rows: fichas.count, imported: imported, updated: updated, unchanged: unchanged)
            try AuditStore(connection: connection).record(
                "ficha.import", target: fileName, batch: batch,
                detail: ["rows": fichas.count, "imported": imported, "updated": updated])
            return ImportOutcome(
                rows: fichas.count, imported: imported, updated: updated, unchanged: unchanged, rejected: [],
                unlisted: 0, ignoredColumns: [], dryRun: false, batchID: batch)
        }
    }

    private static let select = """
        SELECT version, document::text AS document, source_file, to_char(imported_at, 'YYYY-MM-DD HH24:MI:SS') AS imported_at,
               to_char(superseded_at, 'YYYY-MM-DD HH24:MI:SS') AS superseded_at FROM ficha

        """

    /// The current ficha of every agency that answered for a year.
    /// Every agency's current ficha, for the national summary and plan: through a definer
    /// function, so an enlace's summary covers every agency, without the free-text observaciones
    /// (which may name someone).
    public func current(year: Int) throws -> [Ficha] {
        let decoder = JSONDecoder()
        return try connection.query("SELECT document::text AS document FROM ficha_national($1)", [year]).map {
            try decoder.decode(Ficha.self, from: Data(try $0.decode("document", as: String.self).utf8))
        }
    }

    public func current(agency: String, year: Int) throws -> FichaVersion? {
        try connection.query(
            Self.select + "WHERE agency_code = $1 AND year = $2 AND superseded_at IS NULL", [agency, year]
        )
        .map(Self.version).first
    }

    /// Every version, newest first.
    public func history(agency: String, year: Int) throws -> [FichaVersion] {
        try connection.query(
            Self.select + "WHERE agency_code = $1 AND year = $2 ORDER BY version DESC", [agency, year]
        ).map(Self.version)
    }

    private static func version(_ row: Row) throws -> FichaVersion {
        FichaVersion(
            version: try row.decode("version"),
            ficha: try JSONDecoder().decode(Ficha.self, from: Data(try row.decode("document", as: String.self).utf8)),
            sourceFile: try row.decode("source_file"), importedAt: try row.decode("imported_at"),
            supersededAt: try row.decode("superseded_at"))
    }
}

extension FichaStore {
    /// The projection from the year's current fichas: groups their needs ask for, and each tier's
    /// coverage if every listed post were trained (the command line's `ficha plan`, the service's
    /// `GET /v1/fichas/plan`).
    public func plan(year: Int, threshold: Decimal, needLevels: NeedLevels) throws -> FichaPlan {
        let headcounts = Dictionary(
            try HeadcountStore(connection: connection).list(year: year).map { ($0.agencyCode, $0) },
            uniquingKeysWith: { first, _ in first })
        return FichaPlan.make(
            fichas: try current(year: year),
            catalog: Catalog(courses: try CatalogStore(connection: connection).courses()),
            program: .pnc2022, needLevels: needLevels, headcounts: headcounts,
            trained: try CoverageStore(connection: connection).trained(
                year: year, options: CoverageOptions(threshold: threshold)),
            threshold: threshold)
    }
}

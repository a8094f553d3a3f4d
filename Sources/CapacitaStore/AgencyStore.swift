import Capacita
import CapacitaFiles
import Foundation
import Postgres

/// Stores the agency registry.
public struct AgencyStore: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public struct ImportSummary: Sendable, Equatable {
        public var rows: Int
        public var imported: [String]
        public var updated: [String]
        public var unchanged: [String]
    }

    /// Every agency with its former names, by code.
    public func agencies() throws -> [Agency] {
        try connection.query(
            """
            SELECT a.code, a.name, a.government_order, a.state, a.counts_in_indicator,
                   COALESCE((SELECT json_agg(f.name ORDER BY f.position)::text FROM agency_former_name f
                             WHERE f.agency_code = a.code), '[]') AS former_names
            FROM agency a ORDER BY a.code
            """
        ).map { row in
            let order: String = try row.decode("government_order")
            guard let governmentOrder = GovernmentOrder(rawValue: order) else {
                throw PostgresError.decoding(column: "government_order", type: "GovernmentOrder", value: order)
            }
            return Agency(
                code: try row.decode("code"), name: try row.decode("name"),
                formerNames: try JSONArray.strings(try row.decode("former_names")),
                order: governmentOrder, state: try row.decode("state"),
                countsInIndicator: try row.decode("counts_in_indicator"))
        }
    }

    public func registry() throws -> AgencyRegistry {
        AgencyRegistry(try agencies())
    }

    /// Upserts agencies by code in one transaction. A file's former names replace the stored
    /// ones, except that an agency whose name changes keeps its previous name as a former name:
    /// files written before the change still resolve.
    @discardableResult
    public func upsert(_ incoming: [Agency]) throws -> ImportSummary {
        try connection.withTransaction { _ in
            let current = Dictionary(uniqueKeysWithValues: try agencies().map { ($0.code, $0) })
            var imported: [String] = []
            var updated: [String] = []
            var unchanged: [String] = []
            var merged: [Agency] = []
            for var agency in incoming {
                if let stored = current[agency.code] {
                    if stored.name != agency.name,
                        !agency.formerNames.contains(where: { NameKey.make($0) == NameKey.make(stored.name) })
                    {
                        agency.formerNames.append(stored.name)
                    }
                    if stored == agency {
                        unchanged.append(agency.code)
                        continue
                    }
                    updated.append(agency.code)
                } else {
                    imported.append(agency.code)
                }
                merged.append(agency)
            }
            if !merged.isEmpty { try write(merged) }
            try AuditStore(connection: connection).record(
                "agencies.import", target: nil,
                detail: ["rows": incoming.count, "imported": imported.count, "updated": updated.count])
            return ImportSummary(rows: incoming.count, imported: imported, updated: updated, unchanged: unchanged)
        }
    }

    private struct Row: Encodable {
        var code, name, order: String
        var state: String?
        var counts: Bool
        var formerNames: [String]
    }

    private func write(_ agencies: [Agency]) throws {
        let json = try JSONParameter.encode(
            agencies.map {
                Row(
                    code: $0.code, name: $0.name, order: $0.order.rawValue, state: $0.state,
                    counts: $0.countsInIndicator, formerNames: $0.formerNames)
            })
        try connection.query(
            """
            INSERT INTO agency AS a (code, name, government_order, state, counts_in_indicator)
            SELECT d->>'code', d->>'name', d->>'order', d->>'state', (d->>'counts')::boolean
            FROM jsonb_array_elements($1::jsonb) AS d
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, government_order = EXCLUDED.government_order,
                state = EXCLUDED.state, counts_in_indicator = EXCLUDED.counts_in_indicator, updated_at = now()
            """, [json])
        try connection.query(
            """
            DELETE FROM agency_former_name WHERE agency_code IN (SELECT d->>'code' FROM jsonb_array_elements($1::jsonb) AS d)
            """, [json])
        try connection.query(
            """
            INSERT INTO agency_former_name (agency_code, name, position)
            SELECT d->>'code', f.name, f.position - 1
            FROM jsonb_array_elements($1::jsonb) AS d,
                 jsonb_array_elements_text(d->'formerNames') WITH ORDINALITY AS f(name, position)
            ON CONFLICT DO NOTHING
            """, [json])
    }
}

enum JSONArray {
    static func strings(_ text: String) throws -> [String] {
        guard let data = text.data(using: .utf8),
            let array = try JSONSerialization.jsonObject(with: data) as? [String]
        else {
            throw PostgresError.decoding(column: "former_names", type: "[String]", value: text)
        }
        return array
    }
}

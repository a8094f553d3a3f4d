import Capacita
import CapacitaFiles
import Foundation

// The events table's JSON shapes: its rows, the period it covers and its breakdowns.

public struct EventsRowJSON: Encodable {
    public var agency: String
    public var name: String
    public var capacitacion: EventCounts
    public var sensibilizacion: EventCounts

    public init(_ row: EventsRow) {
        agency = row.agency
        name = row.name
        capacitacion = row.capacitacion
        sensibilizacion = row.sensibilizacion
    }
}

public struct EventsJSON: Encodable {
    public var year: Int
    public var period: PeriodJSON
    public var rows: [EventsRowJSON]
    public var total: EventsRowJSON
    public var breakdowns: [BreakdownJSON]
    /// By formato and by partner (`EventSplit`), the same shape as a breakdown.
    public var splits: [BreakdownJSON]

    public init(
        year: Int, period: PeriodJSON, rows: [EventsRowJSON], total: EventsRowJSON, breakdowns: [BreakdownJSON],
        splits: [BreakdownJSON] = []
    ) {
        self.year = year
        self.period = period
        self.rows = rows
        self.total = total
        self.breakdowns = breakdowns
        self.splits = splits
    }

    enum CodingKeys: String, CodingKey { case year, period, rows, total, breakdowns, splits }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(year, forKey: .year)
        try container.encode(period, forKey: .period)
        try container.encode(rows, forKey: .rows)
        try container.encode(
            ["capacitacion": total.capacitacion, "sensibilizacion": total.sensibilizacion], forKey: .total)
        try container.encode(breakdowns, forKey: .breakdowns)
        try container.encode(splits, forKey: .splits)
    }
}

/// The days a report covers: as asked (`2024-T1`), and its first and last day.
public struct PeriodJSON: Encodable {
    public var label: String
    public var from: String
    public var to: String

    public init(_ period: ReportPeriod) {
        label = period.label
        from = period.from.description
        to = period.to.description
    }
}

/// One breakdown of a table: the dimension, what it is taken from, a line per value, the total.
public struct BreakdownJSON: Encodable {
    public struct Line: Encodable {
        public var key: String
        public var label: String
        /// Absent where the dimension splits people, not events (sex, audience).
        public var eventos: Int?
        public var publicoGeneral: Int
        public var servidoresPublicos: Int
        public var personas: Int

        init(_ row: BreakdownRow) {
            key = row.key
            label = row.label
            eventos = row.eventos
            publicoGeneral = row.publicoGeneral
            servidoresPublicos = row.servidoresPublicos
            personas = row.personas
        }

        enum CodingKeys: String, CodingKey {
            case key, label, eventos
            case publicoGeneral = "publico_general"
            case servidoresPublicos = "servidores_publicos"
            case personas
        }
    }

    public var by: String
    public var basis: String
    public var rows: [Line]
    public var total: Line

    public init(_ breakdown: EventBreakdown) {
        by = breakdown.breakdown.rawValue
        basis = breakdown.basis
        rows = breakdown.rows.map(Line.init)
        total = Line(breakdown.total)
    }

    public init(_ split: EventSplit) {
        by = split.dimension.rawValue
        basis = split.basis
        rows = split.rows.map(Line.init)
        total = Line(split.total)
    }
}

import CapacitaFiles
import Foundation

/// The indicator of the Programa Nacional para Prevenir y Sancionar la Trata de Personas
/// 2010-2012 (approved by decree, DOF 6 January 2011): «Capacitaciones y formación en materia de
/// trata de personas», training actions per year against the 2010 baseline (2,817 actions),
/// with the goal «Aumentar en un 20%». The baseline's count is data (db/seed/acciones-capacitacion.csv,
/// with its source named); the defaults below are the programme's own words.
public enum TrainingActionsIndicator {
    public static let name = "Capacitaciones y formación en materia de trata de personas"
    public static let programme = "Programa Nacional para Prevenir y Sancionar la Trata de Personas 2010-2012"
    /// The goal as the programme words it.
    public static let goal = "Aumentar en un 20%"
    /// The programme's baseline year: it reports training for 2010.
    public static let defaultBaselineYear = 2010
    /// «Aumentar en un 20%»: the change over the baseline, in percent.
    public static let defaultTarget: Decimal = 20
    /// The years the programme covers.
    public static let defaultSeries = 2010...2012
    /// The largest target a report accepts: ten times the baseline is already beyond any goal the
    /// programmes set; past it the number is a typing error.
    public static let targetLimit: Decimal = 1000

    /// What capacita counts as one training action (an **assumption**: the programme gives the
    /// count, not its unit).
    public static let definition =
        "cada grupo o evento que inició en el año, de capacitación o de sensibilización (una fila del archivo de"
        + " grupos): los eventos que cuenta el reporte de eventos"

    /// capacita's reading of the goal: each year's change from the baseline year, in percent; the
    /// target is met when the change reaches it (the programme gives the goal, not a formula).
    public static let formula = "Variación % = (acciones del año − acciones del año base) / acciones del año base × 100"

    public enum TargetProblem: Error, Sendable, Equatable, CustomStringConvertible {
        case notANumber(String)
        case outOfRange(Decimal)

        public var description: String {
            switch self {
            case .notANumber(let text): return "«\(text)» no es un porcentaje (por ejemplo 20 o 12.5)"
            case .outOfRange(let value):
                return "la meta \(value) % está fuera de 0 a \(TrainingActionsIndicator.targetLimit) %"
            }
        }
    }

    /// `20`, `12.5` or `12,5`: a change in percent from 0 to `targetLimit`.
    public static func target(_ text: String) -> Result<Decimal, TargetProblem> {
        let trimmed = text.trimmingSpaces()
        guard trimmed.utf8.count <= 12, !trimmed.isEmpty,
            trimmed.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 44 }),
            let value = Decimal(
                string: trimmed.replacingOccurrences(of: ",", with: "."), locale: Locale(identifier: "en_US_POSIX"))
        else { return .failure(.notANumber(String(text.prefix(20)))) }
        guard value >= 0, value <= targetLimit else { return .failure(.outOfRange(value)) }
        return .success(value)
    }
}

/// Training actions counted in published reports for years capacita holds no events of: data,
/// each with the document it comes from (db/seed/acciones-capacitacion.csv: `anio,acciones,fuente`).
public struct PublishedActions: Sendable, Equatable {
    public typealias Count = YearCount

    public var counts: [Int: Count]

    public init(_ counts: [Count]) {
        self.counts = Dictionary(counts.map { ($0.year, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Where the published counts are kept, from the project's root.
    public static let seedFile = "db/seed/acciones-capacitacion.csv"

    /// A source document's name: a title with its date.
    public static let sourceLimit = 300

    public static let columns: [ColumnSpec] = [
        ColumnSpec("anio", aliases: ["ano", "year"], required: true),
        ColumnSpec("acciones", aliases: ["actions"], required: true),
        ColumnSpec("fuente", aliases: ["source"], required: true),
    ]

    /// Every row, or every problem (line, column, value, message). A year at most once, within
    /// the programme's years up to `currentYear`; a count a whole number; a source named.
    public static func parse(_ bytes: [UInt8], currentYear: Int) -> Result<PublishedActions, ImportIssues> {
        YearCountFile.parse(bytes, columns: columns, currentYear: currentYear, sourceLimit: sourceLimit) {
            $0 == nil ? "debe ser un número entero no negativo" : nil
        }.map(PublishedActions.init)
    }
}

/// One year of the indicator: its count and where it comes from, its change from the baseline
/// and whether the target is met, and the official mark when it carries one.
public struct TrainingActionsYear: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The groups and events recorded in capacita that started in the year.
        case events
        /// A published report's figure (the document named).
        case published(String)
    }

    public var year: Int
    /// nil: no data (ND), never 0.
    public var actions: Int?
    public var source: Source?
    /// In percent, rounded to 2 places; nil when marked N/A or ND.
    public var change: Decimal?
    /// nil when marked N/A or ND.
    public var meets: Bool?
    /// N/A before the baseline year; ND without a count (or without the baseline's); p/ for the
    /// year in progress (or later): the count may still grow.
    public var mark: IndicatorMark?

    public init(
        year: Int, actions: Int?, source: Source?, change: Decimal?, meets: Bool?, mark: IndicatorMark?
    ) {
        self.year = year
        self.actions = actions
        self.source = source
        self.change = change
        self.meets = meets
        self.mark = mark
    }

    /// The source as a person reads it.
    public var sourceText: String? {
        switch source {
        case .events: return "eventos registrados en capacita"
        case .published(let document): return document
        case nil: return nil
        }
    }
}

/// The indicator's card: the baseline, the target and each year of the series.
public struct TrainingActionsCard: Sendable, Equatable {
    public var baselineYear: Int
    /// The baseline year's own count and source (ND when neither events nor data give one).
    public var baseline: TrainingActionsYear
    public var target: Decimal
    public var years: [TrainingActionsYear]

    public init(baselineYear: Int, baseline: TrainingActionsYear, target: Decimal, years: [TrainingActionsYear]) {
        self.baselineYear = baselineYear
        self.baseline = baseline
        self.target = target
        self.years = years
    }

    /// The actions a year needs to meet the target: the baseline's count increased by the target
    /// (2,817 × 1.2 = 3,380.4); nil without a baseline.
    public var targetActions: Decimal? {
        guard let base = baseline.actions else { return nil }
        return Exact.round(Decimal(base) * (100 + target) / 100, places: 2)
    }

    /// A year's count comes from the events recorded in capacita when it has any, from the
    /// published figures otherwise, and is ND (never 0) when neither says.
    public static func compute(
        baselineYear: Int, target: Decimal, years: ClosedRange<Int>, recorded: [Int: Int],
        published: PublishedActions, currentYear: Int
    ) -> TrainingActionsCard {
        func count(_ year: Int) -> (Int, TrainingActionsYear.Source)? {
            if let events = recorded[year], events > 0 { return (events, .events) }
            if let figure = published.counts[year] { return (figure.actions, .published(figure.source)) }
            return nil
        }
        let base = count(baselineYear)
        func value(_ year: Int) -> TrainingActionsYear {
            let found = count(year)
            var line = TrainingActionsYear(
                year: year, actions: found?.0, source: found?.1, change: nil, meets: nil, mark: nil)
            guard year >= baselineYear else {
                line.mark = .notApplicable
                return line
            }
            guard let actions = found?.0, let baseActions = base?.0, baseActions > 0 else {
                line.mark = .noData
                return line
            }
            line.change = Exact.round(
                Decimal(actions - baseActions) * 100 / Decimal(baseActions), places: Exact.percentPlaces)
            // Exact, not on the rounded change: 3,380 of 2,817 is 19.99 %, short of 20.
            line.meets = Decimal(actions) * 100 >= Decimal(baseActions) * (100 + target)
            if year >= currentYear { line.mark = .preliminary }
            return line
        }
        return TrainingActionsCard(
            baselineYear: baselineYear, baseline: value(baselineYear), target: target, years: years.map(value))
    }
}

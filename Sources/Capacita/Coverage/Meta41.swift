import CapacitaFiles
import Foundation

/// Meta 4.1 of the Programa Nacional 2022-2024, «Avance en la actualización del contenido temático
/// del Programa Nacional de Capacitación»: PAAC% = NAAC / TAP × 100, where NAAC is the actions that
/// updated the contents carried out in the year and TAP the actions programmed for it.
///
/// NAAC is read from the catalog's history (`CourseEvent`): every event of a counted kind dated in
/// the year, one per course and event. TAP is data (db/seed/acciones-programadas.csv, each row with
/// its source): the public sources capacita is built from give no programmed figure for any year,
/// so the file ships without rows and every year is ND until one is published.
public enum Meta41 {
    public static let code = "Meta 4.1"
    public static let name = "Avance en la actualización del contenido temático del Programa Nacional de Capacitación"
    public static let programme =
        "Programa Nacional para Prevenir, Sancionar y Erradicar los Delitos en Materia de Trata de Personas"
        + " y para la Protección y Asistencia a las Víctimas de estos Delitos 2022-2024"

    /// The method of calculation as the official card writes it.
    public static let officialMethod = "PAAC%=(NAAC/TAP)*100"
    /// capacita's clearer form of it.
    public static let method = "PAAC% = (NAAC/TAP) × 100"

    /// The first year the goal is reported (an **assumption**: the sources give no card for Meta
    /// 4.1). It belongs to the same programme as Parámetro 4.2, whose card starts at its 2021
    /// baseline and gives earlier years as N/A; capacita takes the same first year.
    public static let firstYear = IndicatorGoal.firstYear

    /// The catalog events that count as an action updating the contents: the plenary's approval
    /// of a course's contents and a later revision of them.
    public static let countedKinds: [CourseEvent.Kind] = [.aprobacion, .actualizacion]

    /// What NAAC counts, said on the card.
    public static let counts =
        "cada suceso del historial del catálogo con fecha en el año, uno por curso: aprobación del contenido"
        + " por el pleno (aprobacion) y actualización o revisión del contenido (actualizacion)"

    /// The marks as a reader meets them under the card.
    public static let marks =
        "N/A: año anterior a \(firstYear), primer año de la meta; ND: sin acciones programadas publicadas"
        + " para el año (o sin catálogo), nunca 0; p/: año en curso, cifra preliminar."
}

/// One action that updated a course's contents: a catalog history event of a counted kind.
public struct Meta41Action: Sendable, Equatable {
    public var course: String
    public var title: String
    public var event: CourseEvent

    public init(course: String, title: String, event: CourseEvent) {
        self.course = course
        self.title = title
        self.event = event
    }

    /// Every counted event of every course, by date, then course.
    public static func all(in courses: [Course]) -> [Meta41Action] {
        courses.flatMap { course in
            course.history.filter { Meta41.countedKinds.contains($0.kind) }.map {
                Meta41Action(course: course.code, title: course.title, event: $0)
            }
        }
        .sorted {
            ($0.event.date, $0.course, $0.event.kind.rawValue) < ($1.event.date, $1.course, $1.event.kind.rawValue)
        }
    }
}

/// The actions programmed per year (TAP), each with the document it comes from
/// (db/seed/acciones-programadas.csv: `anio,acciones,fuente`).
public struct ProgrammedActions: Sendable, Equatable {
    public typealias Count = YearCount

    public var counts: [Int: Count]

    public init(_ counts: [Count]) {
        self.counts = Dictionary(counts.map { ($0.year, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Where the programmed actions are kept, from the project's root.
    public static let seedFile = "db/seed/acciones-programadas.csv"

    public static let columns: [ColumnSpec] = [
        ColumnSpec("anio", aliases: ["ano", "year"], required: true),
        ColumnSpec("acciones", aliases: ["acciones_programadas", "tap", "actions"], required: true),
        ColumnSpec("fuente", aliases: ["source"], required: true),
    ]

    /// Every row, or every problem (line, column, value, message). A year at most once, within the
    /// programme's years up to next year; a whole number above 0 (with nothing programmed the
    /// percentage does not exist: the year is left out and is ND); a source named.
    public static func parse(_ bytes: [UInt8], currentYear: Int) -> Result<ProgrammedActions, ImportIssues> {
        YearCountFile.parse(
            bytes, columns: columns, currentYear: currentYear, sourceLimit: PublishedActions.sourceLimit
        ) { actions -> String? in
            guard let actions else { return "debe ser un número entero mayor que 0" }
            return actions == 0
                ? "debe ser mayor que 0: sin acciones programadas no hay porcentaje (deje el año fuera: ND)" : nil
        }.map(ProgrammedActions.init)
    }
}

/// One year of Meta 4.1: NAAC, TAP and where it comes from, the percent and its official mark.
public struct Meta41Year: Sendable, Equatable {
    public var year: Int
    /// The actions carried out in the year; nil (ND) only when the catalog holds no course.
    public var naac: Int?
    /// The actions programmed for the year; nil (ND) when no source gives them.
    public var tap: Int?
    public var tapSource: String?
    /// Rounded to 2 places; nil when marked N/A or ND.
    public var percent: Decimal?
    /// N/A before `Meta41.firstYear`; ND without TAP (or without a catalog); p/ for the year in
    /// progress or later.
    public var mark: IndicatorMark?
    /// The events NAAC counts.
    public var actions: [Meta41Action]

    public init(
        year: Int, naac: Int?, tap: Int?, tapSource: String?, percent: Decimal?, mark: IndicatorMark?,
        actions: [Meta41Action]
    ) {
        self.year = year
        self.naac = naac
        self.tap = tap
        self.tapSource = tapSource
        self.percent = percent
        self.mark = mark
        self.actions = actions
    }

    /// A year's value from every counted action of the catalog (nil: no catalog) and the
    /// programmed figures. Never a 0 made of missing data, never a division by 0.
    public static func compute(
        year: Int, catalog: [Meta41Action]?, programmed: ProgrammedActions, currentYear: Int,
        firstYear: Int = Meta41.firstYear
    ) -> Meta41Year {
        let done = catalog?.filter { $0.event.date.year == year }
        let planned = programmed.counts[year]
        var value = Meta41Year(
            year: year, naac: done?.count, tap: planned?.actions, tapSource: planned?.source, percent: nil, mark: nil,
            actions: done ?? [])
        guard year >= firstYear else {
            value.mark = .notApplicable
            return value
        }
        guard let naac = value.naac, let tap = value.tap, tap > 0 else {
            value.mark = .noData
            return value
        }
        value.percent = Exact.round(Decimal(naac) * 100 / Decimal(tap), places: Exact.percentPlaces)
        if year >= currentYear { value.mark = .preliminary }
        return value
    }

    /// The substitution as the official card prints it, `PAAC%=(1/2)*100`; nil when marked N/A or ND.
    public var officialFormula: String? {
        guard percent != nil, let naac, let tap else { return nil }
        return "PAAC%=(\(naac)/\(tap))*100"
    }

    /// The percent as a person reads it: `50.00`, `50.00 p/`, `ND`, `N/A`.
    public var percentText: String {
        switch (percent, mark) {
        case (_, .notApplicable): return IndicatorMark.notApplicable.rawValue
        case (nil, _): return IndicatorMark.noData.rawValue
        case (let value?, .preliminary): return Indicator.format(value) + " " + IndicatorMark.preliminary.rawValue
        case (let value?, _): return Indicator.format(value)
        }
    }

    /// capacita's clearer form, with the result and its mark: `PAAC% = (1/2) × 100 = 50.00 p/`.
    public var formula: String {
        let nd = IndicatorMark.noData.rawValue
        return "PAAC% = (\(naac.map(String.init) ?? nd)/\(tap.map(String.init) ?? nd)) × 100 = " + percentText
    }
}

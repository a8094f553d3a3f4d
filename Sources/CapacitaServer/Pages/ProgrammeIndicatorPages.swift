import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Hummingbird

/// The programme indicators' cards for the Secretaría Técnica, one page each, read with the API's
/// own options (`Meta41Controller.options`, `TrainingActionsController.options`): Meta 4.1
/// (`/meta41?year=&series=`) and the 2010-2012 programme's «Capacitaciones y formación en materia
/// de trata de personas» (`/acciones?baseline=&target=&series=`). A bad value is said on the page,
/// which then shows the defaults.
extension PagesController {
    func meta41Page(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        var problem: String?
        let fallback = Query.currentYear
        var (year, series) = (fallback, Meta41Report.defaultSeries(year: fallback))
        do throws(APIError) {
            (year, series) = try Meta41Controller.options(Query(request))
        } catch {
            problem = "\(error.message); se muestra la tarjeta del año en curso."
        }
        let (chosen, years, programmed) = (year, series, figures.programmed)
        let report = try await store.run(as: session.identity) {
            try ReportLoader(connection: $0).meta41(year: chosen, series: years, programmed: programmed)
        }
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        let card = report.card
        var lines: [ProgrammeCardView.Line] = [
            .init("NAAC (acciones de actualización realizadas en \(year))", card.naac.map(String.init) ?? "ND"),
            .init(
                "TAP (acciones de actualización programadas para \(year))",
                card.tap.map { "\($0) (fuente: \(card.tapSource ?? ""))" }
                    ?? "ND: ninguna fuente registrada da las acciones programadas para \(year)"),
            .init("Qué cuenta NAAC", Meta41.counts),
            .init("Método de cálculo", Meta41.officialMethod, formula: true),
            .init(
                "Sustitución en método de cálculo (como la imprime la ficha oficial)",
                card.officialFormula ?? card.percentText, formula: true),
            .init("Resultado", card.formula, formula: true),
        ]
        if card.mark == .preliminary {
            lines.append(.init("Nota", "p/ cifra preliminar: el año está en curso."))
        }
        lines.append(
            .init(
                "Primer año", "\(Meta41.firstYear), el de la línea base del Parámetro 4.2 del mismo programa (supuesto)"
            ))
        let view = ProgrammeCardView(
            title: Meta41.code, heading: "\(Meta41.code): \(Meta41.name)", problem: problem,
            cardTitle: "\(Meta41.code), \(year)", programme: Meta41.programme + ".", lines: lines,
            export: Self.exportLinks(request, path: "/meta41"), action: "/meta41",
            fields: [
                .year("year", "Año de la tarjeta", year),
                .text("series", "Serie (DESDE-HASTA)", "\(series.lowerBound)-\(series.upperBound)", hint: "2021-2024"),
            ],
            tables: report.sheets.map(Self.tableView), marks: Meta41.marks)
        return try page(.indicadorPrograma, PageView(view, signedInHeader(session)), status: .ok)
    }

    func actionsPage(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        var problem: String?
        var (baseline, target, series) = (
            TrainingActionsIndicator.defaultBaselineYear, TrainingActionsIndicator.defaultTarget,
            TrainingActionsIndicator.defaultSeries
        )
        do throws(APIError) {
            (baseline, target, series) = try TrainingActionsController.options(Query(request))
        } catch {
            problem = "\(error.message); se muestran los valores del programa."
        }
        let (base, goal, years, published) = (baseline, target, series, figures.published)
        let report = try await store.run(as: session.identity) {
            try ReportLoader(connection: $0).trainingActions(
                baselineYear: base, target: goal, series: years, published: published)
        }
        if let format = Self.exportFormat(request) { return try Self.download(report, format) }
        let card = report.card
        let targetText = Exact.shortText(target, places: Exact.percentPlaces)
        let view = ProgrammeCardView(
            title: "Acciones 2010-2012", heading: TrainingActionsIndicator.name, problem: problem,
            cardTitle: "\(TrainingActionsIndicator.name), \(series.lowerBound)-\(series.upperBound)",
            programme: TrainingActionsIndicator.programme + ".",
            lines: [
                .init("Meta del programa", "«\(TrainingActionsIndicator.goal)»"),
                .init("Acción de capacitación", TrainingActionsIndicator.definition),
                .init("Fórmula", TrainingActionsIndicator.formula, formula: true),
                .init(
                    "Año base \(baseline)",
                    card.baseline.actions.map { "\($0) acciones (\(card.baseline.sourceText ?? ""))" }
                        ?? "ND: sin eventos registrados ni cifra publicada"),
                .init(
                    "Meta en uso",
                    "variación de \(targetText) % o más sobre el año base"
                        + (card.targetActions.map {
                            ": \(Exact.shortText($0, places: Exact.percentPlaces)) acciones o más en el año"
                        } ?? "")),
            ],
            export: Self.exportLinks(request, path: "/acciones"), action: "/acciones",
            fields: [
                .year("baseline", "Año base", baseline),
                .text("target", "Meta (variación %)", targetText, hint: "20"),
                .text("series", "Serie (DESDE-HASTA)", "\(series.lowerBound)-\(series.upperBound)", hint: "2010-2012"),
            ],
            tables: report.sheets.map(Self.tableView), marks: TrainingActionsReport.marks)
        return try page(.indicadorPrograma, PageView(view, signedInHeader(session)), status: .ok)
    }

    /// A programme indicator's page (`indicador-programa.mustache`): the card as lines, the
    /// options as a form, the report's tables, the marks.
    struct ProgrammeCardView: Sendable {
        struct Line: Sendable {
            var term: String
            var value: String
            var formula: Bool

            init(_ term: String, _ value: String, formula: Bool = false) {
                self.term = term
                self.value = value
                self.formula = formula
            }
        }

        /// A form field: a year (a number input within the reports' years) or short text.
        struct Field: Sendable {
            var name: String
            var label: String
            var value: String
            var number: Bool
            var min: Int
            var max: Int
            var hint: String

            static func year(_ name: String, _ label: String, _ value: Int) -> Field {
                Field(
                    name: name, label: label, value: String(value), number: true, min: ReportYears.first,
                    max: ReportYears.range(currentYear: Query.currentYear).upperBound, hint: "")
            }

            static func text(_ name: String, _ label: String, _ value: String, hint: String) -> Field {
                Field(name: name, label: label, value: value, number: false, min: 0, max: 0, hint: hint)
            }
        }

        var title: String
        var heading: String
        var problem: String?
        var cardTitle: String
        var programme: String
        var lines: [Line]
        var export: ExportLinks
        var action: String
        var fields: [Field]
        var tables: [TableView]
        var marks: String
    }
}

import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

extension ReportCommand {
    /// `report actions`: the 2010-2012 programme's indicator, its defaults the programme's own.
    struct Actions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "actions",
            abstract:
                "Indicador del programa 2010-2012 «\(TrainingActionsIndicator.name)»: acciones de capacitación por año, su variación sobre el año base y si se cumple la meta."
        )

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Año base (\(YearArgument.help); predeterminado: \(TrainingActionsIndicator.defaultBaselineYear), el del programa).",
                valueName: "año"),
            transform: YearArgument.parse)
        var baseline: Int = TrainingActionsIndicator.defaultBaselineYear
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Meta: variación sobre el año base, en porcentaje (predeterminado: \(TrainingActionsIndicator.defaultTarget), «\(TrainingActionsIndicator.goal)»).",
                valueName: "porcentaje"),
            transform: { text in
                switch TrainingActionsIndicator.target(text) {
                case .success(let value): return value
                case .failure(let problem): throw ValidationError("--target: \(problem.description)")
                }
            })
        var target: Decimal = TrainingActionsIndicator.defaultTarget
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Años DESDE-HASTA (a lo más \(ReportYears.maxSeries); predeterminado: \(TrainingActionsIndicator.defaultSeries.lowerBound)-\(TrainingActionsIndicator.defaultSeries.upperBound), los del programa).",
                valueName: "desde-hasta"),
            transform: YearArgument.series)
        var series: ClosedRange<Int>?
        @OptionGroup var output: FormatOption

        func run() throws {
            let published = try Self.published()
            try output.emit(
                try ReportLoader(connection: try Database.connect()).trainingActions(
                    baselineYear: baseline, target: target, series: series ?? TrainingActionsIndicator.defaultSeries,
                    published: published))
        }

        /// The published counts, `db/seed/acciones-capacitacion.csv`.
        static func published() throws -> PublishedActions {
            let path =
                Project.root()?.appendingPathComponent(PublishedActions.seedFile).path ?? PublishedActions.seedFile
            switch PublishedActions.parse(try FileBytes.read(path), currentYear: YearArgument.currentYear) {
            case .success(let value): return value
            case .failure(let issues):
                throw Refused(
                    message: "\(path): cifras publicadas no válidas:\n"
                        + issues.issues.map(\.description).joined(separator: "\n"))
            }
        }
    }
}

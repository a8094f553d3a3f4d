import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Reportes: cobertura, Parámetro 4.2, eventos, grupo, curso, acciones de capacitación (2010-2012), Meta 4.1, multiplicadores.",
        subcommands: [
            Coverage.self, IndicatorReport.self, Events.self, Group.self, Course.self, Actions.self, Multipliers.self,
            Meta41Card.self,
        ]
    )

    struct Group: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "group",
            abstract:
                "Lista del grupo con resultados, conteos, tasa de acreditación, reacción y ganancia de aprendizaje.")

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @OptionGroup var breakdowns: BreakdownOption
        @OptionGroup var output: FormatOption

        func run() throws {
            guard
                let report = try ReportLoader(connection: try Database.connect(), masksEveryCURP: true).group(
                    code: code, by: breakdowns.by)
            else {
                throw Refused(message: "no hay un grupo con la clave \(code)")
            }
            try output.emit(report)
        }
    }

    struct Course: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "course",
            abstract:
                "Resultados de un curso en un año o un periodo (sus grupos que terminaron en él): en conjunto y por instancia."
        )

        @Argument(help: ArgumentHelp("Código del curso.", valueName: "código")) var code: String
        @Option(
            name: .long,
            help: ArgumentHelp("Año en que terminaron los grupos (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse
        )
        var year: Int?
        @OptionGroup var period: PeriodOptions
        @OptionGroup var breakdowns: BreakdownOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let chosen = try period.chosen(year: year)
            try output.emit(
                try ReportLoader(connection: try Database.connect()).course(
                    code: code, period: chosen, by: breakdowns.by))
        }
    }
}

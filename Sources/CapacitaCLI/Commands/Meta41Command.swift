import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

extension ReportCommand {
    /// `report meta41`: Meta 4.1's card for a year and its series.
    struct Meta41Card: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "meta41",
            abstract:
                "\(Meta41.code) «\(Meta41.name)»: PAAC% = NAAC/TAP × 100, las acciones de actualización del catálogo frente a las programadas."
        )

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Año de la tarjeta (\(YearArgument.help); predeterminado: el último de --series, o el año en curso).",
                valueName: "año"),
            transform: YearArgument.parse)
        var year: Int?
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Años DESDE-HASTA de la serie (a lo más \(ReportYears.maxSeries); predeterminado: de \(Meta41.firstYear) al año de la tarjeta).",
                valueName: "desde-hasta"),
            transform: YearArgument.series)
        var series: ClosedRange<Int>?
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Archivo de acciones programadas (anio,acciones,fuente; predeterminado: \(ProgrammedActions.seedFile)).",
                valueName: "archivo"))
        var programmed: String?
        @OptionGroup var output: FormatOption

        func run() throws {
            let programmed = try Self.programmed(self.programmed)
            let year = year ?? series?.upperBound ?? YearArgument.currentYear
            try output.emit(
                try ReportLoader(connection: try Database.connect()).meta41(
                    year: year, series: series ?? Meta41Report.defaultSeries(year: year),
                    programmed: programmed))
        }

        /// The programmed actions: the file given, or `db/seed/acciones-programadas.csv`.
        static func programmed(_ given: String?) throws -> ProgrammedActions {
            let path =
                given ?? Project.root()?.appendingPathComponent(ProgrammedActions.seedFile).path
                ?? ProgrammedActions.seedFile
            switch ProgrammedActions.parse(try FileBytes.read(path), currentYear: YearArgument.currentYear) {
            case .success(let value): return value
            case .failure(let issues):
                throw Refused(
                    message: "\(path): acciones programadas no válidas:\n"
                        + issues.issues.map(\.description).joined(separator: "\n"))
            }
        }
    }
}

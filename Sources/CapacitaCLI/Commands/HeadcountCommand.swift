import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

struct HeadcountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headcount",
        abstract: "Plantilla de cada instancia por nivel de mando y año (denominadores del Parámetro 4.2).",
        subcommands: [Import.self, List.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa un CSV (dependencia, anio, alto, medio, operativo); todo o nada.")

        @Argument(help: ArgumentHelp("Archivo CSV, de texto o libro .xlsx.", valueName: "archivo")) var file: String
        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            let outcome = try FileImports(connection: try Database.connect()).headcounts(input, ranBy: Operator.name)
            try ImportReport(outcome).emit(output)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Plantillas de un año.")

        @Option(
            name: .long, help: ArgumentHelp("Año (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int
        @OptionGroup var output: FormatOption

        func run() throws {
            let rows = try HeadcountStore(connection: try Database.connect()).list(year: year)
            try output.emit(HeadcountTable.table(rows), sheet: "Plantillas")
        }
    }
}

import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

struct AgencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Registro de instancias (dependencias) y sus nombres anteriores.",
        subcommands: [List.self, Import.self, Resolve.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista las instancias registradas.")

        @OptionGroup var output: FormatOption

        func run() throws {
            let agencies = try AgencyStore(connection: try Database.connect()).agencies()
            try output.emit(AgencyTable.table(agencies), sheet: "Instancias")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Importa instancias de un CSV (codigo,nombre,nombres_anteriores,orden,entidad,cuenta_en_indicador); todo o nada."
        )

        @Argument(help: ArgumentHelp("Archivo CSV, de texto o libro .xlsx.", valueName: "archivo"))
        var file: String

        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            try ImportReport(try FileImports(connection: try Database.connect()).agencies(input)).emit(output)
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Imprime el código de la instancia a la que corresponde un código, nombre o nombre anterior.")

        @Argument(
            help: ArgumentHelp(
                "Código, nombre o nombre anterior (sin importar mayúsculas, acentos ni puntuación).",
                valueName: "nombre"))
        var name: String

        func run() throws {
            print(try ReferenceData.agencyCode(name, connection: try Database.connect()))
        }
    }
}

import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Asistencia y resultados de evaluación (reacción, aprendizaje pre/post, calificación).",
        subcommands: [Import.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa un CSV de resultados; todo o nada.",
            discussion: """
                Columnas: curp, grupo, asistencia (0-100 %), pre y post (0-100), calificacion (0-100), \
                reaccion_metodologia, reaccion_instructores, reaccion_contenidos, reaccion_infraestructura (1-5). \
                Decimales con coma o punto. Solo curp y grupo son obligatorias: una celda vacía conserva el valor \
                guardado y la palabra «borrar» lo borra. El estado (acreditado / no acreditado) sigue la regla de \
                acreditación del curso; las constancias se emiten y revocan en consecuencia.
                """)

        @Argument(help: ArgumentHelp("Archivo CSV, de texto o libro .xlsx.", valueName: "archivo")) var file: String
        @Option(name: .long, help: ArgumentHelp("Grupo de todas las filas.", valueName: "grupo")) var group: String?
        @Flag(name: .long, help: "Solo valida y dice qué haría; no escribe nada.") var dryRun = false
        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            var progress = Progress(total: input.size)
            let outcome = try ResultsImporter(connection: try Database.connect()).run(
                input, options: .init(group: group, dryRun: dryRun, ranBy: Operator.name, trace: Timings.trace),
                progress: { progress.update($0) })
            try ImportReport(outcome).emit(output)
        }
    }
}

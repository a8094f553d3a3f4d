import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

// The attendance register from the command line: a file of marks in, a group's register out.
extension AttendanceCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa marcas del registro de asistencia (curp, grupo, fecha, asistencia); todo o nada.",
            discussion: """
                Una fila por persona y sesión. asistencia: sí, no o justificada (también 1 o 0; sin distinguir \
                mayúsculas ni acentos). La sesión es la del grupo en esa fecha; cuando el grupo tiene varias ese \
                día, la columna inicio (HH:MM) dice cuál. Volver a importar el archivo no cambia nada. El \
                porcentaje de asistencia de cada participante pasa a ser el del registro (README: «Attendance: \
                the register wins»), con la regla de faltas justificadas del curso, y su estado y sus constancias \
                se deciden con él.
                """)

        @Argument(help: ArgumentHelp("Archivo CSV, de texto o libro .xlsx.", valueName: "archivo")) var file: String
        @Flag(name: .long, help: "Solo valida y dice qué haría; no escribe nada.") var dryRun = false
        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            let outcome = try AttendanceImporter(connection: try Database.connect()).run(
                input, options: .init(dryRun: dryRun, ranBy: Operator.name))
            try ImportReport(outcome).emit(output)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Muestra el registro de asistencia de un grupo: una columna por sesión, y el porcentaje de cada participante."
        )

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @OptionGroup var output: FormatOption

        func run() throws {
            guard let register = try AttendanceStore(connection: try Database.connect()).register(group: code) else {
                throw Refused(message: "no hay un grupo con la clave \(code)")
            }
            try output.emit(register)
        }
    }
}

import ArgumentParser
import Capacita
import CapacitaPDF
import CapacitaStore
import Foundation

struct AttendanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract: "Asistencia por sesión: las listas de asistencia impresas.",
        subcommands: [Sheet.self, Import.self, Show.self, Attach.self, Evidence.self, Detach.self]
    )

    struct Sheet: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Escribe en PDF (tamaño carta) la lista de asistencia de las sesiones de un grupo: una fecha, o todas si no se da. Las bajas no aparecen."
        )

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @Option(
            name: .long, help: ArgumentHelp("Solo las sesiones de esta fecha (AAAA-MM-DD).", valueName: "fecha"),
            transform: { text in
                guard let date = CalendarDate.parse(text) else { throw ValidationError("«\(text)» no es una fecha") }
                return date
            })
        var date: CalendarDate?
        @Option(
            name: .customLong("blank-rows"),
            help: ArgumentHelp(
                "Renglones en blanco para quien llegue sin estar inscrito (predeterminado: \(AttendanceSheet.defaultBlankRows), a lo más \(AttendanceSheet.blankRowLimit)).",
                valueName: "número"))
        var blankRows: Int = AttendanceSheet.defaultBlankRows
        @Option(name: .long, help: ArgumentHelp("Archivo PDF de salida.", valueName: "archivo")) var out: String

        func validate() throws {
            guard (0...AttendanceSheet.blankRowLimit).contains(blankRows) else {
                throw ValidationError("--blank-rows va de 0 a \(AttendanceSheet.blankRowLimit)")
            }
        }

        func run() throws {
            let loader = AttendanceSheetLoader(connection: try Database.connect())
            let sheets: [AttendanceSheet]
            switch try loader.sheets(group: code, date: date, blankRows: blankRows) {
            case .noGroup: throw Refused(message: "no hay un grupo con la clave \(code)")
            case .noSession:
                throw Refused(message: "el grupo \(code) no tiene sesión el \(date?.description ?? "día indicado")")
            case .sheets(let found): sheets = found
            }
            let bytes: [UInt8]
            do {
                bytes = try AttendanceSheetPDF.render(sheets)
            } catch let error as PDFError {
                throw Refused(message: error.description)
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw Refused(message: "\(out): no se puede escribir")
            }
            let pages = sheets.map(AttendanceSheetPDF.pageCount).reduce(0, +)
            print(
                "\(sheets.count == 1 ? "Lista" : "\(sheets.count) listas") de asistencia de \(sheets[0].groupCode) "
                    + "(\(pages) \(pages == 1 ? "página" : "páginas")) escrita en \(out)")
        }
    }
}

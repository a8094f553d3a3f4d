import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

extension AttendanceCommand {
    /// `capacita attendance evidence G [--out DIR]`: the scans of a group's sessions, and with
    /// `--out` the files themselves.
    struct Evidence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Lista los escaneos de las listas firmadas de un grupo; con --out los guarda en una carpeta (id-nombre.extensión)."
        )

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @Option(
            name: .customLong("format"),
            help: ArgumentHelp(
                "Formato de la lista: table (para leer), json o csv (para programas).", valueName: "formato"),
            transform: FormatOption.parse)
        var format: OutputFormat = .table
        @Option(
            name: .long,
            help: ArgumentHelp("Carpeta donde guardar los archivos (se crea si no existe).", valueName: "carpeta"))
        var out: String?

        func validate() throws {
            if format == .xlsx { throw ValidationError("formatos válidos aquí: table, json o csv") }
            if let out, out.isEmpty { throw ValidationError("--out necesita una carpeta") }
        }

        func run() throws {
            let store = SessionEvidenceStore(connection: try Database.connect())
            guard let scans = try store.list(group: code) else {
                throw Refused(message: "no hay un grupo con la clave \(code)")
            }
            print(EvidenceTable.table(scans).render(format))
            guard let out else { return }
            let folder = URL(fileURLWithPath: out)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw Refused(message: "\(out): no se puede crear la carpeta")
            }
            var saved = 0
            for scan in scans {
                // One at a time: memory holds one scan, not the group's.
                guard let (evidence, bytes) = try store.content(id: scan.id) else { continue }
                let name = "\(evidence.id)-\(evidence.downloadBaseName).\(evidence.type.fileExtension)"
                do {
                    try Data(bytes).write(to: folder.appendingPathComponent(name), options: .atomic)
                } catch {
                    throw Refused(message: "\(out)/\(name): no se puede escribir")
                }
                saved += 1
            }
            Failure.printError(
                "\(Plural.count(saved, "archivo guardado", "archivos guardados")) en «\(out)».")
        }
    }

    /// `capacita attendance detach ID`: a scan removed, recorded in the audit log.
    struct Detach: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Quita un escaneo de lista firmada (por su id, el de «attendance evidence»); queda en la bitácora.")

        @Argument(help: ArgumentHelp("Id del escaneo.", valueName: "id")) var id: Int64

        func validate() throws {
            guard id > 0 else { throw ValidationError("el id es un número positivo") }
        }

        func run() throws {
            guard let gone = try SessionEvidenceStore(connection: try Database.connect()).detach(id: id) else {
                throw Refused(message: "no hay un escaneo de lista firmada con el id \(id)")
            }
            print("Quitado el escaneo \(gone.id) («\(gone.fileName)») de la sesión \(gone.sessionCode).")
        }
    }
}

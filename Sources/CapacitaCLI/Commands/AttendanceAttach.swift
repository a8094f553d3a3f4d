import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaServer
import CapacitaStore
import Foundation

extension AttendanceCommand {
    /// `capacita attendance attach G --date D [--start HH:MM] FILE`: a scanned signed list kept with
    /// its session, checked as the service checks an upload.
    struct Attach: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Adjunta a una sesión el escaneo de su lista de asistencia firmada (PDF, JPEG o PNG, reconocido por sus primeros bytes). El mismo archivo dos veces en la sesión se guarda una sola."
        )

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @Option(
            name: .long, help: ArgumentHelp("Fecha de la sesión (AAAA-MM-DD).", valueName: "fecha"),
            transform: { text in
                guard let date = CalendarDate.parse(text) else { throw ValidationError("«\(text)» no es una fecha") }
                return date
            })
        var date: CalendarDate
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Hora de inicio de la sesión (HH:MM), cuando el grupo tiene varias ese día.", valueName: "hora"),
            transform: { text in
                guard text.contains(":"), let time = ClockTime.parse(text) else {
                    throw ValidationError("«\(text)» no es una hora HH:MM")
                }
                return time
            })
        var start: ClockTime?
        @Option(
            name: .long,
            help: ArgumentHelp("Nombre con el que se guarda (predeterminado: el del archivo).", valueName: "nombre"))
        var name: String?
        @Argument(help: ArgumentHelp("El escaneo: PDF, JPEG o PNG.", valueName: "archivo")) var file: String
        @OptionGroup var output: FormatOption

        func run() throws {
            guard let limit = ServerConfiguration.evidenceLimit(ProcessInfo.processInfo.environment) else {
                throw ValidationError(
                    "\(ServerConfiguration.evidenceLimitVariable): un tamaño como 10MB, 512KB o un número de bytes")
            }
            let bytes = try Self.read(file, limit: limit)
            let type: EvidenceType
            do {
                type = try EvidenceCheck.check(bytes, declaredType: nil, limit: limit)
            } catch {
                throw Refused(message: "\(file): \(error.message)")
            }
            let store = SessionEvidenceStore(connection: try Database.connect())
            let session: GroupSession
            switch try store.target(group: code, date: date, start: start) {
            case .noGroup: throw Refused(message: "no hay un grupo con la clave \(code)")
            case .noSession:
                throw Refused(
                    message: "el grupo \(code) no tiene sesión el \(date)\(start.map { " a las \($0)" } ?? "")")
            case .startRequired(let starts): throw Refused(message: EvidenceProblem.startRequired(starts).message)
            case .session(let found, _): session = found
            }
            let fileName = SessionEvidence.fileName(
                name ?? URL(fileURLWithPath: file).lastPathComponent, session: session.code, type: type)
            let attached: SessionEvidenceStore.Attached
            do {
                attached = try store.attach(bytes, to: session, fileName: fileName)
            } catch SessionEvidenceStore.Refusal.noSession {
                throw Refused(message: "la sesión \(session.code) ya no está en el calendario del grupo")
            }
            try output.emit(
                EvidenceTable.record(
                    id: attached.id, session: attached.sessionCode, fileName: attached.fileName, type: attached.type,
                    size: attached.size, sha256: attached.sha256, created: attached.created,
                    attachedAt: attached.attachedAt), sheet: "Lista firmada")
            if !attached.created {
                Failure.printError("Ya estaba adjunta (lista \(attached.id)): no se guardó otra vez.")
            }
        }

        /// The file's bytes, refused past `limit` before it is read.
        static func read(_ path: String, limit: Int64) throws -> [UInt8] {
            let attributes: [FileAttributeKey: Any]
            do {
                attributes = try FileManager.default.attributesOfItem(atPath: path)
            } catch {
                throw Refused(message: "\(path): no se puede leer")
            }
            if let size = (attributes[.size] as? NSNumber)?.int64Value, size > limit {
                throw Refused(message: "\(path): \(EvidenceProblem.tooLarge(limit: limit).message)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Refused(message: "\(path): no se puede leer")
            }
            return [UInt8](data)
        }
    }
}

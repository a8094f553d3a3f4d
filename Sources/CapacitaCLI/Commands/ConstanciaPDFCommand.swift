import ArgumentParser
import Capacita
import CapacitaPDF
import CapacitaServer
import CapacitaStore
import Foundation

extension ConstanciaCommand {
    /// `capacita constancia pdf FOLIO --out c.pdf` and `capacita constancia pdf --group G --out
    /// constancias.zip`: the same PDFs the service gives, their SHA-256 recorded as issued.
    struct PDF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pdf",
            abstract:
                "Escribe una constancia en PDF, o las constancias válidas de un grupo en un ZIP (un PDF por folio); cada PDF queda registrado como emitido.",
            discussion:
                "El código QR y la dirección de verificación son CAPACITA_PUBLIC_URL seguida de /verificar/ y el código: la misma dirección pública que usa el servicio, que debe estar definida."
        )

        @Argument(help: ArgumentHelp("Folio (PNC-2024-000123).", valueName: "folio")) var folio: String?
        @Option(
            name: .long, help: ArgumentHelp("Todas las constancias válidas del grupo, en un ZIP.", valueName: "grupo"))
        var group: String?
        @Option(name: .long, help: ArgumentHelp("Archivo de salida (.pdf o .zip).", valueName: "archivo"))
        var out: String

        func validate() throws {
            guard (folio == nil) != (group == nil) else {
                throw ValidationError("dé un folio o --group, no ambos")
            }
        }

        /// The one public address (CAPACITA_PUBLIC_URL), checked as the service checks it. Without
        /// it the command refuses: a PDF issued with a made-up address would be recorded as issued.
        static func publicURL() throws -> String {
            let environment = ProcessInfo.processInfo.environment
            guard let url = environment["CAPACITA_PUBLIC_URL"], !url.isEmpty else {
                throw Refused(
                    message:
                        "defina CAPACITA_PUBLIC_URL (la dirección pública del servicio): la constancia lleva su dirección de verificación"
                )
            }
            do {
                return try AccountSettings.fromEnvironment(["CAPACITA_PUBLIC_URL": url], fallbackURL: url).publicURL
            } catch {
                throw Refused(message: error.description)
            }
        }

        func run() throws {
            let publicURL = try Self.publicURL()
            let documents = ConstanciaDocuments(connection: try Database.connect(), publicURL: publicURL)
            if let folio {
                try one(folio, documents)
            } else if let group {
                try writeZip(group, documents)
            }
        }

        private func one(_ folio: String, _ documents: ConstanciaDocuments) throws {
            let document: ConstanciaDocument
            switch try documents.document(folio: folio) {
            case .none: throw Refused(message: "no hay una constancia con el folio \(folio)")
            case .revoked(let folio, let day):
                throw Refused(message: "la constancia \(folio) fue revocada el \(day): no se emite su PDF")
            case .document(let found): document = found
            }
            let bytes = try Self.render(document)
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw Refused(message: "\(out): no se puede escribir")
            }
            try documents.recordIssued([(document.folio, ConstanciaDocuments.sha256(bytes))])
            print("Constancia \(document.folio) escrita en \(out) (SHA-256 \(ConstanciaDocuments.sha256(bytes)))")
        }

        /// The group's valid constancias, a page at a time (memory does not grow with the group),
        /// into a ZIP written beside `out` and moved there once whole.
        private func writeZip(_ group: String, _ documents: ConstanciaDocuments) throws {
            let code = TrainingGroup.normalizeCode(group)
            guard try GroupStore(connection: documents.connection).group(code: code) != nil else {
                throw Refused(message: "no hay un grupo con la clave \(group)")
            }
            let target = URL(fileURLWithPath: out)
            let partial = target.deletingLastPathComponent().appendingPathComponent(
                ".\(target.lastPathComponent).\(UUID().uuidString).parcial")
            defer { try? FileManager.default.removeItem(at: partial) }
            // The archive is closed when this returns, before the file is moved.
            func write() throws -> Int {
                let archive: ConstanciaArchive
                do {
                    archive = try ConstanciaArchive(creatingAt: partial)
                } catch {
                    throw Refused(message: "\(out): no se puede escribir")
                }
                var after: String?
                repeat {
                    let page = try documents.page(group: code, after: after)
                    var issued: [(folio: String, sha256: String)] = []
                    // A page is drawn on the machine's cores; then written in folio order.
                    let drawn = try Self.render(page.documents, threads: ProcessInfo.processInfo.activeProcessorCount)
                    for (document, bytes) in zip(page.documents, drawn) {
                        try archive.add(name: document.fileName, pdf: bytes, issuedOn: document.issuedOn)
                        issued.append((document.folio, ConstanciaDocuments.sha256(bytes)))
                    }
                    try documents.recordIssued(issued)
                    after = page.next
                } while after != nil
                return archive.entries
            }
            let count = try write()
            // rename(2): the whole ZIP replaces what was there, or nothing does.
            guard rename(partial.path, target.path) == 0 else {
                throw Refused(message: "\(out): no se puede escribir")
            }
            print("\(count) \(count == 1 ? "constancia" : "constancias") de \(code) escritas en \(out)")
        }

        static func render(_ document: ConstanciaDocument) throws -> [UInt8] {
            do {
                return try ConstanciaPDF.render(document)
            } catch let error as PDFError {
                throw Refused(message: error.description)
            }
        }

        static func render(_ documents: [ConstanciaDocument], threads: Int) throws -> [[UInt8]] {
            do {
                return try ConstanciaPDF.render(documents, threads: threads)
            } catch let error as PDFError {
                throw Refused(message: error.description)
            }
        }
    }
}

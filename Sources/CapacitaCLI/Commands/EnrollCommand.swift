import ArgumentParser
import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation

struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Inscripción de participantes desde los CSV que envían las instancias.",
        subcommands: [Import.self, Drop.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importa un CSV de inscripción (UTF-8 o Windows-1252, coma o punto y coma); todo o nada.",
            discussion: """
                Columnas: curp, nombre, primer_apellido, segundo_apellido, sexo, correo, dependencia, nivel, puesto, grupo.
                Cada problema se informa con su línea, columna, valor (la CURP enmascarada) y motivo; con cualquier \
                problema no se escribe nada y el estado de salida es 1. Importar de nuevo el mismo archivo no cambia nada.
                """)

        @Argument(help: ArgumentHelp("Archivo CSV, de texto o libro .xlsx.", valueName: "archivo")) var file: String
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Instancia de todas las filas (código, nombre o nombre anterior).", valueName: "instancia")) var agency:
            String?
        @Option(name: .long, help: ArgumentHelp("Grupo de todas las filas.", valueName: "grupo")) var group: String?
        @Flag(name: .long, help: "Solo valida y dice qué haría; no escribe nada.") var dryRun = false
        @Flag(name: .long, help: "Inscribe aunque no se hayan acreditado los cursos requisito.") var skipPrerequisites =
            false
        @OptionGroup var sheet: SheetOption
        @OptionGroup var output: FormatOption

        func run() throws {
            let input = try InputFile(path: file, sheet: sheet.sheet)
            let connection = try Database.connect()
            // Resolved here first so an unknown --agency reads like any other option, with the closest names.
            let agencyCode = try agency.map {
                try ReferenceData.agencyCode($0, connection: connection, option: "--agency")
            }
            var progress = Progress(total: input.size)
            let outcome = try EnrollmentImporter(connection: connection).run(
                input,
                options: .init(
                    agency: agencyCode, group: group, dryRun: dryRun, skipPrerequisites: skipPrerequisites,
                    tiers: try ReferenceData.tierTable(), ranBy: Operator.name,
                    trace: Timings.trace),
                progress: { progress.update($0) })
            try ImportReport(outcome).emit(output)
            Timings.reportPeakMemory()
        }
    }
}

extension EnrollCommand {
    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Da de baja a una persona de un grupo; su constancia, si la tenía, queda revocada.")

        @Option(name: .long, help: ArgumentHelp("Clave del grupo.", valueName: "grupo")) var group: String
        @Option(name: .long, help: ArgumentHelp("CURP de la persona.", valueName: "curp")) var curp: String
        @Option(name: .long, help: ArgumentHelp("Motivo de la baja.", valueName: "motivo")) var reason: String

        func run() throws {
            let parsed: Curp
            switch Curp.parse(curp) {
            case .success(let value): parsed = value
            case .failure(let problem):
                throw Refused(message: "CURP \(Curp.mask(curp.uppercased())): \(problem.message)")
            }
            do {
                let revoked = try EnrollmentStore(connection: try Database.connect()).drop(
                    group: group, curp: parsed, reason: reason)
                print(
                    "Baja registrada: \(parsed.masked) en \(TrainingGroup.normalizeCode(group))."
                        + (revoked > 0 ? " Constancia revocada." : ""))
            } catch let error as EnrollmentStore.DropError {
                throw Refused(message: error.description)
            }
        }
    }
}

/// CAPACITA_TIMINGS=1 prints each phase of an import on stderr (the benchmarks read it).
enum Timings {
    static var trace: (@Sendable (String, Double) -> Void)? {
        guard ProcessInfo.processInfo.environment["CAPACITA_TIMINGS"] == "1" else { return nil }
        return { phase, seconds in
            FileHandle.standardError.write(Data("\(phase): \(String(format: "%.3f", seconds)) s\n".utf8))
        }
    }

    /// The process's own peak resident memory (VmHWM), on Linux. Not getrusage: on Linux a child
    /// started from a large process reports that parent's peak as its own maxrss.
    static func reportPeakMemory() {
        guard trace != nil,
            let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return }
        FileHandle.standardError.write(Data("peak memory: \(String(format: "%.1f", kilobytes / 1024)) MB\n".utf8))
    }
}

import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Catálogo de cursos (cartas descriptivas en Courses/).",
        subcommands: [Load.self, List.self, Show.self]
    )

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Valida todos los archivos del catálogo y los carga todos o ninguno.")

        @Argument(help: ArgumentHelp("Carpeta del catálogo.", valueName: "carpeta"))
        var directory: String = "Courses"

        @OptionGroup var output: FormatOption

        func validate() throws {
            // Refused before the catalog loads: its summary is a line of text, not a table.
            if output.format == .xlsx { throw ValidationError("catalog load no escribe un libro: use table o json") }
        }

        func run() throws {
            let folder = URL(fileURLWithPath: directory)
            let files = try CatalogFiles.read(folder)
            let catalog = try Catalog.build(files: files).get()
            let connection = try Database.connect()
            let summary = try CatalogStore(connection: connection).load(catalog)
            switch output.format {
            case .json:
                try output.emit(
                    JSONOutput.string([
                        "inserted": summary.inserted, "updated": summary.updated, "unchanged": summary.unchanged,
                    ]))
            default:
                try output.emit(
                    "Catálogo cargado: \(Plural.count(catalog.courses.count, "curso", "cursos")) (\(Plural.count(summary.inserted.count, "nuevo", "nuevos")), \(Plural.count(summary.updated.count, "actualizado", "actualizados")), \(summary.unchanged.count) sin cambios)."
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista los cursos del catálogo.")

        @OptionGroup var output: FormatOption

        func run() throws {
            let courses = try CatalogStore(connection: try Database.connect()).courses()
            try output.emit(CourseTable.table(courses), sheet: "Cursos")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra la carta descriptiva de un curso.")

        @Argument(help: ArgumentHelp("Código del curso (por ejemplo PNC22-BAS).", valueName: "código"))
        var code: String

        @OptionGroup var output: FormatOption

        func run() throws {
            guard let course = try CatalogStore(connection: try Database.connect()).course(code: code.uppercased())
            else {
                throw Refused(message: "no hay un curso con el código \(code); vea: capacita catalog list")
            }
            let temario = Table(
                columns: ["topic", "hours"], rows: course.temario.map { [.text($0.topic), .number($0.hours)] })
            switch output.format {
            case .json:
                try output.emit(JSONOutput.string(course))
            case .csv:
                try output.emit(temario.render(.csv))
            case .table:
                try output.emit(TerminalText.lines(CourseSheet.text(course)))
            case .xlsx:
                let summary = CourseTable.table([course])
                try output.emit(
                    WorkbookDocument([
                        .record(Record(Array(zip(summary.columns, summary.rows[0]))), name: course.code),
                        WorkbookSheet(name: "Temario", content: .table(temario)),
                    ]))
            }
        }
    }
}

/// Reads every `*.yaml` under a catalog folder, with paths relative to it.
enum CatalogFiles {
    static func read(_ folder: URL) throws -> [(path: String, yaml: String)] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw Refused(message: "\(folder.path): no existe la carpeta del catálogo")
        }
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var files: [(path: String, yaml: String)] = []
        for case let relative as String in walker where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
            let url = folder.appendingPathComponent(relative)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw CatalogIssues([CatalogIssue(file: relative, field: "", message: "no se puede leer como UTF-8")])
            }
            files.append((relative, text))
        }
        return files.sorted { $0.path < $1.path }
    }
}

/// The carta descriptiva as text for the terminal.
enum CourseSheet {
    static func text(_ course: Course) -> String {
        func hours(_ value: Double) -> String { Cell.number(value).display }
        var lines = [
            "\(course.code)  \(course.title)",
            "Programa: \(course.program.rawValue)   Nivel: \(Labels.value(course.level.rawValue))   Tipo: \(Labels.value(course.kind.rawValue))",
            "Modalidades: \(Cell.codes(course.modalities.map(\.rawValue)).display)   Horas: \(hours(course.hours))   Cupo máximo: \(course.groupSizes.map { sizes in sizes.sorted { $0.key < $1.key }.map { "\($0.value) (\(Cell.code($0.key).display))" }.joined(separator: ", ") } ?? String(course.maxGroupSize))",
            "Dirigido a: \(course.audience)",
            "Objetivos:",
        ]
        lines += course.objectives.map { "  - \($0)" }
        lines.append("Temario:")
        lines += course.temario.map { "  - \($0.topic) (\(hours($0.hours)) h)" }
        lines.append("Evaluación: \(Cell.codes(course.evaluation.map(\.rawValue)).display)")
        lines.append(
            "Acredita con: calificación ≥ \(hours(course.passing.minScore)) y asistencia ≥ \(hours(course.passing.minAttendance)) %"
        )
        lines.append(
            "Faltas justificadas en el registro de asistencia: \(Labels.value("justified_\(course.passing.justifiedAbsences.rawValue)"))"
        )
        lines.append(
            "Requisitos: \(course.prerequisites.isEmpty ? "ninguno" : course.prerequisites.joined(separator: ", "))")
        lines.append("Cuenta para el Parámetro 4.2: \(course.countsForIndicator ? "sí" : "no")")
        return lines.joined(separator: "\n")
    }
}

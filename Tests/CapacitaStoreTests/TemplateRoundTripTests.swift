import Capacita
import CapacitaFiles
import CapacitaStore
import CapacitaXLSX
import Foundation
import Postgres
import TestSupport
import Testing
import ZIPFoundation

/// A template written by `capacita template`, filled in as a person would (rows typed under its
/// header, text cells as a spreadsheet stores them) and imported through the same pipeline.
@Suite struct TemplateRoundTripTests {
    /// Types rows under the header of a template's first sheet as a spreadsheet stores them: text
    /// as an inline string (a text-formatted column keeps digits as text too), and with
    /// `numbers`, digits typed into a number column as a number cell.
    static func fill(_ template: String, rows: [[String]], numbers: Bool = false) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-fill-\(UUID().uuidString)")
        let source = try Archive(url: URL(fileURLWithPath: template), accessMode: .read)
        var names: [String] = []
        for entry in source where entry.type == .file {
            _ = try source.extract(entry, to: folder.appendingPathComponent(entry.path))
            names.append(entry.path)
        }
        let sheetURL = folder.appendingPathComponent("xl/worksheets/sheet1.xml")
        var sheet = try String(contentsOf: sheetURL, encoding: .utf8)
        let columnStyle = try Regex(#"<col min="(\d+)" max="\d+" [^>]*style="(\d+)""#)
        let styles = Dictionary(
            sheet.matches(of: columnStyle).map { (Int($0.output[1].substring!)!, String($0.output[2].substring!)) },
            uniquingKeysWith: { first, _ in first })
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        let typed = rows.enumerated().map { index, cells in
            "<row r=\"\(index + 2)\">"
                + cells.enumerated().map { column, value -> String in
                    let reference = "\(SheetRows.letters(of: column))\(index + 2)"
                    if value.isEmpty { return "" }
                    if numbers, value.allSatisfy(\.isNumber) {
                        // A number typed into a formatted column takes the column's style (a date's).
                        let style = styles[column + 1].map { " s=\"\($0)\"" } ?? ""
                        return "<c r=\"\(reference)\"\(style)><v>\(value)</v></c>"
                    }
                    return "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(escape(value))</t></is></c>"
                }.joined() + "</row>"
        }.joined()
        sheet = sheet.replacingOccurrences(of: "</sheetData>", with: typed + "</sheetData>")
        try sheet.write(to: sheetURL, atomically: true, encoding: .utf8)
        let filled = folder.deletingLastPathComponent().appendingPathComponent("lleno-\(UUID().uuidString).xlsx")
        let archive = try Archive(url: filled, accessMode: .create)
        for name in names {
            try archive.addEntry(with: name, relativeTo: folder, compressionMethod: .deflate)
        }
        return filled.path
    }

    static func template(_ kind: TemplateKind, _ connection: Connection, agency: String?, year: Int = 2024) throws
        -> (path: String, lists: TemplateLists)
    {
        let lists = try TemplateSource(connection: connection).lists(
            kind, tiers: try repositoryTiers(), agency: agency, year: year)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plantilla-\(UUID().uuidString).xlsx")
            .path
        try TemplateWriter.write(kind, lists: lists, to: path)
        return (path, lists)
    }

    @Test func aFilledInEnrollmentTemplateImportsAndAgainChangesNothing() throws {
        try withLoadedDatabase { connection in
            try importGroups(EnrollmentImportTests.groups, into: connection)
            let (path, lists) = try Self.template(.enroll, connection, agency: "SICT")
            // Only SICT's groups of the year are offered, and only SICT as the dependencia.
            #expect(lists[.groups] == ["BAS-1", "INT-1"])
            #expect(lists[.agencies] == ["SICT"])
            // The template alone is its header, found whole: the only problem is that no row is filled in.
            let blank = try enroll(path, connection, dryRun: true)
            #expect(blank.rejected.map(\.message) == ["el archivo no tiene filas de datos"])
            // Columns in the template's order: curp, nombre, primer_apellido, segundo_apellido,
            // sexo, correo, dependencia, nivel, puesto, grupo.
            let filled = try Self.fill(
                path,
                rows: [
                    [
                        "HEGG560427MVZRRL04", "Gloria", "Hernández", "García", "M", "", "SICT", "enlace", "Analista",
                        "BAS-1",
                    ],
                    ["LOPM900315MJCPRR00", "María", "López", "Peña", "M", "", "SICT", "K", "Directora", "BAS-1"],
                ])
            let outcome = try enroll(filled, connection)
            #expect(outcome.accepted, "\(outcome.rejected)")
            #expect(outcome.rows == 2 && outcome.imported == 2)
            #expect(
                try connection.query("SELECT p.first_surname FROM person p JOIN enrollment e USING (curp) ORDER BY 1")
                    .map { try $0.decode("first_surname", as: String.self) } == ["Hernández", "López"])
            let again = try enroll(filled, connection)
            #expect(again.accepted && again.imported == 0 && again.unchanged == 2)
        }
    }

    /// The same template filled in and saved by LibreOffice (Tests/Fixtures/sheets/
    /// make-filled-template.sh): an office suite's shared strings, styles and validations, read
    /// by the import as they come.
    @Test func aTemplateFilledInAndSavedByLibreOfficeImports() throws {
        try withLoadedDatabase { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            let fixture = WorkbookImportTests.fixture("plantilla-llena.xlsx")
            let outcome = try enroll(fixture, connection)
            #expect(outcome.accepted, "\(outcome.rejected)")
            #expect(outcome.rows == 3 && outcome.imported == 3 && outcome.headerLine == 1)
            #expect(
                try connection.query(
                    "SELECT e.group_code || ' ' || p.first_surname AS e FROM enrollment e JOIN person p USING (curp) ORDER BY 1"
                ).map { try $0.decode("e", as: String.self) } == [
                    "SICT-BAS-2024-01 Gómez", "SICT-BAS-2024-01 Hernández", "SICT-BAS-2024-01 López",
                ])
        }
    }

    /// Dates typed into the date columns are serial days with the column's date format, as a
    /// spreadsheet stores them; the cupo a number.
    @Test func aFilledInGroupsTemplateImportsItsDates() throws {
        try withLoadedDatabase { connection in
            let (path, _) = try Self.template(.groups, connection, agency: nil)
            // grupo, curso, tipo, dependencia, inicio, fin, modalidad, entidad, cupo, …; 2024-03-04 is 45355.
            let filled = try Self.fill(
                path,
                rows: [
                    ["SICT-BAS-9", "PNC22-BAS", "capacitacion", "SICT", "45355", "45359", "presencial", "DF", "30"]
                ],
                numbers: true)
            let outcome = try FileImports(connection: connection).groups(try InputFile(path: filled), ranBy: "t")
            #expect(outcome.accepted, "\(outcome.rejected)")
            #expect(try WorkbookImportTests.storedGroups(connection) == ["SICT-BAS-9 2024-03-04 2024-03-08 30"])
        }
    }

    @Test func aFilledInHeadcountTemplateImports() throws {
        try withLoadedDatabase { connection in
            let (path, _) = try Self.template(.headcounts, connection, agency: nil)
            let filled = try Self.fill(path, rows: [["SICT", "2024", "12", "80", "400"]], numbers: true)
            let outcome = try FileImports(connection: connection).headcounts(try InputFile(path: filled), ranBy: "t")
            #expect(outcome.accepted, "\(outcome.rejected)")
            #expect(
                try connection.query("SELECT alto + medio + operativo AS n FROM headcount WHERE agency_code = 'SICT'")
                    .map { try $0.decode("n", as: Int.self) } == [492])
        }
    }

    /// The header is the import's own columns; each column has a note; nivel, sexo and
    /// dependencia (and grupo, for an agency) are drop-downs over the Listas sheet; a second sheet
    /// explains every column.
    @Test func aTemplateCarriesNotesDropDownsAndAnExplanation() throws {
        try withLoadedDatabase { connection in
            try importGroups(EnrollmentImportTests.groups, into: connection)
            let (path, _) = try Self.template(.enroll, connection, agency: "SICT")
            let header = String(decoding: try InputFile(path: path).readAll(), as: UTF8.self)
                .split(separator: "\n").first.map(String.init)
            #expect(header == EnrollmentValidator.columns.map(\.name).joined(separator: ","))
            let workbook = try WorkbookPart.text(path, "xl/workbook.xml")
            for name in ["Inscripción", "Instrucciones", "Listas"] { #expect(workbook.contains("name=\"\(name)\"")) }
            let comments = try WorkbookPart.text(path, "xl/comments1.xml")
            #expect(comments.contains("curp (obligatoria)") && comments.contains("puesto (opcional)"))
            let sheet = try WorkbookPart.text(path, "xl/worksheets/sheet1.xml")
            // nivel (H), sexo (E), dependencia (G) and grupo (J) are lists.
            let listRule = try Regex(#"<dataValidation type="list"[^>]*sqref="([A-Z]+)2:[A-Z]+1048576""#)
            let listed = Set(sheet.matches(of: listRule).map { String($0.output[1].substring!) })
            #expect(listed == ["E", "G", "H", "J"])
            let listSheet = String(decoding: try InputFile(path: path, sheet: "Listas").readAll(), as: UTF8.self)
            #expect(listSheet.contains("enlace") && listSheet.contains("SICT"))
            #expect(!listSheet.contains("SECTUR"))
            let guide = String(decoding: try InputFile(path: path, sheet: "Instrucciones").readAll(), as: UTF8.self)
            for column in EnrollmentValidator.columns { #expect(guide.contains("\n\(column.name),")) }
        }
    }

    /// Every kind's template header is read by its import as a header (no missing column).
    @Test func everyTemplatesHeaderIsItsImportsHeader() throws {
        try withLoadedDatabase { connection in
            for kind in TemplateKind.allCases {
                let (path, lists) = try Self.template(kind, connection, agency: nil)
                let header = String(decoding: try InputFile(path: path).readAll(), as: UTF8.self)
                    .split(separator: "\n").first.map(String.init)
                #expect(header == kind.columns.map(\.name).joined(separator: ","), "\(kind)")
                for column in TemplateGuide.columns(kind) {
                    #expect(!column.meaning.isEmpty, "\(kind).\(column.name) has no explanation")
                    // The example a note shows passes the column's own check.
                    switch column.check {
                    case .list(let list) where list != .groups:
                        #expect(lists[list].contains(column.example), "\(kind).\(column.name): \(column.example)")
                    case .whole(let range):
                        #expect(Int(column.example).map(range.contains) == true, "\(kind).\(column.name)")
                    case .number(let range):
                        #expect(Double(column.example).map(range.contains) == true, "\(kind).\(column.name)")
                    case .date:
                        #expect(CalendarDate.parse(column.example) != nil, "\(kind).\(column.name)")
                    default: break
                    }
                }
            }
        }
    }
}

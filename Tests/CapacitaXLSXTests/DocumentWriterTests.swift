import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation
import TestSupport
import Testing
import ZIPFoundation

@testable import CapacitaXLSX

/// Workbooks written by libxlsxwriter, read back by the project's own importer (cell values) and
/// by their XML parts (formats, frozen header, widths), so each property is checked where it lives.
@Suite struct DocumentWriterTests {
    static func path(_ name: String = "libro.xlsx") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }

    static func lines(_ path: String, sheet: String? = nil) throws -> [String] {
        String(decoding: try InputFile(path: path, sheet: sheet).readAll(), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    static let sample = Table(
        columns: ["group", "enrolled", "percent", "starts_on", "tier_meets", "headcount", "ends_on", "name"],
        rows: [
            [
                .text("BAS-1"), .int(12), .percentage(Rounded(12.5, places: 2)), .date("2024-03-04"), .bool(true), .nd,
                .null, .text("=HYPERLINK(\"http://x\")"),
            ],
            [
                .text("0012"), .int(0), .percentage(Rounded(100, places: 2)), .date("2024-12-31"), .bool(false),
                .int(40), .date("2025-01-10"), .text("José Ñúñez"),
            ],
        ])

    @Test func aTablesCellsKeepTheirTypesAndTheHeaderIsSpanish() throws {
        let path = try Self.path()
        try DocumentWriter.write(WorkbookDocument(Self.sample, sheet: "Grupos"), to: path)
        let lines = try Self.lines(path)
        #expect(
            lines == [
                "grupo,inscritas,porcentaje,inicio,nivel cumple,plantilla,fin,nombre",
                // The percentage is the fraction (a spreadsheet computes with it), the date a date
                // cell read back as its day, a boolean a boolean; ND stays ND, never 0.
                "BAS-1,12,0.125,2024-03-04,VERDADERO,ND,,\"=HYPERLINK(\"\"http://x\"\")\"",
                "0012,0,1,2024-12-31,FALSO,40,2025-01-10,José Ñúñez",
            ])
        let sheet = try WorkbookPart.text(path, "xl/worksheets/sheet1.xml")
        // Read back as text above; here, each cell's own type in the sheet's XML: numbers as
        // numbers, the percentage as its fraction, the day as Excel's serial day (2024-03-04 is
        // 45355), the boolean as a boolean, text as text.
        for (cell, pattern) in [
            ("B2", #"<c r="B2" s="\d+"><v>12</v></c>"#), ("C2", #"<c r="C2" s="\d+"><v>0.125</v></c>"#),
            ("D2", #"<c r="D2" s="\d+"><v>45355</v></c>"#), ("E2", #"<c r="E2" t="b"><v>1</v></c>"#),
            ("A3", #"<c r="A3" t="inlineStr"><is><t>0012</t></is></c>"#),
        ] {
            #expect(sheet.contains(try Regex(pattern)), "\(cell)")
        }
        // Text that looks like a formula is a string cell, never a formula that a spreadsheet runs.
        #expect(!sheet.contains("<f>"))
        #expect(sheet.contains(#"<c r="H2" t="inlineStr"><is><t>=HYPERLINK"#))
    }

    @Test func theHeaderIsFrozenFilteredAndColumnsAreFitted() throws {
        let path = try Self.path()
        try DocumentWriter.write(WorkbookDocument(Self.sample, sheet: "Grupos"), to: path)
        let sheet = try WorkbookPart.text(path, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""))
        #expect(sheet.contains("<autoFilter ref=\"A1:H3\""))
        // Eight fitted columns: «nivel cumple» (12 characters) is wider than «fin».
        let widths = try Regex(#"<col min="(\d+)" max="\d+" width="([0-9.]+)""#)
        let found = sheet.matches(of: widths).map { (Int($0.output[1].substring!)!, Double($0.output[2].substring!)!) }
        #expect(found.count == 8)
        let byColumn = Dictionary(uniqueKeysWithValues: found)
        #expect(byColumn[5]! > byColumn[7]!)
        let styles = try WorkbookPart.text(path, "xl/styles.xml")
        #expect(styles.contains("formatCode=\"0.00%\""))
        #expect(styles.contains("formatCode=\"yyyy\\-mm\\-dd\"") || styles.contains("formatCode=\"yyyy-mm-dd\""))
    }

    @Test func aCardSheetComesBeforeItsTableSheet() throws {
        let path = try Self.path()
        let card = WorkbookSheet(
            name: "Parámetro 4.2",
            content: .fields(
                title: "Parámetro 4.2, 2024",
                [
                    .init("nii", .int(3)), .init("tii", .int(4)), .init("percent", .percentage(Rounded(75, places: 2))),
                    .init("formula", .text("PII% = (3/4) × 100 = 75.00 %")),
                ]))
        try DocumentWriter.write(
            WorkbookDocument([card, WorkbookSheet(name: "Instancias", content: .table(Self.sample))]), to: path)
        #expect(
            try Self.lines(path) == [
                "\"Parámetro 4.2, 2024\"", "dato,valor", "NII,3", "TII,4", "porcentaje,0.75",
                "fórmula,PII% = (3/4) × 100 = 75.00 %",
            ])
        #expect(try Self.lines(path, sheet: "Instancias").count == 3)
        let workbook = try WorkbookPart.text(path, "xl/workbook.xml")
        #expect(workbook.range(of: "Parámetro 4.2")!.lowerBound < workbook.range(of: "Instancias")!.lowerBound)
    }

    @Test func sheetNamesAreMadeValidForExcel() throws {
        #expect(XLSXBook.sheetName("Ene/Feb: [borrador]?") == "Ene-Feb- -borrador--")
        #expect(XLSXBook.sheetName(String(repeating: "á", count: 40)).count == 31)
        #expect(XLSXBook.sheetName("  ") == "Hoja1")
        #expect(XLSXBook.sheetName("'Hoja'") == "Hoja")
        // A decomposed accent is one character and two code units: cut by units, whole characters.
        let decomposed = XLSXBook.sheetName(String(repeating: "e\u{301}", count: 40))
        #expect(decomposed.utf16.count <= 31 && decomposed.unicodeScalars.last == "\u{301}")
        // Each of these names is taken by libxlsxwriter itself.
        let path = try Self.path()
        let sheets = ["Ene/Feb: [borrador]?", String(repeating: "e\u{301}", count: 40), "'Hoja'", "  "].map {
            WorkbookSheet(name: $0, content: .table(Self.sample))
        }
        try DocumentWriter.write(WorkbookDocument(sheets), to: path)
        #expect(try Self.lines(path, sheet: "Hoja").count == 3)
    }

    /// A failure half way leaves no file, and the file already at the path stays as it was.
    @Test func aWorkbookThatFailsToWriteLeavesTheOldFileAlone() throws {
        let path = try Self.path()
        try Data("anterior".utf8).write(to: URL(fileURLWithPath: path))
        let twice = WorkbookDocument([
            WorkbookSheet(name: "Grupos", content: .table(Self.sample)),
            WorkbookSheet(name: "grupos", content: .table(Self.sample)),
        ])
        #expect(throws: WorkbookWriteError.library("dos hojas tendrían el mismo nombre", sheet: "grupos")) {
            try DocumentWriter.write(twice, to: path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "anterior")
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["libro.xlsx"])
    }

    @Test func aDayBeforeExcelsFirstStaysText() throws {
        let path = try Self.path()
        try DocumentWriter.write(
            WorkbookDocument(Table(columns: ["starts_on"], rows: [[.date("1899-12-30")]]), sheet: "Días"), to: path)
        #expect(try WorkbookPart.text(path, "xl/worksheets/sheet1.xml").contains("<t>1899-12-30</t>"))
    }

    @Test func aTableLongerThanASheetIsRefusedBeforeAnythingIsWritten() throws {
        let path = try Self.path()
        let rows = [[Cell]](repeating: [.int(1)], count: XLSXBook.maxRows)
        #expect(throws: WorkbookWriteError.tooManyRows(sheet: "Lista", rows: XLSXBook.maxRows + 1)) {
            try DocumentWriter.write(WorkbookDocument(Table(columns: ["n"], rows: rows), sheet: "Lista"), to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFolderThatCannotBeWrittenIsNamed() {
        #expect(throws: WorkbookWriteError.cannotCreate(path: "/nonexistent-folder/x.xlsx")) {
            try DocumentWriter.write(
                WorkbookDocument(Self.sample, sheet: "Grupos"), to: "/nonexistent-folder/x.xlsx")
        }
    }

    @Test func theBytesForAResponseAreAWorkbook() throws {
        let data = try DocumentWriter.data(WorkbookDocument(Self.sample, sheet: "Grupos"))
        #expect(data.starts(with: [0x50, 0x4B, 0x03, 0x04]))
    }
}

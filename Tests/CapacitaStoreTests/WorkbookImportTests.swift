import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// Workbooks written by LibreOffice (Tests/Fixtures/sheets/make.sh, from the .fods beside them),
/// imported through the same pipeline as CSV.
@Suite struct WorkbookImportTests {
    static func fixture(_ name: String) -> String {
        TestDatabase.projectRoot.appendingPathComponent("Tests/Fixtures/sheets/\(name)").path
    }

    static func storedGroups(_ connection: Connection) throws -> [String] {
        try connection.query(
            "SELECT code || ' ' || starts_on::text || ' ' || coalesce(ends_on::text, '-') || ' ' || coalesce(capacity::text, '-') AS g FROM training_group ORDER BY code"
        ).map { try $0.decode("g", as: String.self) }
    }

    /// Dates are date cells (by their number format) in the 1900 and 1904 date systems, and a cupo
    /// is a number cell: both read as the CSV would write them.
    @Test func groupsWithDateCellsInBothDateSystemsImportTheSameDates() throws {
        for system in ["1900", "1904"] {
            try withLoadedDatabase { connection in
                let file = try InputFile(path: Self.fixture("grupos-\(system).xlsx"))
                #expect(file.isWorkbook)
                let outcome = try FileImports(connection: connection).groups(file, ranBy: "test")
                #expect(outcome.accepted, "\(system): \(outcome.rejected)")
                #expect(
                    try Self.storedGroups(connection) == ["BAS-1 2024-03-04 2024-03-08 3", "BAS-2 2024-04-01 - 40"],
                    "\(system)")
            }
        }
    }

    /// An empty first sheet is passed over; a title and an empty row sit above the header; a
    /// surname in rich text (a bold run), a puesto typed as a 14-digit number, a dependencia given
    /// by a formula (its cached value), accents throughout.
    @Test func anEnrollmentSheetImportsAsItsCSVWould() throws {
        try withLoadedDatabase { connection in
            try importGroups(
                EnrollmentImportTests.groups.replacingOccurrences(of: ",DF,3", with: ",DF,5"), into: connection)
            let outcome = try enroll(Self.fixture("inscripcion.xlsx"), connection)
            #expect(outcome.accepted, "\(outcome.rejected)")
            #expect(outcome.rows == 3 && outcome.imported == 3 && outcome.headerLine == 3)
            let people = try connection.query(
                "SELECT p.first_surname, e.position_title, e.agency_code FROM person p JOIN enrollment e USING (curp) ORDER BY p.curp"
            ).map {
                "\(try $0.decode("first_surname", as: String.self)) \(try $0.decode("position_title", as: String?.self) ?? "-") \(try $0.decode("agency_code", as: String.self))"
            }
            #expect(
                people == ["Gómez Jefe de departamento SICT", "Hernández Analista SICT", "López 12345678901234 SICT"])
            // Sent again: nothing changes.
            let again = try enroll(Self.fixture("inscripcion.xlsx"), connection)
            #expect(again.accepted && again.imported == 0 && again.unchanged == 3)
        }
    }

    /// A problem's line is the sheet's row number (row 6 is empty, so Carlos is row 7).
    @Test func aProblemIsReportedOnTheSheetsRowNumber() throws {
        try withLoadedDatabase { connection in
            // Without the group BAS-1, every row is refused on its own sheet row.
            let outcome = try enroll(Self.fixture("inscripcion.xlsx"), connection)
            #expect(outcome.rejected.map { "\($0.line):\($0.column)" } == ["4:grupo", "5:grupo", "7:grupo"])
        }
    }

    /// A small-file import (groups, headcounts, agencies) says which line held its header.
    @Test func aSmallFileReportsTheLineOfItsHeader() throws {
        try withLoadedDatabase { connection in
            let titled = try temporaryFile(
                "Grupos de SICT, 2024\n;;;;\n" + EnrollmentImportTests.groups, name: "grupos.csv")
            let outcome = try FileImports(connection: connection).groups(try InputFile(path: titled), ranBy: "t")
            #expect(outcome.accepted, "\(outcome.rejected)")
            #expect(outcome.headerLine == 3)
            let plain = try temporaryFile(EnrollmentImportTests.groups, name: "grupos.csv")
            #expect(
                try FileImports(connection: connection).groups(try InputFile(path: plain), ranBy: "t").headerLine == 1)
        }
    }

    @Test func aNamedSheetIsReadAndAMissingOneIsNamed() throws {
        try withLoadedDatabase { connection in
            try importGroups(EnrollmentImportTests.groups, into: connection)
            let named = try EnrollmentImporter(connection: connection).run(
                try InputFile(path: Self.fixture("inscripcion.xlsx"), sheet: "inscripción"),
                options: .init(
                    agency: nil, group: nil, dryRun: true, skipPrerequisites: false, tiers: try repositoryTiers(),
                    ranBy: "test"))
            #expect(named.accepted && named.rows == 3)
            // The empty sheet, named: nothing to read.
            let empty = try EnrollmentImporter(connection: connection).run(
                try InputFile(path: Self.fixture("inscripcion.xlsx"), sheet: "Instrucciones"),
                options: .init(
                    agency: nil, group: nil, dryRun: true, skipPrerequisites: false, tiers: try repositoryTiers(),
                    ranBy: "test"))
            #expect(empty.rejected.first?.message.contains("vacío") == true)
            #expect(throws: InputFileError.noSuchSheet("inscripcion.xlsx", "Hoja9", ["Instrucciones", "Inscripción"])) {
                try InputFile(path: Self.fixture("inscripcion.xlsx"), sheet: "Hoja9")
            }
        }
    }

    /// Refused when opened, with what to do, and none of their bytes in the message.
    @Test func otherSpreadsheetsAndDamagedArchivesAreRefusedAtOnce() throws {
        func refusal(_ path: String) -> BinaryFileKind? {
            do {
                _ = try InputFile(path: path)
                return nil
            } catch {
                if case .notText(_, let kind) = error { return kind }
                return nil
            }
        }
        #expect(refusal(Self.fixture("inscripcion.ods")) == .openDocument)
        #expect(refusal(Self.fixture("inscripcion.xls")) == .oleContainer)
        let whole = try repositoryFile("Tests/Fixtures/sheets/inscripcion.xlsx")
        #expect(
            refusal(try temporaryFile(Array(whole.prefix(whole.count / 2)), name: "cortado.xlsx")) == .corruptArchive)
        // A zip that is no workbook.
        #expect(
            refusal(try temporaryFile(Array(whole.prefix(4)) + [UInt8](repeating: 0, count: 100), name: "x.zip"))
                == .corruptArchive)
        // 300 MB of zeros in 290 KB: refused by its declared size, before a byte is expanded.
        #expect(refusal(Self.fixture("bomba.xlsx")) == .zipBomb)
        #expect(BinaryFileKind.corruptArchive.description.contains("guárdelo de nuevo"))
    }
}

import CapacitaFiles
import Foundation
import Testing

/// The refused rows read back from the file as sent: its own header and cells, by line, in its
/// own encoding and delimiter, a quoted line break included.
@Suite struct RejectedRowsTests {
    func file(_ bytes: [UInt8]) throws -> InputFile {
        let path = NSTemporaryDirectory() + "rechazadas-\(UUID().uuidString).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try InputFile(path: path)
    }

    @Test func keepsTheHeaderAndTheLinesAskedForAsTyped() throws {
        // Windows-1252, semicolons (Excel in Spanish), a title above the header, a cell over two lines.
        let text = "Inscripción SICT\ncurp;nombre;nivel\nAAAA;Peña;M\nBBBB;\"Núñez\nOrdóñez\";Q\nCCCC;Ávila;P\n"
        let bytes = text.unicodeScalars.map { UInt8($0.value) }
        let input = try file(bytes)
        defer { try? FileManager.default.removeItem(atPath: input.path) }
        let rows = try RejectedRows.read(input, headerLine: 2, lines: [4, 6, 99])
        #expect(rows.header == ["curp", "nombre", "nivel"])
        #expect(
            rows.rows == [
                .init(line: 4, cells: ["BBBB", "Núñez\nOrdóñez", "Q"]), .init(line: 6, cells: ["CCCC", "Ávila", "P"]),
            ])
    }

    @Test func aUTF8FileWithABOMKeepsItsFirstHeaderCellClean() throws {
        let input = try file([0xEF, 0xBB, 0xBF] + Array("curp,nombre\nAAAA,Peña\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: input.path) }
        let rows = try RejectedRows.read(input, headerLine: 1, lines: [2])
        #expect(rows.header == ["curp", "nombre"])
        #expect(rows.rows == [.init(line: 2, cells: ["AAAA", "Peña"])])
    }
}

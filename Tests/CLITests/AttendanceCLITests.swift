import Foundation
import TestSupport
import Testing

/// `attendance sheet` through the built executable: the PDF written, its text read back by
/// poppler's pdftotext, and a day without a session refused.
@Suite struct AttendanceCLITests {
    static func pdftotext(_ path: String) throws -> String {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let tool = (directories + ["/usr/bin"]).map { "\($0)/pdftotext" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try #require(tool, "pdftotext is needed: apt-get install poppler-utils"))
        process.arguments = ["-enc", "UTF-8", path, "-"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pdftotext could not read \(path)")
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func theSheetOfADayAndOfEveryDayAreWrittenAsPDF() throws {
        try TestDatabase.withFresh { url in
            let root = TestDatabase.projectRoot.path
            try CLI.prepare(
                url,
                then: [["enroll", "import", "\(root)/examples/inscripcion-sict-corregida.csv", "--agency", "SICT"]])
            let out = "\(NSTemporaryDirectory())lista-\(UUID().uuidString).pdf"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let day = CLI.run(
                ["attendance", "sheet", "SICT-BAS-2024-01", "--date", "2024-03-04", "--out", out], url: url)
            #expect(day.status == 0 && day.output.contains("escrita en"), "\(day.output) \(day.error)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: out)).starts(with: Data("%PDF-".utf8)))
            let text = try Self.pdftotext(out)
            #expect(text.contains("Sesión: SICT-BAS-2024-01-S20240304") && text.contains("Página 1 de"))
            #expect(text.contains("Inés Núñez Ordóñez"), "\(text)")
            #expect(!text.contains("S20240305"))

            let every = CLI.run(["attendance", "sheet", "sict-bas-2024-01", "--out", out], url: url)
            #expect(every.status == 0 && every.output.contains("5 listas"), "\(every.output) \(every.error)")
            let all = try Self.pdftotext(out)
            #expect((4...8).allSatisfy { all.contains("Sesión: SICT-BAS-2024-01-S2024030\($0)") })

            let none = CLI.run(
                ["attendance", "sheet", "SICT-BAS-2024-01", "--date", "2024-03-09", "--out", out], url: url)
            #expect(none.status == 1 && none.error.contains("no tiene sesión"), "\(none.output) \(none.error)")
            #expect(CLI.run(["attendance", "sheet", "NO-EXISTE", "--out", out], url: url).status == 1)
            let rows = CLI.run(
                ["attendance", "sheet", "SICT-BAS-2024-01", "--blank-rows", "999", "--out", out], url: url)
            #expect(rows.status == 2)
        }
    }
}

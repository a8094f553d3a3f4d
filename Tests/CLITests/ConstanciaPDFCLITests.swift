import Foundation
import Postgres
import TestSupport
import Testing
import ZIPFoundation

/// `constancia pdf` through the built executable: one constancia, a group's ZIP, the public
/// address required, the SHA-256 recorded as issued, and the same bytes every time.
@Suite struct ConstanciaPDFCLITests {
    static let publicURL = "https://capacita.example.gob.mx"

    @Test func aConstanciaAndItsGroupAreWrittenAsPDFAndZIP() throws {
        try TestDatabase.withFresh { url in
            let root = TestDatabase.projectRoot.path
            try CLI.prepare(
                url,
                then: [
                    ["enroll", "import", "\(root)/examples/inscripcion-sict-corregida.csv", "--agency", "SICT"],
                    ["results", "import", "\(root)/examples/resultados-sict-bas.csv"],
                ])
            let connection = try Connection(url)
            let folios = try connection.query(
                "SELECT folio FROM constancia WHERE group_code = 'SICT-BAS-2024-01' ORDER BY folio"
            ).map { try $0.decode("folio", as: String.self) }
            let folio = try #require(folios.first)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let pdf = folder.appendingPathComponent("c.pdf").path

            // Without the public address there is no verification address to print: refused.
            let unset = CLI.run(["constancia", "pdf", folio, "--out", pdf], url: url)
            #expect(unset.status == 1 && unset.error.contains("CAPACITA_PUBLIC_URL"), "\(unset.error)")
            #expect(!FileManager.default.fileExists(atPath: pdf))

            let one = CLI.run(["constancia", "pdf", folio, "--out", pdf], url: url, publicURL: Self.publicURL)
            #expect(one.status == 0 && one.output.contains("escrita en"), "\(one.output) \(one.error)")
            let first = try Data(contentsOf: URL(fileURLWithPath: pdf))
            let text = try AttendanceCLITests.pdftotext(pdf)
            #expect(text.contains(folio) && text.contains("\(Self.publicURL)/verificar/"))
            _ = CLI.run(["constancia", "pdf", folio.lowercased(), "--out", pdf], url: url, publicURL: Self.publicURL)
            #expect(try Data(contentsOf: URL(fileURLWithPath: pdf)) == first)
            #expect(try connection.query("SELECT count(*) FROM constancia_pdf").scalar(Int.self) == 1)

            let zip = folder.appendingPathComponent("constancias.zip")
            let group = CLI.run(
                ["constancia", "pdf", "--group", "sict-bas-2024-01", "--out", zip.path], url: url,
                publicURL: Self.publicURL)
            #expect(group.status == 0 && group.output.contains("\(folios.count) constancias"), "\(group.error)")
            let archive = try Archive(url: zip, accessMode: .read)
            var names: [String] = []
            for entry in archive {
                var bytes = Data()
                _ = try archive.extract(entry) { bytes.append($0) }
                if entry.path == "\(folio).pdf" { #expect(bytes == first) }
                names.append(entry.path)
            }
            #expect(names == folios.map { "\($0).pdf" })
            #expect(try connection.query("SELECT count(*) FROM constancia_pdf").scalar(Int.self) == folios.count)
            // Written again over the same file: replaced whole, the same entries.
            let again = CLI.run(
                ["constancia", "pdf", "--group", "SICT-BAS-2024-01", "--out", zip.path], url: url,
                publicURL: Self.publicURL)
            #expect(again.status == 0, "\(again.error)")
            #expect(try Archive(url: zip, accessMode: .read).map(\.path) == names)
            // What `constancia verify` shows: the SHA-256 of the PDF as issued.
            let code = try #require(
                try connection.query("SELECT code FROM constancia WHERE folio = $1", [folio]).scalar(String.self))
            let verify = CLI.run(["constancia", "verify", code, "--format", "json"], url: url)
            #expect(verify.output.contains("pdf_sha256"), "\(verify.output)")

            #expect(
                CLI.run(["constancia", "pdf", "PNC-2024-999999", "--out", pdf], url: url, publicURL: Self.publicURL)
                    .status == 1)
            #expect(
                CLI.run(
                    ["constancia", "pdf", "--group", "NO-EXISTE", "--out", zip.path], url: url,
                    publicURL: Self.publicURL
                )
                .status == 1)
            #expect(CLI.run(["constancia", "pdf", folio, "--group", "X", "--out", pdf], url: url).status == 2)
            _ = try connection.query(
                "UPDATE constancia SET revoked_at = now(), revoked_reason = 'prueba' WHERE folio = $1", [folio])
            let revoked = CLI.run(["constancia", "pdf", folio, "--out", pdf], url: url, publicURL: Self.publicURL)
            #expect(revoked.status == 1 && revoked.error.contains("revocada"))
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(left == ["c.pdf", "constancias.zip"], "no partial file stays: \(left)")
        }
    }
}

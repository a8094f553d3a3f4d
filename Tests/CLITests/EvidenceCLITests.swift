import Foundation
import TestSupport
import Testing

/// `attendance attach`, `evidence` and `detach` through the built executable.
@Suite struct EvidenceCLITests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("firmas".utf8)

    private func file(_ bytes: [UInt8], _ name: String) throws -> String {
        let folder = NSTemporaryDirectory() + "capacita-evidencia-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aScanIsAttachedListedSavedAndDetached() throws {
        try TestDatabase.withFresh { url in
            try CLI.prepare(url)
            // A PNG named .pdf: kept as PNG.
            let png = try file(Self.png, "lista.pdf")
            let attached = CLI.run(
                ["attendance", "attach", "SICT-BAS-2024-01", "--date", "2024-03-05", png, "--format", "json"], url: url)
            #expect(attached.status == 0, "\(attached.output) \(attached.error)")
            let record = try #require(
                try JSONSerialization.jsonObject(with: Data(attached.output.utf8)) as? [String: Any])
            #expect(record["media_type"] as? String == "image/png" && record["created"] as? Bool == true)
            #expect(record["session"] as? String == "SICT-BAS-2024-01-S20240305")
            let id = try #require(record["id"] as? Int)
            // Again: kept once.
            let again = CLI.run(["attendance", "attach", "SICT-BAS-2024-01", "--date", "2024-03-05", png], url: url)
            #expect(again.status == 0 && again.error.contains("Ya estaba adjunta"), "\(again.error)")

            // Refused: text named .pdf, a day without a session, a group that does not exist.
            let text = try file(Array("no soy un PDF".utf8), "lista.pdf")
            let refused = CLI.run(["attendance", "attach", "SICT-BAS-2024-01", "--date", "2024-03-05", text], url: url)
            #expect(refused.status == 1 && refused.error.contains("no es un PDF"), "\(refused.error)")
            let noDay = CLI.run(["attendance", "attach", "SICT-BAS-2024-01", "--date", "2024-03-09", png], url: url)
            #expect(noDay.status == 1 && noDay.error.contains("no tiene sesión"))
            #expect(CLI.run(["attendance", "attach", "NO-EXISTE", "--date", "2024-03-05", png], url: url).status == 1)
            #expect(
                CLI.run(["attendance", "attach", "SICT-BAS-2024-01", png], url: url).status == 2, "--date is required")
            // Past the default limit (10 MB): refused before it is read.
            let big = try file(Self.png + [UInt8](repeating: 0, count: 10 << 20), "grande.png")
            let tooBig = CLI.run(["attendance", "attach", "SICT-BAS-2024-01", "--date", "2024-03-05", big], url: url)
            #expect(tooBig.status == 1 && tooBig.error.contains("10 MB"), "\(tooBig.error)")

            let listed = CLI.run(["attendance", "evidence", "SICT-BAS-2024-01", "--format", "csv"], url: url)
            #expect(listed.status == 0 && listed.output.hasPrefix("id,session,group,date"), "\(listed.error)")
            #expect(listed.output.contains("lista.pdf,image/png"))
            let table = CLI.run(["attendance", "evidence", "SICT-BAS-2024-01"], url: url)
            #expect(table.output.contains("archivo") && table.output.contains("SHA-256"))
            let out = NSTemporaryDirectory() + "capacita-listas-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let saved = CLI.run(["attendance", "evidence", "SICT-BAS-2024-01", "--out", out], url: url)
            #expect(saved.status == 0 && saved.error.contains("1 archivo guardado"), "\(saved.error)")
            #expect(FileManager.default.contents(atPath: "\(out)/\(id)-lista.png").map([UInt8].init) == Self.png)

            let detached = CLI.run(["attendance", "detach", String(id)], url: url)
            #expect(detached.status == 0 && detached.output.contains("SICT-BAS-2024-01-S20240305"))
            #expect(CLI.run(["attendance", "detach", String(id)], url: url).status == 1)
            let audit = CLI.run(["audit", "list", "--format", "csv"], url: url)
            #expect(audit.output.contains("evidence.attach") && audit.output.contains("evidence.detach"))
        }
    }
}

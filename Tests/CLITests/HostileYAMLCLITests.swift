import Foundation
import TestSupport
import Testing

/// `ficha import` and `catalog load` read YAML bounded (issue 25): each hostile file is refused
/// with exit 1 and a Spanish reason.
@Suite struct HostileYAMLCLITests {
    static let bodies: [(name: String, text: String)] = {
        var keys = ""
        for index in 0..<100_000 { keys += "k\(index): 1\n" }
        return [
            ("clave lista", "[a]: 1\n"),
            ("clave mapa", "? {a: 1}\n: 2\n"),
            ("990 guiones", String(repeating: "- ", count: 990) + "x\n"),
            (
                "481 niveles en 40 líneas",
                String(repeating: "- ", count: 481) + "x\n"
                    + String(repeating: String(repeating: " ", count: 960) + "- x\n", count: 39)
            ),
            ("100000 claves", keys),
            ("corchetes anidados", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
            ("anclas y alias", "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b]\n"),
            ("etiqueta", "dependencia: !!binary aGVsbG8=\n"),
        ]
    }()

    static let reasons = ["anida", "admiten", "clave", "valores"]

    @Test func fichaImportRefusesEachHostileFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostil-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = TestDatabase.projectRoot.path
        try TestDatabase.withFresh { url in
            for step in [["db", "migrate"], ["agency", "import", "\(root)/db/seed/agencies.csv"]] {
                let run = CLI.run(step, url: url)
                try #require(run.status == 0, "\(step): \(run.error)")
            }
            for (index, (name, text)) in Self.bodies.enumerated() {
                let file = folder.appendingPathComponent("ficha-\(index).yaml")
                try text.write(to: file, atomically: true, encoding: .utf8)
                let run = CLI.run(["ficha", "import", file.path], url: url)
                #expect(run.status == 1, "\(name): \(run.status) \(run.error.prefix(300))")
                let said = run.output + run.error
                #expect(Self.reasons.contains { said.contains($0) }, "\(name): \(said.prefix(300))")
            }
        }
    }

    @Test func catalogLoadRefusesAFolderWithOneHostileCourse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalogo-\(UUID().uuidString)")
        let program = folder.appendingPathComponent("pnc-2022")
        try FileManager.default.createDirectory(at: program, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try String(
            contentsOf: TestDatabase.projectRoot.appendingPathComponent("Courses/pnc-2022/basico.yaml"), encoding: .utf8
        )
        try good.write(to: program.appendingPathComponent("basico.yaml"), atomically: true, encoding: .utf8)
        try TestDatabase.withFresh { url in
            #expect(CLI.run(["db", "migrate"], url: url).status == 0)
            for (name, text) in Self.bodies.prefix(4) {
                try text.write(to: program.appendingPathComponent("hostil.yaml"), atomically: true, encoding: .utf8)
                let run = CLI.run(["catalog", "load", folder.path], url: url)
                #expect(run.status == 1, "\(name): \(run.status) \(run.error.prefix(300))")
                #expect(run.error.contains("pnc-2022/hostil.yaml"), "\(name): \(run.error.prefix(300))")
                #expect(Self.reasons.contains { run.error.contains($0) }, "\(name): \(run.error.prefix(300))")
            }
            let list = CLI.run(["catalog", "list", "--format", "json"], url: url)
            #expect(list.status == 0 && !list.output.contains("PNC22-BAS"))
        }
    }
}

import Capacita
import Foundation
import TestSupport
import Testing
import Yams

/// Untrusted YAML is read through `BoundedYAML`: what the attacker's probe sent (issue 25) is
/// refused, quickly and in Spanish, before it can trap or spend seconds of CPU; every real ficha
/// and carta descriptiva still reads.
@Suite struct BoundedYAMLTests {
    /// Each hostile body with its name; the same list is sent to the service and the command line.
    static let hostile: [(name: String, text: String)] = {
        let deepLine = String(repeating: "- ", count: 990) + "x\n"
        // 40 lines, 481 levels: the first opens them, each next one adds an item at the deepest.
        let wide =
            String(repeating: "- ", count: 481) + "x\n"
            + String(repeating: String(repeating: " ", count: 960) + "- x\n", count: 39)
        var keys = ""
        for index in 0..<100_000 { keys += "k\(index): 1\n" }
        return [
            ("clave lista", "[a]: 1\n"),
            ("clave mapa", "? {a: 1}\n: 2\n"),
            ("clave mapa en flujo", "{a: 1}: 2\n"),
            ("clave lista dentro de un mapa en flujo", "{[a]: 1}\n"),
            ("990 guiones en una línea", deepLine),
            ("481 niveles en 40 líneas", wide),
            ("100000 claves", keys),
            ("corchetes anidados", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
            ("llaves anidadas", String(repeating: "{a: ", count: 300) + "1" + String(repeating: "}", count: 300)),
            ("pares en listas", String(repeating: "[a: ", count: 300) + "1" + String(repeating: "]", count: 300)),
            (
                "mapas anidados por sangría",
                (0..<40).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " 1\n"
            ),
            (
                "anclas y alias",
                "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]\n"
            ),
            ("alias solo", "a: *b\n"),
            ("etiqueta", "dependencia: !!binary aGVsbG8=\n"),
            ("etiqueta propia", "total: !mia 3\n"),
            ("directiva", "%YAML 1.1\n---\na: 1\n"),
        ]
    }()

    @Test func everyHostileBodyIsRefusedQuicklyWithASpanishReason() {
        for (name, text) in Self.hostile {
            let started = ContinuousClock.now
            let result = BoundedYAML.read(text)
            let elapsed = ContinuousClock.now - started
            guard case .failure(let refusal) = result else {
                Issue.record("\(name): read")
                continue
            }
            // Refused by the bounds, not by libyaml reading it through.
            #expect(refusal.kind != .invalid, "\(name): \(refusal)")
            #expect(Self.isSpanish(refusal.reason), "\(name): \(refusal.reason)")
            #expect(elapsed < .seconds(2), "\(name) took \(elapsed)")
        }
    }

    /// The ficha reader (the CLI's `ficha import`, the service's import) answers each with an issue.
    @Test func theFichaReaderRefusesEachWithALine() {
        let reader = FichaReader(registry: AgencyRegistry([]), years: 2012...2030)
        for (name, text) in Self.hostile {
            guard case .failure(let issues) = reader.read(yaml: text) else {
                Issue.record("\(name): read")
                continue
            }
            let issue = issues.issues.first
            #expect(issues.issues.count == 1, "\(name)")
            #expect(Self.isSpanish(issue?.message ?? ""), "\(name): \(issue?.message ?? "")")
            #expect(issue?.message.hasPrefix("YAML o JSON inválido") == false, "\(name): \(issue?.message ?? "")")
        }
    }

    @Test func aHostileCourseFileIsRefusedForThatFile() {
        for (name, text) in Self.hostile {
            guard case .failure(let issues) = CourseDecoder.decode(yaml: text, file: "pnc-2022/malo.yaml") else {
                Issue.record("\(name): decoded")
                continue
            }
            #expect(issues.issues.count == 1 && issues.issues.first?.file == "pnc-2022/malo.yaml", "\(name)")
            #expect(Self.isSpanish(issues.issues.first?.message ?? ""), "\(name)")
        }
    }

    /// The scan follows libyaml's nesting exactly where a ficha or course may go: at the limit a
    /// document reads, one level more is refused, whichever way the levels are written.
    @Test func depthIsCountedAsLibYAMLNestsIt() {
        let limits = BoundedYAML.Limits(depth: 4)
        let atLimit = [
            "a:\n  b:\n    c:\n      d: 1\n",
            "- - - - x\n",
            "a:\n- b:\n  - 1\n",  // mapping, indentless sequence, mapping, indentless sequence
            "[[[[x]]]]\n",
            "a: [b: {c: 1}]\n",  // mapping, sequence, the pair's mapping, mapping
            "a: \"[[[[[[ - - - - ]]]\"\nb: '{{{{'\n",  // brackets inside quotes are text
            "a: x\n  - - - - - y\n",  // a plain text on two lines
            "# [[[[[[\na: 1 # {{{{{{\n",
        ]
        for text in atLimit {
            let result = BoundedYAML.read(text, limits: limits)
            #expect((try? result.get()) != nil, "\(text): \(result)")
        }
        let past = [
            "a:\n  b:\n    c:\n      d:\n        e: 1\n",
            "- - - - - x\n",
            "a:\n- b:\n  - c:\n    - 1\n",
            "[[[[[x]]]]]\n",
            "a: [b: {c: [1]}]\n",
            "- a: \"x\n\"\n  b: [[[[x]]]]\n",  // a quoted text over two lines, then deeper
        ]
        for text in past {
            guard case .failure(let refusal) = BoundedYAML.read(text, limits: limits) else {
                Issue.record("\(text): read")
                continue
            }
            #expect(refusal.kind == .tooDeep, "\(text): \(refusal)")
        }
    }

    @Test func sizeAndNodesAreBoundedByTheLimits() {
        let limits = BoundedYAML.Limits(bytes: 1000, nodes: 50)
        guard case .failure(let big) = BoundedYAML.read(String(repeating: "#", count: 1001), limits: limits) else {
            Issue.record("read")
            return
        }
        #expect(big.kind == .tooLarge && Self.isSpanish(big.reason))
        let many = (0..<60).map { "k\($0): 1" }.joined(separator: "\n")
        guard case .failure(let nodes) = BoundedYAML.read(many, limits: limits) else {
            Issue.record("read")
            return
        }
        #expect(nodes.kind == .tooManyNodes)
        #expect((try? BoundedYAML.read("a: 1\nb: [1, 2]\n", limits: limits).get()) != nil)
    }

    /// Every carta descriptiva, the example fichas and the tests' fixture read as before.
    @Test func realFilesStillRead() throws {
        let root = TestDatabase.projectRoot
        let courses = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent("Courses").path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(courses.count >= 14)
        var files: [(path: String, yaml: String)] = []
        for path in courses {
            let text = try String(contentsOf: root.appendingPathComponent("Courses/\(path)"), encoding: .utf8)
            files.append((path, text))
            #expect((try? BoundedYAML.read(text).get()) != nil, "\(path)")
        }
        guard case .success(let catalog) = Catalog.build(files: files) else {
            Issue.record("the catalog did not load")
            return
        }
        #expect(catalog.courses.count == courses.count)
        for name in ["sict-2024.yaml", "fichas-2024.json"] {
            let text = try String(contentsOf: root.appendingPathComponent("examples/fichas/\(name)"), encoding: .utf8)
            #expect((try? BoundedYAML.read(text).get()) != nil, "\(name)")
        }
        let one = try String(contentsOf: root.appendingPathComponent("examples/fichas/sict-2024.yaml"), encoding: .utf8)
        #expect((try? BoundedYAML.read(one, limits: .ficha).get()) != nil)
        #expect((try? BoundedYAML.read(Fixtures.fichaYAML, limits: .ficha).get()) != nil)
        guard case .success = FichaTests.reader.read(yaml: Fixtures.fichaYAML) else {
            Issue.record("the fixture ficha did not read")
            return
        }
    }

    /// The JSON written from a checked tree reads back as the same ficha.
    @Test func jsonFromTheTreeReadsAsTheSameFicha() throws {
        let root = try #require(try BoundedYAML.read(Fixtures.fichaYAML).get())
        let json = BoundedYAML.json(root)
        let fromYAML = try FichaTests.reader.read(yaml: Fixtures.fichaYAML).get()
        let fromJSON = try FichaTests.reader.read(yaml: json).get()
        #expect(fromYAML == fromJSON)
        #expect(BoundedYAML.jsonString("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }

    static func isSpanish(_ text: String) -> Bool {
        let words = ["el documento", "admiten", "clave", "el texto pasa", "niveles", "valores"]
        return words.contains { text.contains($0) }
    }
}

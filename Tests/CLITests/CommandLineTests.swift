import CapacitaOutput
import Foundation
import TestSupport
import Testing

/// What a person meets at the prompt: help, usage errors and tables, in Spanish; exit codes.
@Suite struct CommandLineTests {
    private func capacita(_ arguments: [String], url: String? = nil) -> (status: Int32, output: String, error: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url ?? "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
        environment["CAPACITA_ROOT"] = TestDatabase.projectRoot.path
        return TestDatabase.runCapturing(CLITests.executable, arguments, environment: environment)
    }

    /// The parser's English that must never reach a person.
    private static let english = [
        "OVERVIEW", "USAGE", "OPTIONS:", "SUBCOMMANDS", "ARGUMENTS:", "Show help", "(default:", "See '",
        "Error: Unknown",
        "unexpected argument", "Missing", "is invalid", "CommandError", "helpRequested",
    ]

    @Test(arguments: [
        ["--help"], ["-h"], ["help"], ["help", "enroll"], ["enroll", "import", "--help"], [], ["enroll"],
        ["report", "indicator", "-h"], ["help", "report", "coverage"],
    ])
    func helpAtAnyLevelPrintsSpanishHelpAndExitsZero(arguments: [String]) {
        let run = capacita(arguments)
        #expect(run.status == 0, "\(arguments): \(run.error)")
        #expect(run.output.contains("USO: capacita"), "\(arguments)")
        for phrase in Self.english { #expect(!run.output.contains(phrase), "\(arguments): \(phrase)") }
        #expect(run.error.isEmpty, "\(arguments): \(run.error)")
    }

    @Test func versionPrintsTheVersion() {
        let run = capacita(["--version"])
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("capacita "))
    }

    @Test func aMistypedSubcommandExitsTwoSuggestingTheClosestOne() {
        let top = capacita(["enrol", "import", "x.csv"])
        #expect(top.status == 2)
        #expect(
            top.error.hasPrefix("Error: «enrol» no es un subcomando de capacita. ¿Quiso decir «enroll»?"),
            "\(top.error)")
        #expect(top.error.contains("Vea 'capacita --help' para más información."))
        let nested = capacita(["report", "indicatr", "--year", "2024"])
        #expect(nested.status == 2)
        #expect(
            nested.error.hasPrefix(
                "Error: «indicatr» no es un subcomando de capacita report. ¿Quiso decir «indicator»?"),
            "\(nested.error)")
        for run in [top, nested] {
            for phrase in Self.english { #expect(!run.error.contains(phrase), "\(phrase): \(run.error)") }
        }
    }

    @Test func helpForACommandThatDoesNotExistIsAUsageError() {
        let top = capacita(["help", "nosuch"])
        #expect(top.status == 2)
        #expect(top.output.isEmpty)
        #expect(top.error.hasPrefix("Error: «nosuch» no es un subcomando de capacita."), "\(top.error)")
        let near = capacita(["help", "enrol"])
        #expect(near.status == 2)
        #expect(near.error.contains("¿Quiso decir «enroll»?"), "\(near.error)")
        let nested = capacita(["help", "report", "indicatr"])
        #expect(nested.status == 2)
        #expect(nested.error.contains("¿Quiso decir «indicator»?"), "\(nested.error)")
        #expect(capacita(["help", "report", "indicator"]).status == 0)
    }

    @Test func usageErrorsAreSpanishAndExitTwo() {
        let option = capacita(["catalog", "list", "--formt", "json"])
        #expect(option.status == 2)
        #expect(option.error.contains("Opción desconocida '--formt'. ¿Quiso decir '--format'?"), "\(option.error)")
        let value = capacita(["catalog", "list", "--format", "xml"])
        #expect(value.status == 2)
        #expect(value.error.contains("El valor 'xml' no es válido para '--format <formato>'"), "\(value.error)")
        let missing = capacita(["constancia", "list"])
        #expect(missing.status == 2)
        #expect(missing.error.contains("indique el grupo (--group) o el periodo de emisión"), "\(missing.error)")
    }

    @Test func yearsAndSeriesAreBoundedBeforeAnyQuery() {
        // The database URL points nowhere: a bounded option is refused (2) before connecting (3).
        for arguments in [
            ["report", "indicator", "--year", "2024", "--series", "1-999999"],
            ["report", "indicator", "--series", "2012-2099"], ["report", "coverage", "--year", "1999"],
            ["group", "list", "--year", "99999"], ["ficha", "summary", "--year", "0"],
        ] {
            let run = capacita(arguments)
            #expect(run.status == 2, "\(arguments): \(run.error)")
            #expect(run.error.contains("año") || run.error.contains("serie"), "\(arguments): \(run.error)")
        }
    }

    @Test func anUnreachableDatabaseExitsThreeAtEveryLevel() {
        for arguments in [
            ["agency", "list"], ["report", "indicator", "--year", "2024"], ["constancia", "verify", "X"],
        ] {
            let run = capacita(arguments)
            #expect(run.status == 3, "\(arguments)")
            #expect(run.error.contains("no se pudo conectar"), "\(arguments): \(run.error)")
        }
    }

    @Test func everyCommandsHelpDescribesEachOptionInSpanish() {
        var pending: [[String]] = [[]]
        var seen = 0
        while let path = pending.popLast() {
            let run = capacita(path + ["--help"])
            #expect(run.status == 0, "\(path)")
            seen += 1
            for phrase in Self.english { #expect(!run.output.contains(phrase), "\(path): \(phrase)") }
            let lines = run.output.components(separatedBy: "\n")
            if let start = lines.firstIndex(of: "SUBCOMANDOS:") {
                for line in lines[(start + 1)...] {
                    guard line.hasPrefix("  "), !line.hasPrefix("   ") else {
                        if line.isEmpty || line.hasPrefix("  Vea") { break } else { continue }
                    }
                    let name = String(line.dropFirst(2).prefix { $0 != " " })
                    if name != "help" { pending.append(path + [name]) }
                }
            }
            // An option line names the option and, after spaces, says what it does.
            if let start = lines.firstIndex(of: "OPCIONES:") {
                for line in lines[(start + 1)...] where line.hasPrefix("  -") {
                    let words = line.trimmingCharacters(in: .whitespaces).components(separatedBy: "  ")
                        .filter { !$0.isEmpty }
                    let continued = lines.firstIndex(of: line).map { lines.indices.contains($0 + 1) } ?? false
                    #expect(words.count >= 2 || continued, "\(path): «\(line)» has no description")
                }
            }
        }
        #expect(seen > 30)
    }
}

/// Read commands on a database with the demo's data: tables in Spanish, JSON and CSV in English.
@Suite struct SpanishTablesTests {
    private func capacita(_ arguments: [String], url: String, publicURL: String? = nil) -> (
        status: Int32, output: String, error: String
    ) {
        CLI.run(arguments, url: url, publicURL: publicURL)
    }

    private func prepared(_ url: String) throws {
        let root = TestDatabase.projectRoot.path
        try CLI.prepare(
            url,
            then: [
                ["enroll", "import", "\(root)/examples/inscripcion-sict-corregida.csv", "--agency", "SICT"],
                ["results", "import", "\(root)/examples/resultados-sict-bas.csv"],
                ["headcount", "import", "\(root)/examples/plantillas-2024.csv"],
                ["ficha", "import", "\(root)/examples/fichas/sict-2024.yaml"],
            ])
    }

    /// Read commands whose CSV is one table: the table's header row is the CSV's keys in Spanish.
    static let commands: [[String]] = [
        ["catalog", "list"], ["agency", "list"], ["tiers", "show"], ["group", "list", "--year", "2024"],
        ["report", "coverage", "--year", "2024"], ["report", "events", "--year", "2024"],
        ["report", "group", "SICT-BAS-2024-01"], ["report", "course", "PNC22-BAS", "--year", "2024"],
        ["constancia", "list", "--group", "SICT-BAS-2024-01"], ["headcount", "list", "--year", "2024"],
        ["ficha", "history", "SICT", "--year", "2024"], ["ficha", "summary", "--year", "2024"], ["db", "status"],
        ["group", "sessions", "SICT-BAS-2024-01"],
        ["report", "indicator", "--series", "2022-2024"], ["audit", "list"], ["token", "list"],
    ]

    @Test func everyReadCommandPrintsSpanishHeadersAndKeepsEnglishKeysInCSV() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            for command in Self.commands {
                let csv = capacita(command + ["--format", "csv"], url: url)
                try #require(csv.status == 0, "\(command): \(csv.error)")
                let keys = csv.output.components(separatedBy: "\n")[0].components(separatedBy: ",")
                for key in keys { #expect(Labels.headers[key] != nil, "\(command): no Spanish header for \(key)") }
                let table = capacita(command, url: url)
                #expect(table.status == 0)
                let expected = keys.map { Labels.header($0) }
                let header = table.output.components(separatedBy: "\n").first {
                    $0.components(separatedBy: "  ").filter { !$0.isEmpty }.map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                        == expected
                }
                #expect(header != nil, "\(command): no header row \(expected) in\n\(table.output)")
            }
        }
    }

    @Test func importsCountInAgreeingPluralsAndTheIndicatorCarriesItsCard() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let root = TestDatabase.projectRoot.path
            let again = capacita(["ficha", "import", "\(root)/examples/fichas/sict-2024.yaml"], url: url)
            #expect(again.output.contains("1 fila: 0 nuevas, 0 actualizadas, 1 sin cambios."), "\(again.output)")
            let groups = capacita(["group", "import", "\(root)/examples/grupos.csv", "--dry-run"], url: url)
            #expect(groups.output.contains("5 filas; se importarían: 0 nuevas"), "\(groups.output)")

            let csv = capacita(["report", "indicator", "--year", "2024", "--format", "csv"], url: url)
            #expect(csv.status == 0)
            let lines = csv.output.components(separatedBy: "\n")
            for prefix in [
                "field,value", "year,2024", "threshold,5", "rule,each-tier", "window,cumulative", "nii,1", "tii,13",
                "percent,7.69", "formula,PII% = (1/13) × 100 = 7.69", "without_data,BIENESTAR|CEAV",
            ] {
                #expect(lines.contains { $0.hasPrefix(prefix) }, "\(prefix) missing from\n\(csv.output)")
            }
            #expect(lines.contains("agency,tier,headcount,trained,percent,missing,tier_meets,agency_meets"))
        }
    }

    @Test func jsonNumbersCarryNoFloatArtefacts() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let artefact = try NSRegularExpression(pattern: #"[0-9]\.[0-9]{5,}"#)
            for command in [
                ["report", "indicator", "--year", "2024"], ["report", "coverage", "--year", "2024"],
                ["report", "group", "SICT-BAS-2024-01"], ["ficha", "plan", "--year", "2024"],
                ["report", "course", "PNC22-BAS", "--year", "2024"],
            ] {
                let run = capacita(command + ["--format", "json"], url: url)
                #expect(run.status == 0, "\(command): \(run.error)")
                let range = NSRange(run.output.startIndex..., in: run.output)
                #expect(artefact.firstMatch(in: run.output, range: range) == nil, "\(command): \(run.output)")
            }
            let indicator = capacita(["report", "indicator", "--year", "2024", "--format", "json"], url: url)
            #expect(indicator.output.contains("\"percent\" : 5.56"))
            #expect(indicator.output.contains("\"percent\" : 7.69"))
        }
    }

    @Test func hostileCellsNeverReachTheTerminal() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(
                ("curp,nombre,primer_apellido,dependencia,nivel,grupo,\u{1B}]0;titulo\u{07}\n"
                    + "GOMC800101HDFMRR00,Carlos,Gómez,SICT,\u{1B}]0;pwned\u{07}\u{1B}[2J,SICT-BAS-2024-01,x\n").utf8
            ).write(to: file)
            let run = capacita(["enroll", "import", file.path, "--dry-run"], url: url)
            #expect(run.status == 1)
            for text in [run.output, run.error] {
                #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(text)")
            }
            #expect(run.output.contains("\\u{1B}[2J"))
        }
    }

    @Test func thePrintableConstanciaGivesSpanishDatesAndWhereToVerifyNotACommand() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let list = capacita(["constancia", "list", "--group", "SICT-BAS-2024-01", "--format", "csv"], url: url)
            let first = try #require(list.output.components(separatedBy: "\n").dropFirst().first)
            let fields = first.components(separatedBy: ",")
            let page = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).html")
            defer { try? FileManager.default.removeItem(at: page) }
            #expect(capacita(["constancia", "render", fields[0], "--out", page.path], url: url).status == 0)
            let plain = try String(contentsOf: page, encoding: .utf8)
            #expect(plain.contains("del 4 al 8 de marzo de 2024"))
            #expect(plain.contains("Código de verificación \(fields[1])"))
            #expect(!plain.contains("capacita constancia") && !plain.contains("Verifique"))
            let withAddress = capacita(
                [
                    "constancia", "render", fields[0], "--out", page.path, "--verify-url",
                    "https://pnc.example/verificar",
                ],
                url: url)
            #expect(withAddress.status == 0)
            let linked = try String(contentsOf: page, encoding: .utf8)
            #expect(linked.contains("https://pnc.example/verificar/\(fields[1])"))
            // The service's public address (CAPACITA_PUBLIC_URL, the one every link starts with)
            // gives the verification page's address when no other is given.
            let fromPublic = capacita(
                ["constancia", "render", fields[0], "--out", page.path], url: url,
                publicURL: "https://capacita.example.gob.mx/")
            #expect(fromPublic.status == 0)
            let published = try String(contentsOf: page, encoding: .utf8)
            #expect(published.contains("https://capacita.example.gob.mx/verificar/\(fields[1])"))
        }
    }

    @Test func everyWriteAndEveryRefusedImportIsInTheAuditLog() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let root = TestDatabase.projectRoot.path
            let refused = capacita(
                ["enroll", "import", "\(root)/examples/inscripcion-sict.csv", "--agency", "SICT"], url: url)
            #expect(refused.status == 1)
            let drop = capacita(
                [
                    "enroll", "drop", "--group", "SICT-BAS-2024-01", "--curp", "GOMC820101HDFMRR04", "--reason",
                    "Renuncia",
                ],
                url: url)
            #expect(drop.status == 0, "\(drop.error)")
            let run = capacita(["audit", "list", "--format", "json"], url: url)
            #expect(run.status == 0, "\(run.error)")
            let entries = try #require(
                try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: Any]])
            let actions = Set(entries.compactMap { $0["action"] as? String })
            for action in [
                "catalog.load", "agencies.import", "groups.import", "enrollment.import", "results.import",
                "headcount.import", "ficha.import", "enrollment.import_refused", "enrollment.drop",
            ] {
                #expect(actions.contains(action), "\(action) missing from \(actions.sorted())")
            }
            #expect(
                entries.allSatisfy { $0["role"] as? String == "admin" && ($0["user"] as? String)?.isEmpty == false })
            #expect(!run.output.contains("GOMC820101HDFMRR04"))
        }
    }

    /// Every failure path prints masked CURPs only: a swapped header, an unclosed quote that
    /// swallows later rows, an unknown person, a baja of someone not enrolled.
    @Test func noFailurePrintsAFullCurp() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let full = try NSRegularExpression(
                pattern: #"[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]"#, options: [.caseInsensitive])
            var written: [String] = []
            defer { for path in written { try? FileManager.default.removeItem(atPath: path) } }
            func write(_ text: String) throws -> String {
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).csv")
                try Data(text.utf8).write(to: file)
                written.append(file.path)
                return file.path
            }
            let swapped = try write(
                "nivel,nombre,primer_apellido,dependencia,curp,grupo,sexo\n"
                    + "GOMC820101HDFMRR04,Carlos,Gómez,SICT,medio,SICT-BAS-2024-01,HEGG560427MVZRRL04\n")
            let unclosed = try write(
                "curp,nombre,primer_apellido,dependencia,nivel,grupo\n"
                    + "GOMC820101HDFMRR04,\"Carlos,Gómez,SICT,medio,SICT-BAS-2024-01\n"
                    + "HEGG560427MVZRRL04,Gloria,Hernández,SICT,medio,SICT-BAS-2024-01\n")
            let results = try write("curp,grupo,asistencia\nXIMC900101HDFCRR07,SICT-BAS-2024-01,100\n")
            let runs = [
                ["enroll", "import", swapped, "--dry-run"], ["enroll", "import", swapped, "--format", "json"],
                ["enroll", "import", unclosed], ["enroll", "import", unclosed, "--format", "json"],
                ["results", "import", results], ["results", "import", results, "--format", "json"],
                ["enroll", "drop", "--group", "SICT-BAS-2024-01", "--curp", "XIMC900101HDFCRR07", "--reason", "x"],
                ["enroll", "drop", "--group", "SICT-BAS-2024-01", "--curp", "XIMC900101HDFCRR08", "--reason", "x"],
            ]
            for arguments in runs {
                let run = capacita(arguments, url: url)
                #expect(run.status == 1, "\(arguments): \(run.status) \(run.error)")
                for text in [run.output, run.error] {
                    let range = NSRange(text.startIndex..., in: text)
                    #expect(full.firstMatch(in: text, range: range) == nil, "\(arguments): \(text)")
                }
            }
            let unclosedRun = capacita(["enroll", "import", unclosed], url: url)
            #expect(unclosedRun.output.contains("una comilla abierta en esta línea"), "\(unclosedRun.output)")
        }
    }

    @Test func anUnknownAgencyOptionNamesTheClosestAgencyWithoutALine() throws {
        try TestDatabase.withFresh { url in
            try prepared(url)
            let run = capacita(
                [
                    "enroll", "import", "\(TestDatabase.projectRoot.path)/examples/inscripcion-sict-corregida.csv",
                    "--agency", "Secretaría de Comunicasiones",
                ], url: url)
            #expect(run.status == 1)
            #expect(run.error.contains("--agency «Secretaría de Comunicasiones»: instancia desconocida"))
            #expect(run.error.contains("¿quiso decir SICT"))
            #expect(!run.error.contains("SEGOB") && !run.error.contains("SECTUR"))
            #expect(!run.output.contains("0  "), "\(run.output)")
        }
    }
}

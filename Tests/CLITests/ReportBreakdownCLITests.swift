import Capacita
import Foundation
import TestSupport
import Testing

/// `report coverage`, `report group` and `report course` on generated data through the built
/// executable: each breakdown adds up to the report's own total; and the activity lists by period
/// (`group list`, `report course`, `constancia list`) count what belongs to the period.
@Suite struct ReportBreakdownCLITests {
    typealias SplitMix = EventsBreakdownCLITests.SplitMix

    struct Generated {
        var agencies: String
        var groups: String
        var people: String
        var results: String
        var headcounts: String
        var groupCodes: [String]
        /// Groups that started in each quarter of 2023; people in PNC22-BAS groups that ended in each.
        var startedPerQuarter: [Int]
        var basicPerQuarter: [Int]
        /// People who pass (their results say so), and those of sex X among them.
        var passed: Int
        var passedX: Int
    }

    /// Course groups over 2023 of federal, state and municipal agencies, some with a state and
    /// some without; people of each sex (X too) from agencies of the three orders, each passing,
    /// failing or without results; headcounts for some agencies.
    static func generate(seed: UInt64) -> Generated {
        var random = SplitMix(state: seed)
        let agencies = ["SEGOB", "SICT", "SALUD", "FGJNL", "DIF-MTY", "SSP-JAL"]
        let states = ["", "NL", "JC", "DF"]
        var groups = [
            "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos"
        ]
        var people = ["curp,nombre,primer_apellido,segundo_apellido,sexo,correo,dependencia,nivel,puesto,grupo"]
        var results = ["curp,grupo,asistencia,pre,post,calificacion"]
        var codes: [String] = []
        var started = [0, 0, 0, 0]
        var basic = [0, 0, 0, 0]
        var passed = 0
        var passedX = 0
        var serial = 0
        for index in 0..<16 {
            let month = 1 + random.next(12)
            let day = 1 + random.next(25)
            let start = String(format: "2023-%02d-%02d", month, day)
            // Most end within days; some a month later, in the next quarter when it comes.
            let endMonth = min(12, month + (random.next(4) == 0 ? 1 : 0))
            let end = String(format: "2023-%02d-%02d", endMonth, day + 2)
            started[(month - 1) / 3] += 1
            let course = random.next(2) == 0 ? "PNC22-BAS" : "PNC22-SENS"
            let code = "GEN-\(index)"
            codes.append(code)
            groups.append(
                "\(code),\(course),,\(agencies[random.next(agencies.count)]),\(start),\(end),presencial,"
                    + "\(states[random.next(states.count)]),40,,")
            let size = 1 + random.next(12)
            if course == "PNC22-BAS" { basic[(endMonth - 1) / 3] += size }
            for _ in 0..<size {
                serial += 1
                let sex = ["H", "M", "X"][random.next(3)]
                let born = String(format: "%02d%02d%02d", 60 + serial / 300, 1 + serial / 25 % 12, 1 + serial % 25)
                let curp = Curp.completing("PERA\(born)\(sex)DFRRR\(serial % 10)")
                let tier = ["operativo", "L", "alto"][random.next(3)]
                people.append(
                    "\(curp),Ana,Pérez,Ruiz,\(sex),,\(agencies[random.next(agencies.count)]),\(tier),,\(code)")
                switch random.next(3) {
                case 0:
                    results.append("\(curp),\(code),100,40,90,100")
                    passed += 1
                    if sex == "X" { passedX += 1 }
                case 1: results.append("\(curp),\(code),10,40,50,10")
                default: break  // no results yet: inscrito
                }
            }
        }
        let headcounts = [
            "dependencia,anio,alto,medio,operativo", "SEGOB,2023,40,300,2000", "SICT,2023,18,35,40",
            "FGJNL,2023,5,20,200",
        ]
        return Generated(
            agencies:
                "codigo,nombre,nombres_anteriores,orden,entidad,cuenta_en_indicador\n"
                + "SSP-JAL,Secretaría de Seguridad de Jalisco,,estatal,JC,false\n",
            groups: groups.joined(separator: "\n") + "\n", people: people.joined(separator: "\n") + "\n",
            results: results.joined(separator: "\n") + "\n", headcounts: headcounts.joined(separator: "\n") + "\n",
            groupCodes: codes, startedPerQuarter: started, basicPerQuarter: basic, passed: passed, passedX: passedX)
    }

    static func json(_ output: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(output.utf8))
    }

    static func object(_ output: String) throws -> [String: Any] {
        try #require(try json(output) as? [String: Any])
    }

    /// Each breakdown of a roster's statistics adds up to the report's own statistics.
    static func expectRosterBreakdownsAddUp(
        _ breakdowns: [[String: Any]], total: [String: Any], _ context: String
    ) throws {
        #expect(breakdowns.compactMap { $0["by"] as? String } == ["sexo", "orden", "entidad", "publico"], "\(context)")
        for breakdown in breakdowns {
            let by = breakdown["by"] as? String ?? ""
            let rows = try #require(breakdown["rows"] as? [[String: Any]])
            for key in ["enrolled", "acreditados", "no_acreditados", "bajas", "inscritos"] {
                let sum = rows.compactMap { ($0["statistics"] as? [String: Any])?[key] as? Int }.reduce(0, +)
                #expect(sum == total[key] as? Int, "\(context) \(by) \(key)")
            }
            #expect(!(breakdown["basis"] as? String ?? "").isEmpty, "each breakdown says what it is taken from")
        }
    }

    @Test(arguments: [7, 2024] as [UInt64])
    func everyBreakdownAddsUpAndEachListCountsItsPeriod(seed: UInt64) throws {
        let data = Self.generate(seed: seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-breakdowns-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let files = [
            try file("jalisco.csv", data.agencies), try file("grupos.csv", data.groups),
            try file("personas.csv", data.people), try file("resultados.csv", data.results),
            try file("plantillas.csv", data.headcounts),
        ]
        try TestDatabase.withFresh { url in
            let root = TestDatabase.projectRoot.path
            try CLI.prepare(
                url,
                then: [
                    ["agency", "import", "\(root)/examples/instancias-estatales.csv"], ["agency", "import", files[0]],
                    ["group", "import", files[1]], ["enroll", "import", files[2], "--skip-prerequisites"],
                    ["results", "import", files[3]], ["headcount", "import", files[4]],
                ])
            func run(_ arguments: [String]) throws -> String {
                let run = CLI.run(arguments + ["--format", "json"], url: url)
                try #require(run.status == 0, "\(arguments): \(run.error)")
                return run.output
            }
            let by = ["--by", "sexo,orden,entidad,publico"]

            // Coverage: every breakdown adds up to the agencies of the report.
            let coverage = try Self.object(try run(["report", "coverage", "--year", "2023"] + by))
            let agencies = try #require(coverage["agencies"] as? [[String: Any]])
            var trained: [String: Int] = [:]
            var headcount: [String: Int] = [:]
            for agency in agencies {
                for (tier, values) in try #require(agency["tiers"] as? [String: [String: Any]]) {
                    trained[tier, default: 0] += values["trained"] as? Int ?? 0
                    headcount[tier, default: 0] += values["headcount"] as? Int ?? 0
                }
            }
            #expect(trained.values.reduce(0, +) == data.passed, "everyone who passed is trained in 2023")
            let splits = try #require(coverage["breakdowns"] as? [[String: Any]])
            #expect(splits.compactMap { $0["by"] as? String } == ["sexo", "orden", "entidad", "publico"])
            for split in splits {
                let by = split["by"] as? String ?? ""
                let rows = try #require(split["rows"] as? [[String: Any]])
                for tier in ["alto", "medio", "operativo"] {
                    let sum = rows.compactMap { ($0["trained"] as? [String: Int])?[tier] }.reduce(0, +)
                    #expect(sum == trained[tier], "\(by) \(tier)")
                    if by != "sexo" {
                        let staff = rows.compactMap { ($0["headcount"] as? [String: Int])?[tier] }.reduce(0, +)
                        #expect(staff == headcount[tier], "\(by) \(tier) headcount")
                    }
                }
                if by != "sexo" {
                    #expect(rows.compactMap { $0["agencies"] as? Int }.reduce(0, +) == agencies.count, "\(by)")
                }
                #expect(!(split["basis"] as? String ?? "").isEmpty)
            }
            let sexo = try #require(splits.first?["rows"] as? [[String: Any]])
            #expect(
                sexo.first { $0["key"] as? String == "X" }?["trained_total"] as? Int == data.passedX, "X counts as X")
            let entidad = try #require(splits.first { $0["by"] as? String == "entidad" }?["rows"] as? [[String: Any]])
            #expect(entidad.first?["label"] as? String == "Federal (sin entidad)")
            #expect(entidad.compactMap { $0["key"] as? String }.contains("JC"), "SSP-JAL's state")

            // Each group's and the course's breakdowns add up to their statistics.
            for code in data.groupCodes {
                let report = try Self.object(try run(["report", "group", code] + by))
                try Self.expectRosterBreakdownsAddUp(
                    try #require(report["breakdowns"] as? [[String: Any]]),
                    total: try #require(report["statistics"] as? [String: Any]), code)
            }
            for course in ["PNC22-BAS", "PNC22-SENS"] {
                let report = try Self.object(try run(["report", "course", course, "--period", "2023"] + by))
                try Self.expectRosterBreakdownsAddUp(
                    try #require(report["breakdowns"] as? [[String: Any]]),
                    total: try #require(report["total"] as? [String: Any]), course)
            }

            // Each quarter: the groups that started in it, the course's groups that ended in it.
            for quarter in 1...4 {
                let listed = try #require(
                    try Self.json(try run(["group", "list", "--period", "2023-T\(quarter)"])) as? [Any])
                #expect(listed.count == data.startedPerQuarter[quarter - 1], "T\(quarter)")
                let course = try Self.object(
                    try run(["report", "course", "PNC22-BAS", "--period", "2023-T\(quarter)"]))
                let enrolled = (course["total"] as? [String: Any])?["enrolled"] as? Int
                #expect(enrolled == data.basicPerQuarter[quarter - 1], "T\(quarter)")
                #expect((course["period"] as? [String: String])?["label"] == "2023-T\(quarter)")
            }
            let year = try #require(try Self.json(try run(["group", "list", "--year", "2023"])) as? [Any])
            let span = try #require(
                try Self.json(try run(["group", "list", "--from", "2023-01-01", "--to", "2023-12-31"])) as? [Any])
            #expect(year.count == 16 && span.count == 16)

            // A constancia belongs to the period of its issue date: these were issued today, not in 2023.
            let none = try #require(try Self.json(try run(["constancia", "list", "--period", "2023"])) as? [Any])
            #expect(none.isEmpty)
            let all = try #require(
                try Self.json(try run(["constancia", "list", "--from", "2007-01-01", "--to", "2027-12-31"])) as? [Any])
            #expect(all.count == data.passed)
            let refused = CLI.run(["constancia", "list"], url: url)
            #expect(refused.status == 2 && refused.error.contains("indique el grupo"), "\(refused.error)")
            let twice = CLI.run(["group", "list", "--year", "2023", "--period", "2023-T1"], url: url)
            #expect(twice.status == 2 && twice.error.contains("solo una de las tres"), "\(twice.error)")
            let wrong = CLI.run(["report", "coverage", "--year", "2023", "--by", "edad"], url: url)
            #expect(wrong.status == 2 && wrong.error.contains("no es un desglose"), "\(wrong.error)")
        }
    }
}

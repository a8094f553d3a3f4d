import Capacita
import Foundation
import TestSupport
import Testing

/// `report events` on generated data through the built executable: each breakdown (sex, order of
/// government, state, audience) adds up to the table's TOTAL, and a quarter counts only the
/// events that started in it.
@Suite struct EventsBreakdownCLITests {
    /// Deterministic (SplitMix64): the same files on every run.
    struct SplitMix {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    struct Generated {
        var groups: String
        var people: String
        /// Events that started in each quarter of 2023.
        var perQuarter: [Int]
    }

    /// Groups of federal, state and municipal agencies over 2023 (the examples are of 2024), some with a state and some
    /// without; events without a course carrying aggregate counts; people of each sex (X too).
    static func generate(seed: UInt64) -> Generated {
        var random = SplitMix(state: seed)
        let agencies = ["SEGOB", "SICT", "SALUD", "FGJNL", "DIF-MTY"]
        let states = ["", "NL", "JC", "DF", "YN"]
        var groups = [
            "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos"
        ]
        var people = ["curp,nombre,primer_apellido,segundo_apellido,sexo,correo,dependencia,nivel,puesto,grupo"]
        var perQuarter = [0, 0, 0, 0]
        var serial = 0
        for index in 0..<24 {
            let month = 1 + random.next(12)
            let day = 1 + random.next(28)
            let start = String(format: "2023-%02d-%02d", month, day)
            perQuarter[(month - 1) / 3] += 1
            let agency = agencies[random.next(agencies.count)]
            let state = states[random.next(states.count)]
            let code = "GEN-\(index)"
            if random.next(3) == 0 {
                groups.append(
                    "\(code),,sensibilizacion,\(agency),\(start),,,\(state),,\(random.next(900)),\(random.next(60))")
                continue
            }
            groups.append("\(code),PNC22-SENS,,\(agency),\(start),\(start),presencial,\(state),40,,")
            for _ in 0..<random.next(12) {
                serial += 1
                let sex = ["H", "M", "X"][random.next(3)]
                let born = String(format: "%02d%02d%02d", 60 + serial / 300, 1 + serial / 25 % 12, 1 + serial % 25)
                let curp = Curp.completing("PERA\(born)\(sex)DFRRR\(serial % 10)")
                people.append("\(curp),Ana,Pérez,Ruiz,\(sex),,\(agency),operativo,,\(code)")
            }
        }
        return Generated(
            groups: groups.joined(separator: "\n") + "\n", people: people.joined(separator: "\n") + "\n",
            perQuarter: perQuarter)
    }

    static func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    /// People and events in the table's TOTAL (both kinds).
    static func totals(_ report: [String: Any]) throws -> (events: Int, general: Int, servants: Int) {
        let total = try #require(report["total"] as? [String: [String: Int]])
        var sums = (events: 0, general: 0, servants: 0)
        for kind in ["capacitacion", "sensibilizacion"] {
            let counts = try #require(total[kind])
            sums.events += counts["eventos"] ?? 0
            sums.general += counts["publico_general"] ?? 0
            sums.servants += counts["servidores_publicos"] ?? 0
        }
        return sums
    }

    @Test(arguments: [7, 2024] as [UInt64])
    func everyBreakdownAddsUpToTheTotalAndAQuarterCountsItsOwn(seed: UInt64) throws {
        let data = Self.generate(seed: seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-events-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let groups = folder.appendingPathComponent("grupos.csv")
        let people = folder.appendingPathComponent("personas.csv")
        try Data(data.groups.utf8).write(to: groups)
        try Data(data.people.utf8).write(to: people)
        try TestDatabase.withFresh { url in
            let root = TestDatabase.projectRoot.path
            try CLI.prepare(
                url,
                then: [
                    ["agency", "import", "\(root)/examples/instancias-estatales.csv"],
                    ["group", "import", groups.path],
                    ["enroll", "import", people.path, "--skip-prerequisites"],
                ])
            let run = CLI.run(
                ["report", "events", "--period", "2023", "--by", "sexo,orden,entidad,publico", "--format", "json"],
                url: url)
            try #require(run.status == 0, "\(run.error)")
            let report = try Self.json(run.output)
            let totals = try Self.totals(report)
            let breakdowns = try #require(report["breakdowns"] as? [[String: Any]])
            #expect(breakdowns.compactMap { $0["by"] as? String } == ["sexo", "orden", "entidad", "publico"])
            for breakdown in breakdowns {
                let rows = try #require(breakdown["rows"] as? [[String: Any]])
                let by = breakdown["by"] as? String ?? ""
                #expect(rows.compactMap { $0["publico_general"] as? Int }.reduce(0, +) == totals.general, "\(by)")
                #expect(rows.compactMap { $0["servidores_publicos"] as? Int }.reduce(0, +) == totals.servants, "\(by)")
                if by == "orden" || by == "entidad" {
                    #expect(rows.compactMap { $0["eventos"] as? Int }.reduce(0, +) == totals.events, "\(by)")
                }
                #expect(!(breakdown["basis"] as? String ?? "").isEmpty, "each breakdown says what it is taken from")
            }
            // People of sex X are counted as X.
            let sexo = try #require(breakdowns.first?["rows"] as? [[String: Any]])
            let x = sexo.first { $0["key"] as? String == "X" }?["servidores_publicos"] as? Int
            #expect(x == data.people.split(separator: "\n").filter { $0.contains(",X,,") }.count)
            // Each quarter counts only the events that started in it.
            for quarter in 1...4 {
                let run = CLI.run(["report", "events", "--period", "2023-T\(quarter)", "--format", "json"], url: url)
                try #require(run.status == 0, "\(run.error)")
                #expect(
                    try Self.totals(try Self.json(run.output)).events == data.perQuarter[quarter - 1], "T\(quarter)")
            }
            let refused = CLI.run(["report", "events", "--year", "2024", "--period", "2024-T1"], url: url)
            #expect(refused.status != 0 && refused.error.contains("solo una de las tres"), "\(refused.error)")
        }
    }
}

import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

/// Coverage's, a group's and a course's breakdowns over HTTP (`by=`) on generated data added to the
/// fixture (2023: the fixture's own data is of 2024), each adding up to its report's total; an
/// enlace's breakdowns count its own people only; the activity lists by period; the pages' controls.
@Suite struct ReportBreakdownAPITests {
    /// Deterministic (SplitMix64): the same data on every run.
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
        var groupCodes: [String] = []
        var startedPerQuarter = [0, 0, 0, 0]
        /// People in PNC22-BAS groups, per agency; people who passed, per agency.
        var basic: [String: Int] = [:]
        var passed: [String: Int] = [:]
        /// People in PNC22-BAS groups that ended in each quarter (they end the day they start).
        var basicPerQuarter = [0, 0, 0, 0]
    }

    static let agencies = ["SICT", "INM", "SEGOB", "FGJNL", "DIF-MTY"]

    /// Groups of 2023 (with a state or without), people of each sex from agencies of the three
    /// orders, some passing, loaded as the operator loads them.
    static func load(_ served: Served, seed: UInt64) throws -> Generated {
        var random = SplitMix(state: seed)
        var generated = Generated()
        var groups = [
            "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos"
        ]
        var people = ["curp,nombre,primer_apellido,segundo_apellido,sexo,correo,dependencia,nivel,puesto,grupo"]
        var results = ["curp,grupo,asistencia,pre,post,calificacion"]
        var serial = 0
        for index in 0..<10 {
            let month = 1 + random.next(12)
            let start = String(format: "2023-%02d-%02d", month, 1 + random.next(25))
            generated.startedPerQuarter[(month - 1) / 3] += 1
            let course = random.next(2) == 0 ? "PNC22-BAS" : "PNC22-SENS"
            let code = "GEN-\(index)"
            generated.groupCodes.append(code)
            let state = ["", "NL", "JC"][random.next(3)]
            groups.append(
                "\(code),\(course),,\(agencies[random.next(agencies.count)]),\(start),\(start),presencial,\(state),40,,"
            )
            for _ in 0..<(1 + random.next(10)) {
                serial += 1
                let sex = ["H", "M", "X"][random.next(3)]
                let born = String(format: "%02d%02d%02d", 70 + serial / 300, 1 + serial / 25 % 12, 1 + serial % 25)
                let curp = Curp.completing("PERA\(born)\(sex)JCRRR\(serial % 10)")
                let agency = agencies[random.next(agencies.count)]
                people.append("\(curp),Ana,Pérez,Ruiz,\(sex),,\(agency),operativo,,\(code)")
                if course == "PNC22-BAS" {
                    generated.basic[agency, default: 0] += 1
                    generated.basicPerQuarter[(month - 1) / 3] += 1
                }
                if random.next(2) == 0 {
                    results.append("\(curp),\(code),100,40,90,100")
                    generated.passed[agency, default: 0] += 1
                }
            }
        }
        let connection = try Connection(served.fixture.ownerURL)
        connection.act(as: .admin("pruebas"))
        let imports = FileImports(connection: connection)
        func input(_ lines: [String], _ name: String) throws -> InputFile {
            try InputFile(bytes: Array((lines.joined(separator: "\n") + "\n").utf8), name: name)
        }
        try ServiceFixture.require(
            try imports.agencies(try InputFile(path: ServiceFixture.path("examples/instancias-estatales.csv"))))
        try ServiceFixture.require(try imports.groups(try input(groups, "grupos.csv"), ranBy: "pruebas"))
        let tiers = try TierTable.parse(try ServiceFixture.file("db/seed/tiers.csv")).get()
        try ServiceFixture.require(
            try EnrollmentImporter(connection: connection).run(
                try input(people, "personas.csv"),
                options: .init(skipPrerequisites: true, tiers: tiers, ranBy: "pruebas")))
        try ServiceFixture.require(
            try ResultsImporter(connection: connection).run(
                try input(results, "resultados.csv"), options: .init(ranBy: "pruebas")))
        return generated
    }

    private func json(_ served: Served, _ uri: String, as caller: ServiceFixture.Caller) async throws -> Any {
        let response = try await served.send(.get, uri, as: caller)
        try #require(response.status == .ok, "\(uri) as \(caller): \(response.status) \(response.text.prefix(300))")
        return try response.json()
    }

    private func object(_ served: Served, _ uri: String, as caller: ServiceFixture.Caller) async throws
        -> [String: Any]
    {
        try #require(try await json(served, uri, as: caller) as? [String: Any])
    }

    /// Each breakdown's lines add up to the roster's statistics; returns the enrolled total.
    @discardableResult
    private func expectRosterBreakdownsAddUp(_ report: [String: Any], total key: String, _ context: String) throws
        -> Int
    {
        let total = try #require(report[key] as? [String: Any])
        let breakdowns = try #require(report["breakdowns"] as? [[String: Any]])
        #expect(breakdowns.compactMap { $0["by"] as? String } == ["sexo", "orden", "entidad", "publico"], "\(context)")
        for breakdown in breakdowns {
            let rows = try #require(breakdown["rows"] as? [[String: Any]])
            for field in ["enrolled", "acreditados", "no_acreditados", "bajas", "inscritos"] {
                let sum = rows.compactMap { ($0["statistics"] as? [String: Any])?[field] as? Int }.reduce(0, +)
                #expect(sum == total[field] as? Int, "\(context) \(breakdown["by"] ?? "") \(field)")
            }
        }
        return total["enrolled"] as? Int ?? -1
    }

    @Test func everyBreakdownAddsUpAndAnEnlaceCountsItsOwnPeople() async throws {
        try await withService { served in
            let data = try Self.load(served, seed: 29)
            let by = "by=sexo,orden,entidad,publico"
            // Coverage: national aggregates for every role, split; each line adds up to the agencies.
            var answers: Set<String> = []
            for caller in [ServiceFixture.Caller.admin, .sict, .instructor] {
                let response = try await served.send(.get, "/v1/reports/coverage?year=2023&\(by)", as: caller)
                try #require(response.status == .ok, "\(caller): \(response.text.prefix(300))")
                answers.insert(response.text)
                let coverage = try #require(try response.json() as? [String: Any])
                let agencies = try #require(coverage["agencies"] as? [[String: Any]])
                let trained = agencies.flatMap { ($0["tiers"] as? [String: [String: Any]])?.values.map { $0 } ?? [] }
                    .compactMap { $0["trained"] as? Int }.reduce(0, +)
                #expect(trained == data.passed.values.reduce(0, +))
                let splits = try #require(coverage["breakdowns"] as? [[String: Any]])
                #expect(splits.count == 4)
                for split in splits {
                    let rows = try #require(split["rows"] as? [[String: Any]])
                    #expect(
                        rows.compactMap { $0["trained_total"] as? Int }.reduce(0, +) == trained, "\(split["by"] ?? "")")
                    #expect((split["total"] as? [String: Any])?["trained_total"] as? Int == trained)
                }
            }
            #expect(answers.count == 1, "coverage and its breakdowns are the same whoever asks")
            // Each group's breakdowns add up to its statistics.
            for code in data.groupCodes {
                try expectRosterBreakdownsAddUp(
                    try await object(served, "/v1/reports/groups/\(code)?\(by)", as: .admin), total: "statistics", code)
            }
            // A course: everyone's for the Secretaría Técnica; an enlace's own people only, in every line.
            let course = try await object(served, "/v1/reports/courses/PNC22-BAS?period=2023&\(by)", as: .admin)
            #expect(try expectRosterBreakdownsAddUp(course, total: "total", "admin") == data.basic.values.reduce(0, +))
            for (caller, agency) in [(ServiceFixture.Caller.sict, "SICT"), (.inm, "INM")] {
                let own = try await object(served, "/v1/reports/courses/PNC22-BAS?period=2023&\(by)", as: caller)
                #expect(try expectRosterBreakdownsAddUp(own, total: "total", agency) == data.basic[agency, default: 0])
                let agencies = Array((own["by_agency"] as? [String: Any] ?? [:]).keys)
                #expect(agencies.allSatisfy { $0 == agency }, "\(agencies)")
            }
            // The same by quarters (period=) and by days (from=/to=).
            for (quarter, days) in ["01-01/03-31", "04-01/06-30", "07-01/09-30", "10-01/12-31"].enumerated() {
                let ends = days.split(separator: "/").map { "2023-\($0)" }
                let byPeriod = try await object(
                    served, "/v1/reports/courses/PNC22-BAS?period=2023-T\(quarter + 1)", as: .admin)
                let byDays = try await object(
                    served, "/v1/reports/courses/PNC22-BAS?from=\(ends[0])&to=\(ends[1])", as: .admin)
                for report in [byPeriod, byDays] {
                    #expect(
                        (report["total"] as? [String: Any])?["enrolled"] as? Int == data.basicPerQuarter[quarter],
                        "T\(quarter + 1)")
                    #expect((report["period"] as? [String: String])?["to"] == ends[1])
                }
            }
        }
    }

    @Test func theListsAnswerTheirPeriod() async throws {
        try await withService { served in
            let data = try Self.load(served, seed: 30)
            for quarter in 1...4 {
                let groups = try #require(
                    try await json(served, "/v1/groups?period=2023-T\(quarter)", as: .inm) as? [Any])
                #expect(groups.count == data.startedPerQuarter[quarter - 1], "T\(quarter)")
            }
            let year = try #require(try await json(served, "/v1/groups?year=2023", as: .admin) as? [Any])
            #expect(year.count == 10)
            // Constancias by their issue date: issued today, none in 2023; an enlace its own people's.
            let none = try #require(try await json(served, "/v1/constancias?period=2023", as: .admin) as? [Any])
            #expect(none.isEmpty)
            let span = "from=2007-01-01&to=2027-12-31"
            for (caller, agency) in [(ServiceFixture.Caller.sict, "SICT"), (.inm, "INM")] {
                let own = try #require(
                    try await json(served, "/v1/constancias?\(span)", as: caller) as? [[String: Any]])
                let generated = own.filter { ($0["group"] as? String ?? "").hasPrefix("GEN-") }
                #expect(generated.count == data.passed[agency, default: 0], "\(agency)")
            }
            let all = try #require(try await json(served, "/v1/constancias?\(span)", as: .admin) as? [[String: Any]])
            #expect(
                all.filter { ($0["group"] as? String ?? "").hasPrefix("GEN-") }.count == data.passed.values.reduce(0, +)
            )
            let oneGroup = try #require(
                try await json(served, "/v1/constancias?group=\(data.groupCodes[0])&\(span)", as: .admin)
                    as? [[String: Any]])
            #expect(oneGroup.allSatisfy { $0["group"] as? String == data.groupCodes[0] })

            for wrong in [
                "/v1/constancias", "/v1/constancias?period=2023-T5", "/v1/groups?year=2023&period=2023-T1",
                "/v1/groups", "/v1/reports/coverage?year=2023&by=edad", "/v1/reports/groups/GEN-0?by=sexo,edad",
                "/v1/reports/courses/PNC22-BAS", "/v1/reports/courses/PNC22-BAS?from=2023-01-01",
            ] {
                let response = try await served.send(.get, wrong, as: .admin)
                #expect(response.status == .badRequest, "\(wrong): \(response.status)")
            }
            for path in ["NO-EXISTE", "PNC22-BAS%00", String(repeating: "A", count: 41)] {
                let unknown = try await served.send(.get, "/v1/reports/courses/\(path)?year=2023", as: .admin)
                #expect(unknown.status == .notFound, "\(path.prefix(12)): \(unknown.status)")
            }
        }
    }

    @Test func thePagesSplitWhatTheyShow() async throws {
        try await withService { served in
            _ = try Self.load(served, seed: 31)
            let session = try await PagesTests.session(served, .sict)
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(session)"]
            let coverage = try await served.send(
                .get, "/cobertura?year=2023&by=sexo&by=entidad", as: nil, headers: cookie)
            #expect(coverage.status == .ok)
            #expect(
                coverage.text.contains("value=\"sexo\" checked") && !coverage.text.contains("value=\"orden\" checked"))
            #expect(
                coverage.text.contains("Por sexo. Personas capacitadas")
                    && coverage.text.contains("Federal (sin entidad)"))
            let csv = try await served.send(.get, "/cobertura?year=2023&by=orden&formato=csv", as: nil, headers: cookie)
            #expect(csv.status == .ok && csv.text.contains("orden,agencies,meeting,without_headcount"))

            let group = try await served.send(
                .get, "/grupos/\(ServiceFixture.sictGroup)?by=orden", as: nil, headers: cookie)
            #expect(group.status == .ok && group.text.contains("Por orden de gobierno. Personas de la lista del grupo"))
            #expect(
                group.text.contains("value=\"orden\" checked")
                    && group.text.contains("href=\"/cursos/PNC22-BAS?year=2024\""))

            let course = try await served.send(
                .get, "/cursos/PNC22-BAS?year=2023&periodo=S1&by=sexo", as: nil, headers: cookie)
            #expect(course.status == .ok)
            #expect(course.text.contains("Grupos del curso que terminaron en el primer semestre de 2023"))
            #expect(course.text.contains("<option value=\"S1\" selected>Primer semestre</option>"))
            #expect(course.text.contains("Por sexo. Personas de los grupos del curso"))
            let missing = try await served.send(.get, "/cursos/NO-EXISTE?year=2023", as: nil, headers: cookie)
            #expect(missing.status == .notFound && missing.text.contains("Curso no encontrado"))
            // What the page cannot read is the whole year without breakdowns, never an error page.
            let odd = try await served.send(
                .get, "/cursos/PNC22-BAS?year=2023&periodo=T9&by=edad", as: nil, headers: cookie)
            #expect(odd.status == .ok && odd.text.contains("terminaron en 2023") && !odd.text.contains("Por sexo."))
        }
    }
}

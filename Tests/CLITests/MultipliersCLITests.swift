import Capacita
import Foundation
import TestSupport
import Testing

/// `report multiplicadores` and linking an instructor's account to a CURP, through the built
/// executable: a person who passed Formador (by the results file) teaches two groups after it; the
/// one they taught before passing does not count; bajas are left out.
@Suite struct MultipliersCLITests {
    static let teacher = Curp.completing("GAMA850312MDFRRN0")
    static let people = ["PERJ700101HDFRRN0", "SAMM750202MDFNRR0", "TOVL820303HDFRLS0"].map(Curp.completing)

    @Test func aMultiplierIsListedWithTheGroupsTaughtAfterFormadorAndThePeopleReached() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-multipliers-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let groups = try write(
            "grupos.csv",
            """
            grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos
            SICT-FOR-2024,PNC22-FOR,,SICT,2024-02-05,2024-02-09,presencial,DF,25,,
            SICT-BAS-2024-EARLY,PNC22-BAS,,SICT,2024-01-15,2024-01-19,presencial,DF,30,,
            SICT-BAS-2024-LATE,PNC22-BAS,,SICT,2024-05-06,2024-05-10,presencial,DF,30,,
            SICT-CHARLA-2024,,sensibilizacion,SICT,2024-08-01,,presencial,DF,,40,5

            """)
        let row = { (curp: String, name: String, group: String) in "\(curp),\(name),Prueba,,,,SICT,operativo,,\(group)"
        }
        let enrollment = try write(
            "personas.csv",
            (["curp,nombre,primer_apellido,segundo_apellido,sexo,correo,dependencia,nivel,puesto,grupo"]
                + [row(Self.teacher, "Ana", "SICT-FOR-2024")]
                + Self.people.map { row($0, "Persona", "SICT-BAS-2024-LATE") }
                + [row(Self.people[0], "Persona", "SICT-BAS-2024-EARLY")]).joined(separator: "\n") + "\n")
        let results = try write(
            "resultados.csv", "curp,grupo,asistencia,calificacion\n\(Self.teacher),SICT-FOR-2024,100,95\n")
        try TestDatabase.withFresh { url in
            try CLI.prepare(
                url,
                then: [
                    ["group", "import", groups], ["enroll", "import", enrollment, "--skip-prerequisites"],
                    ["results", "import", results],
                    [
                        "enroll", "drop", "--group", "SICT-BAS-2024-LATE", "--curp", Self.people[2], "--reason",
                        "cambió de área",
                    ],
                    [
                        "user", "create", "--email", "ana@sict.gob.mx", "--name", "Ana Prueba", "--role", "instructor",
                        "--group", "SICT-BAS-2024-EARLY", "--group", "SICT-BAS-2024-LATE", "--group",
                        "SICT-CHARLA-2024",
                    ],
                ])
            let before = CLI.run(["report", "multiplicadores", "--year", "2024", "--format", "json"], url: url)
            try #require(before.status == 0, "\(before.error)")
            let unlinked = try Self.json(before.output)
            #expect((unlinked["multipliers"] as? [Any])?.isEmpty == true, "an account not linked counts nothing")
            #expect((unlinked["total"] as? [String: Int])?["graduates"] == 1)

            let link = CLI.run(["user", "link-person", "ana@sict.gob.mx", "--curp", Self.teacher], url: url)
            #expect(link.status == 0, "\(link.error)")
            #expect(link.output.contains(Curp.mask(Self.teacher)) && !link.output.contains(Self.teacher))

            let run = CLI.run(["report", "multiplicadores", "--year", "2024", "--format", "json"], url: url)
            try #require(run.status == 0, "\(run.error)")
            let report = try Self.json(run.output)
            let multipliers = try #require(report["multipliers"] as? [[String: Any]])
            try #require(multipliers.count == 1)
            let ana = multipliers[0]
            #expect(ana["curp"] as? String == Curp.mask(Self.teacher), "a terminal's report masks every CURP")
            #expect(ana["formador_group"] as? String == "SICT-FOR-2024")
            #expect(ana["formador_ended_on"] as? String == "2024-02-09")
            let taught = try #require(ana["groups"] as? [[String: Any]])
            // The January group started before Formador ended: it does not count.
            #expect(taught.compactMap { $0["code"] as? String } == ["SICT-BAS-2024-LATE", "SICT-CHARLA-2024"])
            #expect(taught.compactMap { $0["enrolled"] as? Int } == [2, 0], "the baja is left out")
            #expect(taught.compactMap { $0["aggregate"] as? Int } == [0, 45])
            #expect(ana["reached"] as? Int == 47)
            let total = try #require(report["total"] as? [String: Int])
            #expect(total["multipliers"] == 1 && total["groups"] == 2 && total["reached"] == 47)
            #expect(total["linked"] == 1)

            let table = CLI.run(["report", "multiplicadores", "--year", "2024"], url: url)
            #expect(table.status == 0 && table.output.contains("TOTAL") && table.output.contains("grupos impartidos"))
            #expect(!table.output.contains(Self.teacher))
            let csv = CLI.run(["report", "multiplicadores", "--year", "2024", "--format", "csv"], url: url)
            #expect(csv.output.hasPrefix("curp,name,agency,formador_group,formador_ended_on,groups_taught"))

            // The year of the groups: none in 2023.
            let earlier = CLI.run(["report", "multiplicadores", "--year", "2023", "--format", "json"], url: url)
            #expect((try Self.json(earlier.output)["multipliers"] as? [Any])?.isEmpty == true)

            // Refusals: a bad CURP (usage, never echoed whole), an account that is not an instructor's.
            let bad = CLI.run(["user", "link-person", "ana@sict.gob.mx", "--curp", "GAMA850312MDFRRN01"], url: url)
            #expect(bad.status == 2 && !bad.error.contains("GAMA850312"), "\(bad.error)")
            let both = CLI.run(["user", "link-person", "ana@sict.gob.mx"], url: url)
            #expect(both.status == 2)
            let nobody = CLI.run(["user", "link-person", "nadie@sict.gob.mx", "--curp", Self.teacher], url: url)
            #expect(nobody.status == 1 && nobody.error.contains("no hay una cuenta"))
            let unlink = CLI.run(["user", "link-person", "ana@sict.gob.mx", "--remove"], url: url)
            #expect(unlink.status == 0)
            let after = CLI.run(["report", "multiplicadores", "--year", "2024", "--format", "json"], url: url)
            #expect((try Self.json(after.output)["multipliers"] as? [Any])?.isEmpty == true)

            // Created with the CURP: linked at once.
            let created = CLI.run(
                [
                    "user", "create", "--email", "ana2@sict.gob.mx", "--name", "Ana Prueba", "--role", "instructor",
                    "--group", "SICT-CHARLA-2024", "--curp", Self.teacher,
                ], url: url)
            #expect(created.status == 0, "\(created.error)")
            let again = try Self.json(
                CLI.run(["report", "multiplicadores", "--year", "2024", "--format", "json"], url: url).output)
            #expect((again["total"] as? [String: Int])?["groups"] == 1)
        }
    }

    static func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import Postgres
import Testing

/// The multipliers (db/migrations/0033) on the application role, where row-level security and the
/// role's grants apply: who passed the Formador course, the groups they taught after it and whom
/// those reached; who may link an account to a CURP and read the link; and an enlace of another
/// agency learning nothing of a multiplier, the same answer as for a person who is not one.
@Suite struct MultiplierStoreTests {
    static let admin = Identity.admin("st")
    static let sict = Identity.enlace(of: "SICT", user: "enlace-sict")
    static let inm = Identity.enlace(of: "INM", user: "enlace-inm")
    static let year = ReportPeriod.year(2024)

    // Ana (SICT) passed Formador in 2023; Beto (INM) in June 2024; Carla (SICT) took it and did not pass.
    static let ana = Curp.completing("GAMA850312MDFRRN0")
    static let beto = Curp.completing("LOPB800101HBCPRT0")
    static let carla = Curp.completing("RUIC900505MDFZRR0")
    static let participants = [
        "PERJ700101HDFRRN0", "SAMM750202MDFNRR0", "TOVL820303HDFRLS0", "VEGR880404MBCGRS0", "NUNP910505HBCXXX0",
        "MOLA930606MBCLRN0",
    ].map(Curp.completing)

    static let groups = """
        grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos
        SICT-FOR-2023,PNC22-FOR,,SICT,2023-05-01,2023-05-05,presencial,DF,25,,
        INM-FOR-2024,PNC22-FOR,,INM,2024-06-03,2024-06-07,presencial,BC,25,,
        SICT-BAS-2023-Z,PNC22-BAS,,SICT,2023-10-02,2023-10-06,presencial,DF,30,,
        SICT-BAS-2024-A,PNC22-BAS,,SICT,2024-03-04,2024-03-08,presencial,DF,30,,
        SICT-PLATICA-2024,,sensibilizacion,SICT,2024-09-02,,presencial,DF,,50,10
        INM-BAS-2024-04,PNC22-BAS,,INM,2024-04-15,2024-04-19,presencial,BC,30,,
        INM-BAS-2024-10,PNC22-BAS,,INM,2024-10-07,2024-10-11,presencial,BC,30,,

        """

    /// The groups, the people and their statuses, and three instructors' accounts with their groups
    /// (Ana also taught a group in 2023, Beto one before he passed, Carla one though she did not
    /// pass); no account linked yet. As the Secretaría Técnica.
    static func withPeople(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabase { connection in
            try importGroups(groups, into: connection)
            func row(_ curp: String, _ name: String, _ sex: String, _ agency: String, _ group: String) -> String {
                "\(curp),\(name),Prueba,,\(sex),,\(agency),operativo,,\(group)\n"
            }
            let people =
                EnrollmentImportTests.header + row(ana, "Ana", "M", "SICT", "SICT-FOR-2023")
                + row(carla, "Carla", "M", "SICT", "SICT-FOR-2023") + row(beto, "Beto", "H", "INM", "INM-FOR-2024")
                + row(participants[0], "Juan", "H", "SICT", "SICT-BAS-2024-A")
                + row(participants[1], "María", "M", "SICT", "SICT-BAS-2024-A")
                + row(participants[2], "Luis", "H", "SICT", "SICT-BAS-2024-A")
                + row(participants[3], "Rosa", "M", "INM", "SICT-BAS-2024-A")
                + row(participants[4], "Pedro", "H", "INM", "INM-BAS-2024-04")
                + row(participants[5], "Alma", "M", "INM", "INM-BAS-2024-10")
                + row(participants[0], "Juan", "H", "SICT", "SICT-BAS-2023-Z")
            let outcome = try enroll(try temporaryFile(people), connection, skipPrerequisites: true)
            try #require(outcome.accepted, "\(outcome.rejected)")
            try connection.execute(
                """
                UPDATE enrollment SET status = 'acreditado' WHERE curp IN ('\(ana)', '\(beto)');
                UPDATE enrollment SET status = 'no_acreditado' WHERE curp = '\(carla)';
                UPDATE enrollment SET status = 'baja', drop_reason = 'prueba', dropped_at = now()
                WHERE curp = '\(participants[2])'
                """)
            for (email, groups) in [
                ("ana@sict.gob.mx", ["SICT-BAS-2023-Z", "SICT-BAS-2024-A", "SICT-PLATICA-2024"]),
                ("beto@inm.gob.mx", ["INM-BAS-2024-04", "INM-BAS-2024-10"]),
                ("carla@sict.gob.mx", ["SICT-BAS-2024-A"]),
            ] {
                _ = try AccountStoreTests.create(connection, email, .instructor, groups: groups)
            }
            try body(connection)
        }
    }

    static func report(_ connection: Connection, as identity: Identity?) throws -> MultipliersReport? {
        connection.act(as: identity)
        return try ReportLoader(connection: connection).multipliers(period: year)
    }

    static func linkEveryone(_ connection: Connection) throws {
        connection.act(as: admin)
        let store = MultiplierStore(connection: connection)
        for (email, curp) in [("ana@sict.gob.mx", ana), ("beto@inm.gob.mx", beto), ("carla@sict.gob.mx", carla)] {
            #expect(try store.link(email: email, to: try Curp.parse(curp).get()))
        }
    }

    @Test func aGraduateCountsTheGroupsTheyTaughtAfterPassingAndTheirPeopleWithoutBajas() throws {
        try Self.withPeople { connection in
            try Self.linkEveryone(connection)
            let report = try #require(try Self.report(connection, as: Self.admin))
            #expect(
                report.graduates.map(\.curp.value).sorted() == [Self.ana, Self.beto].sorted(), "Carla did not pass")
            let ana = try #require(report.multipliers.first { $0.curp.value == Self.ana })
            #expect(ana.agency == "SICT" && ana.formadorGroup == "SICT-FOR-2023" && ana.formadorCourse == "PNC22-FOR")
            #expect(ana.formadorEndedOn == CalendarDate(year: 2023, month: 5, day: 5))
            #expect(ana.name?.full == "Ana Prueba")
            // 2024's groups only (not the one of 2023); three enrolled of four (a baja), one of
            // them of another agency; the talk's aggregate counts (50 + 10).
            #expect(ana.groups.map(\.code) == ["SICT-BAS-2024-A", "SICT-PLATICA-2024"])
            #expect(ana.groups.map(\.enrolled) == [3, 0] && ana.groups.map(\.aggregate) == [0, 60])
            #expect(ana.enrolled == 3 && ana.aggregate == 60 && ana.reached == 63)
            // Beto taught a group in April, before his Formador group ended in June: not counted.
            let beto = try #require(report.multipliers.first { $0.curp.value == Self.beto })
            #expect(beto.groups.map(\.code) == ["INM-BAS-2024-10"] && beto.reached == 1)
            #expect(
                report.totals
                    == .init(multipliers: 2, groups: 3, enrolled: 4, aggregate: 60, graduates: 2, linked: 2))
            // 2023: Ana's Formador group ended in May, the group she taught in October counts.
            connection.act(as: Self.admin)
            let earlier = try #require(try ReportLoader(connection: connection).multipliers(period: .year(2023)))
            #expect(earlier.multipliers.map(\.curp.value) == [Self.ana])
            #expect(earlier.multipliers.first?.groups.map(\.code) == ["SICT-BAS-2023-Z"])
            #expect(earlier.totals.graduates == 1, "Beto had not passed yet")
        }
    }

    @Test func anAccountNotLinkedCountsNothingAndUnlinkingTakesItOut() throws {
        try Self.withPeople { connection in
            let before = try #require(try Self.report(connection, as: Self.admin))
            #expect(before.multipliers.isEmpty && before.totals.graduates == 2 && before.totals.linked == 0)
            try Self.linkEveryone(connection)
            #expect(try Self.report(connection, as: Self.admin)?.multipliers.count == 2)
            connection.act(as: Self.admin)
            #expect(try MultiplierStore(connection: connection).link(email: "ANA@sict.gob.mx", to: nil))
            let after = try #require(try Self.report(connection, as: Self.admin))
            #expect(after.multipliers.map(\.curp.value) == [Self.beto] && after.totals.linked == 1)
        }
    }

    @Test func anEnlaceSeesItsOwnAgencysMultipliersAndNothingOfAnothers() throws {
        try Self.withPeople { connection in
            // INM's answer before anyone of SICT is linked, as for people who are not multipliers.
            try MultiplierStore(connection: connection).link(
                email: "beto@inm.gob.mx", to: try Curp.parse(Self.beto).get())
            let unknown = try #require(try Self.report(connection, as: Self.inm))
            try Self.linkEveryone(connection)
            let inm = try #require(try Self.report(connection, as: Self.inm))
            #expect(inm == unknown, "Ana's link and groups change nothing INM reads")
            #expect(inm.graduates.map(\.curp.value) == [Self.beto])
            let text = inm.json + inm.csv + inm.terminal
            #expect(!text.contains(Self.ana) && !text.contains("Ana") && !text.contains(Curp.mask(Self.ana)))
            #expect(inm.totals == .init(multipliers: 1, groups: 1, enrolled: 1, aggregate: 0, graduates: 1, linked: 1))

            let sict = try #require(try Self.report(connection, as: Self.sict))
            #expect(sict.graduates.map(\.curp.value) == [Self.ana])
            #expect(sict.multipliers.first?.reached == 63, "a group's people of every agency count: a group's figure")
            #expect(sict.json.contains(Self.ana), "the enlace sees its own people's CURP whole")

            // The database answers the same without the code's filter: its own rule.
            for (identity, expected) in [(Self.inm, [Self.beto]), (Self.sict, [Self.ana])] {
                connection.act(as: identity)
                let rows = try connection.query(
                    "SELECT DISTINCT curp FROM multiplier_rows('2024-01-01', '2024-12-31') ORDER BY 1")
                #expect(try rows.rows.map { try $0.decode("curp", as: String.self) } == expected, "\(identity.user)")
            }
        }
    }

    @Test func theLinkIsReadUnderRowLevelSecurityAndWrittenOnlyByTheSecretaria() throws {
        try Self.withPeople { connection in
            #expect(
                try connection.query("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
                    .scalar(Bool.self) == false)
            try Self.linkEveryone(connection)
            func visible(_ identity: Identity) throws -> [String] {
                connection.act(as: identity)
                return try connection.query("SELECT curp FROM account_person ORDER BY 1").rows.map {
                    try $0.decode("curp")
                }
            }
            #expect(try visible(Self.admin) == [Self.ana, Self.beto, Self.carla].sorted())
            #expect(try visible(Self.sict) == [Self.ana, Self.carla].sorted(), "people SICT enrolled")
            #expect(try visible(Self.inm) == [Self.beto])
            #expect(try visible(.instructor("ana@sict.gob.mx")) == [Self.ana], "an instructor, their own")
            #expect(try visible(.instructor("nadie@sict.gob.mx")).isEmpty)
            connection.act(as: .instructor("beto@inm.gob.mx"))
            #expect(try MultiplierStore(connection: connection).linked(email: "beto@inm.gob.mx")?.value == Self.beto)
            #expect(try MultiplierStore(connection: connection).linked(email: "ana@sict.gob.mx") == nil)

            // Only the Secretaría Técnica links; the table takes no write from the application role.
            let curp = try Curp.parse(Self.carla).get()
            for identity in [Self.sict, Identity.instructor("carla@sict.gob.mx")] {
                connection.act(as: identity)
                #expect(throws: MultiplierStore.Problem.notAllowed, "\(identity.user)") {
                    try MultiplierStore(connection: connection).link(email: "carla@sict.gob.mx", to: curp)
                }
            }
            connection.act(as: Self.admin)
            #expect(throws: PostgresError.self) {
                try connection.execute("DELETE FROM account_person")
            }
            #expect(try MultiplierStore(connection: connection).link(email: "nadie@sict.gob.mx", to: curp) == false)
            _ = try AccountStoreTests.create(connection, "enlace2@sict.gob.mx", .enlace, agency: "SICT")
            #expect(throws: MultiplierStore.Problem.notInstructor) {
                try MultiplierStore(connection: connection).link(email: "enlace2@sict.gob.mx", to: curp)
            }
            // An instructor, or no one, reads no report.
            #expect(try Self.report(connection, as: .instructor("ana@sict.gob.mx")) == nil)
            connection.act(as: .instructor("ana@sict.gob.mx"))
            #expect(throws: PostgresError.self) {
                try connection.query("SELECT * FROM multiplier_rows('2024-01-01', '2024-12-31')")
            }
            // The audit log names the link with the CURP masked, never whole.
            connection.act(as: Self.admin)
            let audit = try connection.query(
                "SELECT detail->>'curp' AS curp, target FROM audit_log WHERE action = 'account.person_link' ORDER BY id"
            )
            #expect(
                try audit.rows.map { try $0.decode("curp", as: String.self) }
                    == [Self.ana, Self.beto, Self.carla].map(Curp.mask))
            let whole = try connection.query(
                "SELECT count(*) FROM audit_log WHERE detail::text LIKE '%' || $1 || '%' OR target LIKE '%' || $1 || '%'",
                [Self.ana]
            ).scalar(Int.self)
            #expect(whole == 0)
        }
    }

    @Test func anAccountCreatedWithACurpIsLinkedAtOnce() throws {
        try Self.withPeople { connection in
            let curp = try Curp.parse(Self.ana).get()
            _ = try AccountStore(connection: connection).create(
                .init(
                    email: "ana.nueva@sict.gob.mx", name: "Ana Prueba", role: .instructor, agency: nil,
                    groups: ["INM-BAS-2024-04"], curp: curp),
                linkLifetime: .seconds(3600), link: { "https://capacita.test/invitacion?t=\($0)" }, invitedBy: nil)
            // A second account of the same person adds its groups: INM's April group is after Ana passed.
            let report = try #require(try Self.report(connection, as: Self.admin))
            #expect(report.multipliers.first?.groups.map(\.code) == ["INM-BAS-2024-04"])
            connection.act(as: Self.admin)
            #expect(throws: AccountStore.Problem.curpOnlyForInstructor) {
                try AccountStore(connection: connection).create(
                    .init(
                        email: "otra@sict.gob.mx", name: "Otra", role: .enlace, agency: "SICT", groups: [], curp: curp),
                    linkLifetime: .seconds(3600), link: { $0 }, invitedBy: nil)
            }
        }
    }
}

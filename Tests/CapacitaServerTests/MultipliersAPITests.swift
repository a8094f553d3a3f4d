import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

/// `GET /v1/reports/multiplicadores` and the page Multiplicadores, over a live service: the fixture's
/// instructor account is linked to a SICT person who passed Formador in 2023, and teaches SICT's
/// Básico of 2024. The Secretaría Técnica and SICT's enlace see the multiplier; INM's enlace gets
/// the answer it got before anyone was linked; the instructor gets the 404 of a route not theirs.
@Suite struct MultipliersAPITests {
    static let teacher = Curp.completing("GAMA850312MDFRRN0")
    static let json: HTTPFields = [.contentType: "application/json"]

    /// SICT's Formador group of 2023, the teacher passed it, and the instructor's account linked.
    static func makeMultiplier(_ served: Served) throws {
        let connection = try Connection(served.fixture.ownerURL)
        connection.act(as: .admin("pruebas"))
        try connection.execute(
            """
            INSERT INTO training_group (code, course_code, kind, agency_code, starts_on, ends_on, modality, state, capacity)
            VALUES ('SICT-FOR-2023', 'PNC22-FOR', 'capacitacion', 'SICT', '2023-05-01', '2023-05-05', 'presencial', 'DF', 25)
            """)
        let file =
            "curp,nombre,primer_apellido,segundo_apellido,sexo,dependencia,nivel,grupo\n"
            + "\(teacher),Gloria,Multiplicadora,Ruiz,M,SICT,M,SICT-FOR-2023\n"
        let outcome = try EnrollmentImporter(connection: connection).run(
            try InputFile(bytes: Array(file.utf8), name: "formador.csv"),
            options: .init(
                agency: "SICT", skipPrerequisites: true,
                tiers: try TierTable.parse(try ServiceFixture.file("db/seed/tiers.csv")).get(), ranBy: "pruebas"))
        try #require(outcome.accepted, "\(outcome.rejected)")
        try connection.execute("UPDATE enrollment SET status = 'acreditado' WHERE group_code = 'SICT-FOR-2023'")
        let email = try #require(served.fixture.accounts[.instructor])
        #expect(try MultiplierStore(connection: connection).link(email: email, to: try Curp.parse(teacher).get()))
    }

    static func report(_ served: Served, as caller: ServiceFixture.Caller) async throws -> TestResponse {
        try await served.send(.get, "/v1/reports/multiplicadores?year=2024", as: caller)
    }

    @Test func eachRoleReadsWhatItMayAndAnotherAgencyLearnsNothing() async throws {
        try await withService { served in
            let unknown = try await Self.report(served, as: .inm)
            try #require(unknown.status == .ok, "\(unknown.text.prefix(300))")
            try Self.makeMultiplier(served)
            let enrolled = try #require(
                try served.fixture.query(
                    "SELECT count(*) FROM enrollment WHERE group_code = '\(ServiceFixture.sictGroup)' AND status <> 'baja'",
                    as: Int.self))
            for caller in [ServiceFixture.Caller.admin, .sict] {
                let response = try await Self.report(served, as: caller)
                try #require(response.status == .ok, "\(caller): \(response.text.prefix(300))")
                let body = try #require(try response.json() as? [String: Any])
                let multipliers = try #require(body["multipliers"] as? [[String: Any]])
                try #require(multipliers.count == 1, "\(caller)")
                #expect(multipliers[0]["curp"] as? String == Self.teacher, "\(caller): the CURP whole")
                #expect(multipliers[0]["name"] as? String == "Gloria Multiplicadora Ruiz")
                #expect(multipliers[0]["formador_group"] as? String == "SICT-FOR-2023")
                let groups = try #require(multipliers[0]["groups"] as? [[String: Any]])
                #expect(groups.compactMap { $0["code"] as? String } == [ServiceFixture.sictGroup])
                #expect((body["total"] as? [String: Int])?["reached"] == enrolled && enrolled > 0)
            }
            // INM's enlace: the same bytes as before the SICT person became a multiplier.
            let inm = try await Self.report(served, as: .inm)
            #expect(inm.status == .ok && inm.text == unknown.text)
            #expect(!inm.text.contains("Gloria") && !inm.text.contains(String(Self.teacher.prefix(4)) + "*"))
            #expect(try await Self.report(served, as: .instructor).status == .notFound)
            // CSV and a workbook, as every report.
            let csv = try await served.send(
                .get, "/v1/reports/multiplicadores?year=2024", as: .admin, headers: [.accept: "text/csv"])
            #expect(csv.status == .ok && csv.text.contains("curp,name,agency,formador_group"))
            #expect(csv.text.contains(Self.teacher) && csv.text.contains("TOTAL"))
            for wrong in ["", "?year=1999", "?year=dos"] {
                let response = try await served.send(.get, "/v1/reports/multiplicadores\(wrong)", as: .admin)
                #expect(response.status == .badRequest, "\(wrong)")
            }
        }
    }

    @Test func theSecretariaCreatesAnInstructorWithTheirCurpAndAnEnlaceMayNot() async throws {
        try await withService { served in
            let body = { (email: String, curp: String) in
                #"{"email": "\#(email)", "name": "Ana Prueba", "role": "instructor", "groups": ["\#(ServiceFixture.sictGroup)"], "curp": "\#(curp)"}"#
            }
            let created = try await served.send(
                .post, "/v1/accounts", as: .admin, body: body("ana@sict.gob.mx", Self.teacher), headers: Self.json)
            #expect(created.status == .created, "\(created.text)")
            #expect(
                try served.fixture.query(
                    "SELECT ap.curp FROM account_person ap JOIN account a ON a.id = ap.account_id WHERE a.email = 'ana@sict.gob.mx'",
                    as: String.self) == Self.teacher)
            let bad = String(Self.teacher.prefix(17)) + "X"
            let refused = try await served.send(
                .post, "/v1/accounts", as: .admin, body: body("beto@sict.gob.mx", bad), headers: Self.json)
            #expect(refused.status == .unprocessableContent && refused.text.contains("bad_curp"))
            #expect(!refused.text.contains(bad), "the refusal masks the CURP")
            let enlace = try await served.send(
                .post, "/v1/accounts", as: .sict, body: body("carla@sict.gob.mx", Self.teacher), headers: Self.json)
            #expect(enlace.status == .forbidden)
            #expect(
                try served.fixture.query(
                    "SELECT count(*) FROM account WHERE email IN ('beto@sict.gob.mx', 'carla@sict.gob.mx')",
                    as: Int.self)
                    == 0)
        }
    }

    @Test func thePageShowsTheMultipliersMaskedAndDownloadsThemAsTheAPIDoes() async throws {
        try await withService { served in
            try Self.makeMultiplier(served)
            func get(_ caller: ServiceFixture.Caller, _ uri: String) async throws -> TestResponse {
                let session = try await PagesTests.session(served, caller)
                return try await served.send(.get, uri, as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            }
            let admin = try await get(.admin, "/multiplicadores?year=2024")
            #expect(admin.status == .ok)
            #expect(admin.text.contains("<h1>Multiplicadores, 2024</h1>"))
            #expect(admin.text.contains("Gloria Multiplicadora Ruiz") && admin.text.contains("SICT-FOR-2023"))
            #expect(admin.text.contains(Curp.mask(Self.teacher)) && !admin.text.contains(Self.teacher))
            #expect(admin.text.contains("href=\"/multiplicadores\""), "in the menu")
            let csv = try await get(.admin, "/multiplicadores?year=2024&formato=csv")
            #expect(csv.status == .ok && csv.text.contains(Self.teacher))
            let xlsx = try await get(.admin, "/multiplicadores?year=2024&formato=xlsx")
            #expect(xlsx.status == .ok && Array(xlsx.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            let sict = try await get(.sict, "/multiplicadores?year=2024")
            #expect(sict.status == .ok && sict.text.contains("Gloria Multiplicadora Ruiz"))
            let inm = try await get(.inm, "/multiplicadores?year=2024")
            #expect(inm.status == .ok && !inm.text.contains("Gloria") && !inm.text.contains("SICT-FOR-2023"))
            #expect(!inm.text.contains(Curp.mask(Self.teacher)))
            #expect(try await get(.instructor, "/multiplicadores?year=2024").status == .forbidden)
        }
    }

    @Test func theSecretariasAccountsFormTakesAnInstructorsCurp() async throws {
        try await withService { served in
            func post(_ caller: ServiceFixture.Caller, email: String, curp: String) async throws -> TestResponse {
                let session = try await PagesTests.session(served, caller)
                let page = try await served.send(
                    .get, "/cuentas", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
                #expect(page.text.contains("name=\"curp\"") == (caller == .admin), "\(caller): the field")
                var headers = PagesTests.form
                headers[.cookie] = "capacita_sesion=\(session)"
                let fields = [
                    ("csrf", try PagesTests.hiddenCSRF(page.text)), ("email", email), ("name", "Ana Prueba"),
                    ("role", "instructor"), ("groups", ServiceFixture.sictGroup), ("curp", curp),
                ]
                return try await served.send(
                    .post, "/cuentas", as: nil,
                    body: fields.map { "\($0.0)=\(PagesTests.escaped($0.1))" }.joined(separator: "&"), headers: headers)
            }
            let created = try await post(.admin, email: "ana@sict.gob.mx", curp: Self.teacher)
            #expect(created.status == .ok && created.text.contains("Invitación enviada a ana@sict.gob.mx."))
            let linked =
                "SELECT count(*) FROM account_person ap JOIN account a ON a.id = ap.account_id WHERE a.email = "
            #expect(try served.fixture.query(linked + "'ana@sict.gob.mx'", as: Int.self) == 1)
            let bad = try await post(.admin, email: "beto@sict.gob.mx", curp: "GAMA850312MDFRRN01")
            #expect(bad.status == .unprocessableContent && bad.text.contains("La CURP no es válida"))
            #expect(!bad.text.contains("GAMA850312"))
            // An enlace's form has no such field, and a CURP sent anyway is refused, nothing written.
            let enlace = try await post(.sict, email: "carla@sict.gob.mx", curp: Self.teacher)
            #expect(enlace.status == .unprocessableContent)
            #expect(
                try served.fixture.query(
                    "SELECT count(*) FROM account WHERE email IN ('beto@sict.gob.mx', 'carla@sict.gob.mx')",
                    as: Int.self)
                    == 0)
        }
    }
}

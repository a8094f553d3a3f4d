import Capacita
import CapacitaFiles
import CapacitaServer
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import SampleData
import TestSupport
import Testing

@Suite struct ServiceTests {
    /// A file of new SICT people, as an office suite saves it: Windows-1252, semicolons.
    static func sictFile(_ people: ArraySlice<SamplePerson>, group: String = "SICT-SENS-2024-01") -> [UInt8] {
        let text =
            "CURP;Nombre(s);Apellido Paterno;Apellido Materno;Sexo;Dependencia;Nivel;Grupo\r\n"
            + people.map {
                "\($0.curp);\($0.givenNames);\($0.firstSurname);\($0.secondSurname);\($0.sex.rawValue);SICT;M;\(group)"
            }.joined(separator: "\r\n") + "\r\n"
        return [UInt8](text.data(using: .windowsCP1252)!)
    }

    @Test func noTokenAMalformedOneARevokedOneAndAnExpiredOneGet401() async throws {
        try await withService { served in
            for headers: HTTPFields in [[:], [.authorization: "Basic abc"], [.authorization: "Bearer capacita_nada"]] {
                let response = try await served.send(.get, "/v1/courses", as: nil, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                let body = try #require(try response.json() as? [String: [String: Any]])
                #expect(body["error"]?["code"] as? String == "unauthorized")
            }
            #expect(try await served.send(.get, "/v1/courses", as: .revoked).status == .unauthorized)
            #expect(try await served.send(.get, "/v1/courses", as: .admin).status == .ok)
            // A token past its expiry date is refused from that moment, like a revoked one.
            #expect(try await served.send(.get, "/v1/courses", as: .inm).status == .ok)
            try Connection(served.fixture.ownerURL).execute(
                "UPDATE api_token SET expires_on = current_date - 1 WHERE name = 'prueba-inm'")
            #expect(try await served.send(.get, "/v1/courses", as: .inm).status == .unauthorized)
        }
    }

    @Test func aWindows1252SemicolonUploadKeepsItsAccents() async throws {
        let people = SampleRows.people.prefix(3)
        try #require(
            people.contains {
                $0.givenNames.contains(where: { !$0.isASCII }) || $0.firstSurname.contains(where: { !$0.isASCII })
            })
        try await withService { served in
            let response = try await served.send(
                .post, "/v1/enrollments", as: .sict, bytes: Self.sictFile(people),
                headers: [.contentType: "text/csv"])
            #expect(response.status == .ok, "\(response.text)")
            let report = try #require(try response.json() as? [String: Any])
            #expect(report["imported"] as? Int == 3)
            // The audit row of the import carries the request's id, as its log line does.
            let requestID = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
            let audited: String? = try served.fixture.query(
                "SELECT action FROM audit_log WHERE request_id = '\(requestID)' ORDER BY id LIMIT 1")
            #expect(audited?.hasPrefix("enrollment") == true, "\(audited ?? "no audit row")")
            for person in people {
                let stored: String? = try served.fixture.query(
                    "SELECT given_names || '|' || first_surname FROM person WHERE curp = '\(person.curp)'")
                #expect(stored == "\(person.givenNames)|\(person.firstSurname)")
            }
        }
    }

    @Test func aDryRunWritesNothing() async throws {
        try await withService { served in
            let before: Int? = try served.fixture.query("SELECT count(*)::int FROM enrollment")
            let batches: Int? = try served.fixture.query("SELECT count(*)::int FROM import_batch")
            let response = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .sict, bytes: Self.sictFile(SampleRows.people.prefix(4)))
            #expect(response.status == .ok)
            let report = try #require(try response.json() as? [String: Any])
            #expect(report["dry_run"] as? Bool == true)
            #expect(report["imported"] as? Int == 4)
            #expect(try served.fixture.query("SELECT count(*)::int FROM enrollment") == before)
            #expect(try served.fixture.query("SELECT count(*)::int FROM import_batch") == batches)
        }
    }

    @Test func aRefusedFileAnswers422WithEveryLineAndWritesNothing() async throws {
        try await withService { served in
            var bytes = Self.sictFile(SampleRows.people.prefix(2))
            // In the file's own encoding: a UTF-8 «é» among Windows-1252 bytes would refuse it as mixed.
            bytes += [UInt8](
                "XXXX000000HDFXXX00;Ana;Pérez;;M;SICT;M;SICT-SENS-2024-01\r\n".data(using: .windowsCP1252)!)
            let before: Int? = try served.fixture.query("SELECT count(*)::int FROM enrollment")
            let response = try await served.send(.post, "/v1/enrollments", as: .sict, bytes: bytes)
            #expect(response.status == .unprocessableContent)
            let report = try #require(try response.json() as? [String: Any])
            let rejected = try #require(report["rejected"] as? [[String: Any]])
            #expect(rejected.contains { $0["line"] as? Int == 4 && $0["column"] as? String == "curp" })
            #expect(!response.text.contains("XXXX000000HDFXXX00"), "the CURP is masked")
            #expect(try served.fixture.query("SELECT count(*)::int FROM enrollment") == before)
        }
    }

    @Test func anUploadOverTheLimitGets413AndNothingIsKept() async throws {
        try await withService(maxBodyBytes: 64 << 10) { served in
            let big = Self.sictFile(SampleRows.people.prefix(1)) + [UInt8](repeating: 0x41, count: 200 << 10)
            let response = try await served.send(.post, "/v1/enrollments", as: .sict, bytes: big)
            #expect(response.status == .contentTooLarge)
            let body = try #require(try response.json() as? [String: [String: Any]])
            #expect(body["error"]?["code"] as? String == "body_too_large")
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
        }
    }

    /// A LibreOffice workbook is read like its CSV: problems on the sheet's own rows; a sheet it
    /// lacks, or an .ods, is 415 with what to do.
    @Test func aWorkbookUploadIsReadByItsSheetRows() async throws {
        try await withService { served in
            let folder = TestDatabase.projectRoot.appendingPathComponent("Tests/Fixtures/sheets")
            let workbook = [UInt8](try Data(contentsOf: folder.appendingPathComponent("inscripcion.xlsx")))
            let response = try await served.send(.post, "/v1/enrollments?dry_run=true", as: .admin, bytes: workbook)
            #expect(response.status == .unprocessableContent)
            let report = try #require(try response.json() as? [String: Any])
            let rejected = try #require(report["rejected"] as? [[String: Any]])
            // BAS-1 is no group of the demo data: each row refused on its sheet row.
            #expect(
                rejected.map { "\($0["line"] as? Int ?? 0):\($0["column"] as? String ?? "")" } == [
                    "4:grupo", "5:grupo", "7:grupo",
                ])
            #expect(report["header_line"] as? Int == 3)
            let missing = try await served.send(.post, "/v1/enrollments?sheet=Hoja9", as: .admin, bytes: workbook)
            #expect(missing.status == .unsupportedMediaType)
            #expect(missing.text.contains("«Inscripción»"))
            let ods = [UInt8](try Data(contentsOf: folder.appendingPathComponent("inscripcion.ods")))
            let refused = try await served.send(.post, "/v1/enrollments", as: .sict, bytes: ods)
            #expect(refused.status == .unsupportedMediaType && refused.text.contains(".ods"))
        }
    }

    /// Reports and lists as .xlsx with the workbook's type in Accept: the same tables the CLI's
    /// `--format xlsx` writes; another agency's group is still 404.
    @Test func reportsComeAsWorkbooksWhenAskedFor() async throws {
        try await withService { served in
            let accept: HTTPFields = [.accept: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
            let response = try await served.send(.get, "/v1/reports/indicator?year=2024", as: .sict, headers: accept)
            #expect(response.status == .ok)
            #expect(
                response.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"parametro-4.2-2024.xlsx\"")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("p42-\(UUID().uuidString).xlsx")
                .path
            try Data(buffer: response.body).write(to: URL(fileURLWithPath: path))
            let card = String(decoding: try InputFile(path: path).readAll(), as: UTF8.self)
            #expect(card.contains("NII,") && card.contains("PII%"))
            let agencies = String(decoding: try InputFile(path: path, sheet: "Instancias").readAll(), as: UTF8.self)
            #expect(agencies.hasPrefix("instancia,nivel de mando"))
            let list = try await served.send(.get, "/v1/groups?year=2024", as: .sict, headers: accept)
            #expect(list.status == .ok && list.headers[.contentDisposition] == "attachment; filename=\"grupos.xlsx\"")
            let foreign = try await served.send(
                .get, "/v1/groups/\(ServiceFixture.inmGroup)/roster", as: .sict, headers: accept)
            #expect(foreign.status == .notFound)
            for uri in ["/v1/fichas/summary?year=2024", "/v1/fichas/plan?year=2024", "/v1/reports/events?year=2024"] {
                let report = try await served.send(.get, uri, as: .admin, headers: accept)
                #expect(
                    report.status == .ok && Array(report.body.readableBytesView.prefix(2)) == [0x50, 0x4B], "\(uri)")
            }
        }
    }

    @Test func aDamagedArchiveIsRefusedAs415WithoutItsBytes() async throws {
        try await withService { served in
            let zip: [UInt8] =
                [0x50, 0x4B, 0x03, 0x04] + Array("[Content_Types].xml".utf8) + [UInt8](repeating: 0, count: 64)
            let response = try await served.send(.post, "/v1/enrollments", as: .sict, bytes: zip)
            #expect(response.status == .unsupportedMediaType)
            #expect(!response.text.contains("Content_Types"))
        }
    }

    @Test func twoAgenciesUploadingAtOnceBothLandWhole() async throws {
        try await withService { served in
            let sict = Self.sictFile(SampleRows.people[0..<5])
            let inmPeople = SampleRows.people[5..<10]
            let inm = Array(
                ("curp,nombre,primer_apellido,sexo,dependencia,nivel,grupo\n"
                    + inmPeople.map {
                        "\($0.curp),\($0.givenNames),\($0.firstSurname),\($0.sex.rawValue),INM,M,\(ServiceFixture.inmGroup)"
                    }.joined(separator: "\n")).utf8)
            async let first = served.send(.post, "/v1/enrollments", as: .sict, bytes: sict)
            async let second = served.send(.post, "/v1/enrollments", as: .inm, bytes: inm)
            let (a, b) = try await (first, second)
            #expect(a.status == .ok, "\(a.text)")
            #expect(b.status == .ok, "\(b.text)")
            #expect(
                try served.fixture.query(
                    "SELECT count(*)::int FROM enrollment WHERE group_code = 'SICT-SENS-2024-01' AND agency_code = 'SICT'"
                )
                    == 5)
            #expect(
                try served.fixture.query(
                    "SELECT count(*)::int FROM enrollment WHERE group_code = '\(ServiceFixture.inmGroup)' AND agency_code = 'INM'"
                )
                    == 7)
        }
    }

    @Test func anotherAgencysGroupAndFichaAnswer404NotTheirData() async throws {
        try await withService { served in
            for uri in [
                "/v1/groups/\(ServiceFixture.sictGroup)/roster", "/v1/reports/groups/\(ServiceFixture.sictGroup)",
                "/v1/constancias?group=\(ServiceFixture.sictGroup)", "/v1/fichas/SICT/2024",
            ] {
                let response = try await served.send(.get, uri, as: .inm)
                #expect(response.status == .notFound, "\(uri)")
                #expect(!response.text.contains("Gloria") && !response.text.contains("GOMC"), "\(uri)")
            }
            // SICT's enlace sees its people with full CURPs; the instructor masked.
            let own = try await served.send(.get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: .sict)
            #expect(own.text.contains("GOMC820101HDFMRR04"))
            let instructor = try await served.send(
                .get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: .instructor)
            #expect(instructor.status == .ok)
            #expect(!instructor.text.contains("GOMC820101HDFMRR04") && instructor.text.contains("GOMC"))
        }
    }

    /// The organizer's enlace sees its own people in its group, not another agency's in it.
    @Test func anOrganizersRosterHoldsOnlyItsOwnPeople() async throws {
        try await withService { served in
            let person = SampleRows.people[9]
            let file =
                "curp,nombre,primer_apellido,sexo,dependencia,nivel,grupo\n"
                + "\(person.curp),\(person.givenNames),\(person.firstSurname),\(person.sex.rawValue),INM,M,\(ServiceFixture.sictGroup)\n"
            // Placed by the Secretaría Técnica: an enlace fills only its own agency's groups.
            let enrolled = try await served.send(.post, "/v1/enrollments", as: .admin, body: file)
            #expect(enrolled.status == .ok, "\(enrolled.text)")
            for uri in [
                "/v1/groups/\(ServiceFixture.sictGroup)/roster", "/v1/reports/groups/\(ServiceFixture.sictGroup)",
            ] {
                let sict = try await served.send(.get, uri, as: .sict)
                #expect(sict.status == .ok)
                #expect(sict.text.contains("GOMC820101HDFMRR04"))
                #expect(
                    !sict.text.contains(person.curp.prefix(10)) && !sict.text.contains(person.firstSurname), "\(uri)")
                let admin = try await served.send(.get, uri, as: .admin)
                #expect(admin.text.contains(person.curp), "\(uri)")
            }
            // The group's counts are every agency's, whoever asks: places left are not personal.
            func count(_ caller: ServiceFixture.Caller) async throws -> Int? {
                let response = try await served.send(.get, "/v1/groups/\(ServiceFixture.sictGroup)", as: caller)
                return try (response.json() as? [String: Any])?["enrolled"] as? Int
            }
            let total = try await count(.admin)
            let seenBySICT = try await count(.sict)
            let seenByINM = try await count(.inm)
            #expect(total != nil && total == seenBySICT && total == seenByINM)
            // INM's enlace reaches the group through its person, and sees only that person.
            let inm = try await served.send(.get, "/v1/groups/\(ServiceFixture.sictGroup)/roster", as: .inm)
            #expect(inm.status == .ok)
            let rows = try #require(try inm.json() as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["agency"] as? String == "INM")
        }
    }

    @Test func anEnlaceDropsItsOwnPersonNotAnotherAgencys() async throws {
        try await withService { served in
            let body =
                #"{"group": "\#(ServiceFixture.sictGroup)", "curp": "GOMC820101HDFMRR04", "reason": "cambio de adscripción"}"#
            let other = try await served.send(.post, "/v1/enrollments/drop", as: .inm, body: body)
            #expect(other.status == .notFound)
            let own = try await served.send(.post, "/v1/enrollments/drop", as: .sict, body: body)
            #expect(own.status == .ok, "\(own.text)")
            let answer = try #require(try own.json() as? [String: Any])
            #expect(answer["curp"] as? String == Curp.mask("GOMC820101HDFMRR04"))
            #expect(answer["constancia_revoked"] as? Bool == true)
            let again = try await served.send(.post, "/v1/enrollments/drop", as: .sict, body: body)
            #expect(again.status == .conflict)
        }
    }

    /// Hostile text in every path and query parameter is a value like any other: 4xx or an empty
    /// answer, never a server error, and the data is still there afterwards.
    @Test func injectionAndTraversalStringsAreInert() async throws {
        let hostile = [
            "' OR '1'='1", "x'; DROP TABLE person; --", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00", "<script>",
            "\u{202E}abc", String(repeating: "A", count: 5000), "😀", "SICT%27--",
        ].map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0 }
        let templates = [
            "/v1/courses/{}", "/v1/agencies/resolve?name={}", "/v1/groups?year={}", "/v1/groups?year=2024&agency={}",
            "/v1/groups/{}", "/v1/groups/{}/roster", "/v1/headcounts?year={}", "/v1/fichas/{}/2024",
            "/v1/fichas/SICT/{}", "/v1/fichas/{}/2024/history", "/v1/fichas/summary?year={}",
            "/v1/fichas/plan?year=2024&threshold={}", "/v1/reports/coverage?year=2024&rule={}",
            "/v1/reports/coverage?year=2024&levels={}", "/v1/reports/coverage?year=2024&window={}",
            "/v1/reports/indicator?series={}", "/v1/reports/events?year={}", "/v1/reports/groups/{}",
            "/v1/constancias?group={}", "/v1/constancias/verify/{}", "/v1/batches?limit={}", "/v1/audit?since={}",
            "/v1/audit?agency={}",
        ]
        try await withService { served in
            let people: Int? = try served.fixture.query("SELECT count(*)::int FROM person")
            for template in templates {
                for value in hostile {
                    let uri = template.replacingOccurrences(of: "{}", with: value)
                    let response = try await served.send(.get, uri, as: .admin)
                    #expect(response.status.code < 500, "\(template) with \(value.prefix(40)): \(response.status)")
                }
            }
            for value in hostile {
                let response = try await served.send(
                    .post, "/v1/enrollments?dry_run=true&group=\(value)", as: .admin,
                    bytes: Self.sictFile(SampleRows.people.prefix(1)))
                #expect(response.status.code < 500)
                let put = try await served.send(
                    .put, "/v1/headcounts/\(value)/2024", as: .admin, body: #"{"alto":1,"medio":1,"operativo":1}"#)
                #expect(put.status.code < 500)
            }
            #expect(try served.fixture.query("SELECT count(*)::int FROM person") == people)
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
        }
    }

    /// Bodies built to exhaust the reader (YAML aliases, deep nesting) or the column (a count past
    /// PostgreSQL's integer) are refused as input, and the service goes on.
    @Test func hostileBodiesAreRefusedAsInput() async throws {
        let laughs =
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
            + (1..<12).map { "l\($0): &l\($0) [*\($0 == 1 ? "a" : "l\($0 - 1)"),*\($0 == 1 ? "a" : "l\($0 - 1)")]" }
            .joined(separator: "\n")
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        try await withService { served in
            for body in [laughs, deep, "dependencia: !!binary aGVsbG8="] {
                let response = try await served.send(.put, "/v1/fichas/SICT/2024", as: .sict, body: body)
                #expect(response.status == .unprocessableContent, "\(body.prefix(40)): \(response.status)")
            }
            let huge = try await served.send(
                .put, "/v1/headcounts/SICT/2024", as: .admin, body: #"{"alto": 3000000000, "medio": 1, "operativo": 1}"#
            )
            #expect(huge.status == .unprocessableContent, "\(huge.text)")
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
        }
    }

    /// Reports are kept between requests only while the data under them stands: a headcount put
    /// through the service and a status changed by hand in SQL both show in the next answer.
    @Test func aKeptReportFollowsEveryChange() async throws {
        try await withService { served in
            let uri = "/v1/reports/coverage?year=2024&agency=SICT"
            func tiers() async throws -> [String: [String: Any]] {
                let response = try await served.send(.get, uri, as: .sict)
                let body = try #require(try response.json() as? [String: Any])
                let agencies = try #require(body["agencies"] as? [[String: Any]])
                return try #require(agencies.first?["tiers"] as? [String: [String: Any]])
            }
            let first = try await tiers()
            #expect(try await tiers()["alto"]?["headcount"] as? Int == first["alto"]?["headcount"] as? Int)
            let put = try await served.send(
                .put, "/v1/headcounts/SICT/2024", as: .admin, body: #"{"alto": 77, "medio": 35, "operativo": 40}"#)
            #expect(put.status == .ok, "\(put.text)")
            #expect(try await tiers()["alto"]?["headcount"] as? Int == 77)
            let trained = try #require(first["medio"]?["trained"] as? Int)
            try Connection(served.fixture.ownerURL).execute(
                "UPDATE enrollment SET status = 'no_acreditado' WHERE agency_code = 'SICT' AND tier = 'medio'")
            #expect(try await tiers()["medio"]?["trained"] as? Int == 0)
            #expect(trained > 0)
        }
    }

    @Test func verificationIsPublicRateLimitedAndShowsNoCURP() async throws {
        try await withService(verifyLimit: 3) { served in
            let code: String = try #require(
                try served.fixture.query("SELECT code FROM constancia ORDER BY folio LIMIT 1"))
            let first = try await served.send(.get, "/v1/constancias/verify/\(code)", as: nil)
            #expect(first.status == .ok)
            let record = try #require(try first.json() as? [String: Any])
            #expect(record["status"] as? String == "valid")
            let curps: [String] = try Connection(served.fixture.ownerURL).query("SELECT curp FROM person").map {
                try $0.decode("curp")
            }
            #expect(!curps.contains { first.text.contains($0.prefix(10)) })
            #expect(try await served.send(.get, "/v1/constancias/verify/\(code)", as: nil).status == .ok)
            #expect(try await served.send(.get, "/v1/constancias/verify/NADA", as: nil).status == .notFound)
            #expect(try await served.send(.get, "/v1/constancias/verify/\(code)", as: nil).status == .tooManyRequests)
        }
    }

    @Test func healthIs503WhenTheSchemaIsBehind() async throws {
        try await withService { served in
            #expect(try await served.send(.get, "/health", as: nil).status == .ok)
            try Connection(served.fixture.ownerURL).execute(
                "DELETE FROM schema_migration WHERE version = (SELECT max(version) FROM schema_migration)")
            let response = try await served.send(.get, "/health", as: nil)
            #expect(response.status == .serviceUnavailable)
            let body = try #require(try response.json() as? [String: Any])
            #expect(body["status"] as? String == "schema_not_current")
        }
    }

    @Test func theServiceRefusesASuperuserConnection() async throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        var configuration = fixture.configuration()
        configuration.databaseURL = fixture.ownerURL
        await #expect(throws: ServerStartError.self) {
            _ = try await buildApplication(configuration, logger: .init(label: "prueba"))
        }
    }
}

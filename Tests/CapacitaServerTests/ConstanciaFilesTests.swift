import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import SampleData
import Testing
import ZIPFoundation

@testable import CapacitaPDF

/// Constancias on paper over real HTTP: who gets a PDF and a group's ZIP (another agency, 404),
/// the PDF's text and QR code, the address it points to, the hash recorded as issued, and the
/// verification that tells the issued PDF from a copy with one byte changed. And, connected as the
/// application role, the row-level security of what the PDFs read and record.
@Suite struct ConstanciaFilesTests {
    static let group = ServiceFixture.sictGroup
    static let publicURL = "https://capacita.example.gob.mx"

    /// A live service whose public address is `publicURL`.
    static func withServed(_ body: @Sendable (Served) async throws -> Void) async throws {
        try await withService(adjust: { $0.accounts.publicURL = publicURL }, body)
    }

    /// The first valid constancia of the SICT group: folio, code and the holder's full name.
    static func first(_ fixture: ServiceFixture) throws -> (folio: String, code: String, name: String) {
        let connection = try Connection(fixture.ownerURL)
        let row = try #require(
            try connection.query(
                """
                SELECT c.folio, c.code, concat_ws(' ', p.given_names, p.first_surname, p.second_surname) AS name
                FROM constancia c JOIN person p ON p.curp = c.curp
                WHERE c.group_code = $1 AND c.revoked_at IS NULL ORDER BY c.folio LIMIT 1
                """, [group]
            ).map { $0 }.first)
        return (try row.decode("folio"), try row.decode("code"), try row.decode("name"))
    }

    /// Enrolls `people` of `agency` in `group` as the Secretaría Técnica (creating the group when
    /// `create` names its course), and records results that make every one acreditado: each gets a
    /// constancia. Returns their CURPs.
    @discardableResult
    static func acreditados(
        _ fixture: ServiceFixture, _ people: [SamplePerson], agency: String, group: String, create: Bool = false
    ) throws -> [String] {
        let connection = try Connection(fixture.ownerURL)
        connection.act(as: .admin("pruebas"))
        if create {
            let groups =
                "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos\n"
                + "\(group),PNC22-BAS,,\(agency),2024-05-06,2024-05-10,en línea,,200,,\n"
            try ServiceFixture.require(
                try FileImports(connection: connection).groups(
                    try InputFile(bytes: Array(groups.utf8), name: "grupos.csv"), ranBy: "pruebas"))
        }
        let enrollment =
            "curp,nombre,primer_apellido,segundo_apellido,sexo,dependencia,nivel\n"
            + people.map {
                "\($0.curp),\($0.givenNames),\($0.firstSurname),\($0.secondSurname),\($0.sex.rawValue),\(agency),M"
            }.joined(separator: "\n") + "\n"
        let tiers = try TierTable.parse(try ServiceFixture.file("db/seed/tiers.csv")).get()
        try ServiceFixture.require(
            try EnrollmentImporter(connection: connection).run(
                try InputFile(bytes: Array(enrollment.utf8), name: "inscripcion.csv"),
                options: .init(agency: agency, group: group, skipPrerequisites: true, tiers: tiers, ranBy: "pruebas")))
        let results =
            "curp,grupo,asistencia,calificacion\n" + people.map { "\($0.curp),\(group),100,95" }.joined(separator: "\n")
            + "\n"
        try ServiceFixture.require(
            try ResultsImporter(connection: connection).run(
                try InputFile(bytes: Array(results.utf8), name: "resultados.csv"), options: .init(ranBy: "pruebas")))
        return people.map(\.curp)
    }

    /// The folios of `curps`' valid constancias in `group`.
    static func folios(_ fixture: ServiceFixture, group: String, curps: [String]? = nil) throws -> [String] {
        try Connection(fixture.ownerURL).query(
            """
            SELECT folio FROM constancia WHERE group_code = $1 AND revoked_at IS NULL
              AND ($2::text[] IS NULL OR curp = ANY($2)) ORDER BY folio
            """, [group, curps]
        ).map { try $0.decode("folio", as: String.self) }
    }

    /// A ZIP's entries, read back with ZIPFoundation: name → bytes, in the archive's order.
    static func entries(_ zip: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        let archive = try Archive(data: Data(zip), accessMode: .read)
        var entries: [(name: String, bytes: [UInt8])] = []
        for entry in archive {
            var bytes: [UInt8] = []
            _ = try archive.extract(entry) { bytes += $0 }
            entries.append((entry.path, bytes))
        }
        return entries
    }

    @Test func thePDFNamesThePersonWithAccentsAndItsQRIsAnAddressThatAnswersWithIt() async throws {
        try await Self.withServed { served in
            let (folio, code, name) = try Self.first(served.fixture)
            let response = try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .sict)
            #expect(response.status == .ok && response.headers[.contentType] == "application/pdf")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"\(folio).pdf\"")
            let pdf = Array(response.body.readableBytesView)
            let text = try AttendanceSheetTests.text(pdf)
            #expect(text.contains(name) && text.contains(folio) && text.contains(code), "\(name) \(folio)")
            // The fixture's names carry accents: the name read back is the stored one, letter for letter.
            #expect(name.unicodeScalars.contains { $0.value > 0x7F }, "\(name)")
            let address = try AttendanceSheetTests.qr(pdf)
            #expect(address == "\(Self.publicURL)/verificar/\(code)")
            // The address, asked of the service itself, answers with that constancia.
            let path = try #require(URL(string: address)?.path)
            let page = try await served.send(.get, path, as: nil)
            #expect(page.status == .ok && page.text.contains(folio) && page.text.contains("Constancia válida"))
        }
    }

    @Test func everyNameOfTheGroupReadsBackWithItsAccentsFromTheZIP() async throws {
        try await Self.withServed { served in
            let connection = try Connection(served.fixture.ownerURL)
            let expected = try connection.query(
                """
                SELECT c.folio, concat_ws(' ', p.given_names, p.first_surname, p.second_surname) AS name
                FROM constancia c JOIN person p ON p.curp = c.curp
                WHERE c.group_code = $1 AND c.revoked_at IS NULL ORDER BY c.folio
                """, [Self.group]
            ).map { (try $0.decode("folio", as: String.self), try $0.decode("name", as: String.self)) }
            try #require(expected.count >= 2)
            let response = try await served.send(.get, "/v1/groups/\(Self.group)/constancias.zip", as: .admin)
            #expect(response.status == .ok && response.headers[.contentType] == "application/zip")
            let entries = try Self.entries(Array(response.body.readableBytesView))
            #expect(entries.map(\.name) == expected.map { "\($0.0).pdf" })
            for (entry, (folio, name)) in zip(entries, expected) {
                let text = try AttendanceSheetTests.text(entry.bytes)
                #expect(text.contains(name) && text.contains(folio), "\(folio): \(name)")
            }
            // Each PDF in the ZIP is, byte for byte, the one the folio's own address gives.
            let single = try await served.send(.get, "/v1/constancias/\(expected[0].0).pdf", as: .instructor)
            #expect(Array(single.body.readableBytesView) == entries[0].bytes)
        }
    }

    @Test func twoDownloadsAreTheSameBytesAndOneHashIsRecordedAsIssued() async throws {
        try await Self.withServed { served in
            let (folio, code, _) = try Self.first(served.fixture)
            let before = try await served.send(.get, "/v1/constancias/verify/\(code)", as: nil)
            #expect((try before.json() as? [String: Any])?["pdf_sha256"] as? [String] == [])
            let first = Array(
                try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .admin).body.readableBytesView)
            let second = Array(
                try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .sict).body.readableBytesView)
            #expect(!first.isEmpty && first == second)
            let sha256 = ConstanciaDocuments.sha256(first)
            let recorded = try served.fixture.query(
                "SELECT string_agg(sha256, ',') FROM constancia_pdf WHERE folio = '\(folio)'", as: String.self)
            #expect(recorded == sha256)
            let after = try await served.send(.get, "/v1/constancias/verify/\(code)", as: nil)
            #expect((try after.json() as? [String: Any])?["pdf_sha256"] as? [String] == [sha256])
            let page = try await served.send(.get, "/verificar/\(code)", as: nil)
            #expect(page.text.contains(sha256) && page.text.contains(folio))
        }
    }

    @Test func anEditedCopyIsNotTheOneIssuedAndTheOriginalIs() async throws {
        try await Self.withServed { served in
            let (folio, code, _) = try Self.first(served.fixture)
            let original = Array(
                try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .admin).body.readableBytesView)
            var edited = original
            // One byte of the text stream's neighbourhood: a digit of the page's size.
            let index = try #require(edited.firstIndex(of: UInt8(ascii: "7")))
            edited[index] = UInt8(ascii: "8")
            let pdf: HTTPFields = [.contentType: "application/pdf"]
            let issued = try await served.send(
                .post, "/v1/constancias/verify/\(code)", as: nil, bytes: original, headers: pdf)
            let answer = try #require(try issued.json() as? [String: Any])
            #expect(issued.status == .ok && answer["issued"] as? Bool == true && answer["folio"] as? String == folio)
            #expect(answer["sha256"] as? String == ConstanciaDocuments.sha256(original))
            let copy = try await served.send(
                .post, "/v1/constancias/verify/\(code)", as: nil, bytes: edited, headers: pdf)
            let refused = try #require(try copy.json() as? [String: Any])
            #expect(copy.status == .ok && refused["issued"] as? Bool == false)
            #expect(refused["issued_sha256"] as? [String] == [ConstanciaDocuments.sha256(original)])
            let unknown = try await served.send(
                .post, "/v1/constancias/verify/NOEXISTE2345", as: nil, bytes: original, headers: pdf)
            #expect(unknown.status == .notFound)
            // Past the limit (5 MB) the body is refused unread.
            let huge = try await served.send(
                .post, "/v1/constancias/verify/\(code)", as: nil, bytes: [UInt8](repeating: 0x25, count: (5 << 20) + 1),
                headers: pdf)
            #expect(huge.status == .contentTooLarge)

            // The page's form: the same check, without JavaScript, with the public forms' CSRF token.
            let page = try await served.send(.get, "/verificar/\(code)", as: nil)
            let entry = try #require(PagesTests.cookie(page, "capacita_entrada"))
            #expect(page.text.contains("enctype=\"multipart/form-data\"") && !page.text.contains("<script"))
            var headers: HTTPFields = [
                .cookie: "capacita_entrada=\(entry)",
                .contentType: "multipart/form-data; boundary=\(UploadPagesTests.boundary)",
            ]
            func post(_ bytes: [UInt8], csrf: String) async throws -> TestResponse {
                try await served.send(
                    .post, "/verificar/\(code)", as: nil,
                    bytes: UploadPagesTests.multipart([("csrf", csrf)], file: ("constancia.pdf", bytes)),
                    headers: headers)
            }
            let good = try await post(original, csrf: entry)
            #expect(good.status == .ok && good.text.contains("es, byte por byte, el PDF emitido"), "\(good.text)")
            let bad = try await post(edited, csrf: entry)
            #expect(bad.status == .ok && bad.text.contains("NO es el PDF emitido"))
            #expect(bad.text.contains(ConstanciaDocuments.sha256(edited)))
            let forged = try await post(original, csrf: "inventado")
            #expect(forged.status == .forbidden)
            headers[.cookie] = nil
            #expect(try await post(original, csrf: entry).status == .forbidden)
            // Nothing of the uploads stays.
            let left = try FileManager.default.contentsOfDirectory(atPath: served.fixture.uploadFolder)
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func anotherAgencysEnlaceGets404AndAMixedGroupGivesEachAgencyOnlyItsOwn() async throws {
        try await Self.withServed { served in
            let (folio, _, _) = try Self.first(served.fixture)
            let inm = try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .inm)
            #expect(inm.status == .notFound && !inm.text.contains(folio))
            let unknown = try await served.send(.get, "/v1/constancias/PNC-2024-999999.pdf", as: .inm)
            #expect(unknown.status == inm.status && unknown.text == inm.text)
            #expect(
                try await served.send(.get, "/v1/groups/\(Self.group)/constancias.zip", as: .inm).status == .notFound)
            #expect(try await served.send(.get, "/v1/constancias/\(folio).pdf", as: nil).status == .unauthorized)

            // The Secretaría Técnica places an INM person in SICT's group, who acredita.
            let person = SampleFiles(rows: 3, seed: 91).population()[2]
            let inmCurps = try Self.acreditados(served.fixture, [person], agency: "INM", group: Self.group)
            let inmFolio = try #require(try Self.folios(served.fixture, group: Self.group, curps: inmCurps).first)
            let all = try Self.folios(served.fixture, group: Self.group)
            func names(_ caller: ServiceFixture.Caller) async throws -> [String] {
                let response = try await served.send(.get, "/v1/groups/\(Self.group)/constancias.zip", as: caller)
                try #require(response.status == .ok, "\(caller): \(response.status)")
                return try Self.entries(Array(response.body.readableBytesView)).map(\.name)
            }
            #expect(try await names(.admin) == all.map { "\($0).pdf" })
            #expect(try await names(.sict) == all.filter { $0 != inmFolio }.map { "\($0).pdf" })
            #expect(try await names(.inm) == ["\(inmFolio).pdf"])
            #expect(try await served.send(.get, "/v1/constancias/\(inmFolio).pdf", as: .sict).status == .notFound)
            #expect(try await served.send(.get, "/v1/constancias/\(inmFolio).pdf", as: .inm).status == .ok)
            #expect(try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .inm).status == .notFound)
        }
    }

    @Test func aRevokedConstanciaGetsNoPDFAndItsVerificationSaysRevoked() async throws {
        try await Self.withServed { served in
            let (folio, code, _) = try Self.first(served.fixture)
            _ = try Connection(served.fixture.ownerURL).query(
                "UPDATE constancia SET revoked_at = now(), revoked_reason = 'prueba' WHERE folio = $1", [folio])
            let response = try await served.send(.get, "/v1/constancias/\(folio).pdf", as: .admin)
            #expect(response.status == .gone && response.text.contains("\"revoked\""))
            let zip = try await served.send(.get, "/v1/groups/\(Self.group)/constancias.zip", as: .admin)
            #expect(!(try Self.entries(Array(zip.body.readableBytesView)).map(\.name)).contains("\(folio).pdf"))
            let page = try await served.send(.get, "/verificar/\(code)", as: nil)
            #expect(page.text.contains("Constancia REVOCADA"))
        }
    }

    /// A group of sixty: more than a page of the ZIP, each page read, drawn and sent in turn; the
    /// archive's file is gone once the answer is sent.
    @Test func aZIPOfSeveralPagesHasEveryConstanciaAndLeavesNoFile() async throws {
        try await Self.withServed { served in
            let people = Array(SampleFiles(rows: 60, people: 60, seed: 5).population().prefix(60))
            let code = "SICT-ZIP-2024-01"
            let curps = try Self.acreditados(served.fixture, people, agency: "SICT", group: code, create: true)
            let folios = try Self.folios(served.fixture, group: code)
            #expect(folios.count == curps.count && folios.count > ConstanciaDocuments.pageSize)
            let response = try await served.send(.get, "/v1/groups/\(code)/constancias.zip", as: .sict)
            #expect(response.status == .ok)
            let entries = try Self.entries(Array(response.body.readableBytesView))
            #expect(entries.map(\.name) == folios.map { "\($0).pdf" })
            #expect(entries.allSatisfy { $0.bytes.starts(with: Array("%PDF-".utf8)) })
            let recorded = try served.fixture.query(
                "SELECT count(*) FROM constancia_pdf d JOIN constancia c USING (folio) WHERE c.group_code = '\(code)'",
                as: Int.self)
            #expect(recorded == folios.count)
            let left = try FileManager.default.contentsOfDirectory(atPath: served.fixture.uploadFolder)
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func theGroupPageLinksTheZIPAndEachPDFWhichOpenWithThePagesSession() async throws {
        try await Self.withServed { served in
            let (folio, _, _) = try Self.first(served.fixture)
            let sict: HTTPFields = [.cookie: "capacita_sesion=\(try await PagesTests.session(served, .sict))"]
            let page = try await served.send(.get, "/grupos/\(Self.group)", as: nil, headers: sict)
            let zipLink = "/grupos/\(Self.group)/constancias.zip"
            let pdfLink = "/constancias/\(folio).pdf"
            #expect(page.text.contains("<a href=\"\(zipLink)\">") && page.text.contains("<a href=\"\(pdfLink)\">"))
            let zip = try await served.send(.get, zipLink, as: nil, headers: sict)
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            let pdf = try await served.send(.get, pdfLink, as: nil, headers: sict)
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            let inm: HTTPFields = [.cookie: "capacita_sesion=\(try await PagesTests.session(served, .inm))"]
            let other = try await served.send(.get, pdfLink, as: nil, headers: inm)
            #expect(other.status == .notFound && !other.text.contains("%PDF"))
            #expect(try await served.send(.get, zipLink, as: nil, headers: inm).status == .notFound)
        }
    }

    // MARK: - Row-level security, connected as the application role

    static func documents(_ fixture: ServiceFixture, as identity: Identity?) throws -> ConstanciaDocuments {
        let connection = try Connection(fixture.appURL)
        connection.act(as: identity)
        return ConstanciaDocuments(connection: connection, publicURL: publicURL)
    }

    @Test func asTheApplicationRoleEachCallerReadsAndRecordsOnlyItsOwnConstancias() throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let (folio, code, name) = try Self.first(fixture)
        let admin = try Self.documents(fixture, as: .admin("pruebas"))
        guard case .document(let document) = try admin.document(folio: folio) else {
            Issue.record("the Secretaría Técnica reads the constancia")
            return
        }
        #expect(document.holder.full == name && document.code == code)
        #expect(document.verificationAddress == "\(Self.publicURL)/verificar/\(code)")
        // The enlace of the holder's agency reads the same document (the shared record's name),
        // so its PDF is the same bytes.
        let sict = try Self.documents(fixture, as: Identity(role: .enlace, agency: "SICT", user: "prueba-sict"))
        #expect(try sict.document(folio: folio) == .document(document))
        let instructor = try Self.documents(
            fixture, as: Identity(role: .instructor, agency: nil, user: "prueba-instructor"))
        #expect(try instructor.document(folio: folio) == .document(document))
        let inm = try Self.documents(fixture, as: Identity(role: .enlace, agency: "INM", user: "prueba-inm"))
        #expect(try inm.document(folio: folio) == .none)
        #expect(try inm.page(group: Self.group, after: nil).documents.isEmpty)
        let stranger = try Self.documents(fixture, as: Identity(role: .instructor, agency: nil, user: "nadie"))
        #expect(try stranger.document(folio: folio) == .none)
        // No identity: the definer function refuses.
        #expect(throws: (any Error).self) { _ = try Self.documents(fixture, as: nil).document(folio: folio) }
        // Pages follow the folio order and carry on where the last one ended.
        let all = try admin.page(group: Self.group, after: nil, limit: 1000).documents.map(\.folio)
        var paged: [String] = []
        var after: String?
        repeat {
            let page = try admin.page(group: Self.group, after: after, limit: 2)
            paged += page.documents.map(\.folio)
            after = page.next
        } while after != nil
        #expect(paged == all && all.count >= 2)

        // Recording: the caller's constancias only, and a revoked one not at all.
        let hash = String(repeating: "ab", count: 32)
        #expect(throws: (any Error).self) { try inm.recordIssued([(folio, hash)]) }
        try sict.recordIssued([(folio, hash)])
        try sict.recordIssued([(folio, hash)])
        #expect(
            try ConstanciaDocuments.issued(code: code, connection: try Connection(fixture.appURL)).map(\.sha256) == [
                hash
            ])
        #expect(try fixture.query("SELECT count(*) FROM constancia_pdf", as: Int.self) == 1)
        #expect(throws: (any Error).self) { try admin.recordIssued([(folio, "no-es-un-hash")]) }
        _ = try Connection(fixture.ownerURL).query(
            "UPDATE constancia SET revoked_at = now(), revoked_reason = 'prueba' WHERE folio = $1", [folio])
        #expect(throws: (any Error).self) { try admin.recordIssued([(folio, String(repeating: "cd", count: 32))]) }
        guard case .revoked(let revoked, _) = try admin.document(folio: folio) else {
            Issue.record("a revoked constancia is said to be revoked")
            return
        }
        #expect(revoked == folio)
        // The application role changes or removes no record of a PDF issued.
        let app = try Connection(fixture.appURL)
        app.act(as: .admin("pruebas"))
        #expect(throws: (any Error).self) { try app.query("UPDATE constancia_pdf SET sha256 = sha256") }
        #expect(throws: (any Error).self) { try app.query("DELETE FROM constancia_pdf") }
    }
}

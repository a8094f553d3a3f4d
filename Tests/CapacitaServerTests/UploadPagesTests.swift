import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import SampleData
import TestSupport
import Testing

/// Uploading on the pages over real HTTP: a multipart form with the file, the dry run's preview
/// with every refused row grouped by reason, the refused rows as a workbook, confirming the kept
/// file by its fingerprint, and what a form without its CSRF token, another session, an expired
/// preview, the wrong role or a broken body get.
@Suite struct UploadPagesTests {
    static let boundary = "----capacita-prueba-7MA4YWxkTrZu0gW"

    /// A browser's multipart/form-data body: the fields, then the file.
    static func multipart(_ fields: [(String, String)], file: (name: String, bytes: [UInt8])?) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"archivo\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n"
                    .utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    static func headers(_ session: String) -> HTTPFields {
        [.cookie: "capacita_sesion=\(session)", .contentType: "multipart/form-data; boundary=\(boundary)"]
    }

    /// The form's page, then the form posted with the file, as a browser does.
    static func upload(
        _ served: Served, _ session: String, _ kind: String, file: (name: String, bytes: [UInt8])?,
        fields: [(String, String)] = []
    ) async throws -> TestResponse {
        let form = try await served.send(
            .get, "/subir/\(kind)", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
        #expect(form.status == .ok)
        let csrf = try PagesTests.hiddenCSRF(form.text)
        return try await served.send(
            .post, "/subir/\(kind)", as: nil, bytes: multipart([("csrf", csrf)] + fields, file: file),
            headers: headers(session))
    }

    static func hidden(_ name: String, _ html: String) throws -> String {
        let match = try #require(html.firstMatch(of: try Regex("name=\"\(name)\" value=\"([^\"]+)\"")))
        return String(match.output[1].substring!)
    }

    static func confirm(_ served: Served, _ session: String, _ kind: String, preview: String, csrf: String? = nil)
        async throws -> TestResponse
    {
        var headers = PagesTests.form
        headers[.cookie] = "capacita_sesion=\(session)"
        let token = try csrf ?? hidden("csrf", preview)
        return try await served.send(
            .post, "/subir/\(kind)/confirmar", as: nil,
            body: "csrf=\(PagesTests.escaped(token))&huella=\(try hidden("huella", preview))", headers: headers)
    }

    static func example(_ name: String) throws -> (name: String, bytes: [UInt8]) {
        (name, try ServiceFixture.file("examples/\(name)"))
    }

    /// New SICT people with valid CURPs, in the fewest columns an enrollment takes.
    static func newPeople(_ count: Int) -> (name: String, bytes: [UInt8]) {
        let people = SampleFiles(rows: count, seed: 97).population().prefix(count)
        let text =
            "curp,nombre,primer_apellido,segundo_apellido,sexo,dependencia,nivel\n"
            + people.map {
                "\($0.curp),\($0.givenNames),\($0.firstSurname),\($0.secondSurname),\($0.sex.rawValue),SICT,M"
            }.joined(separator: "\n") + "\n"
        return ("nuevas.csv", Array(text.utf8))
    }

    @Test func aSheetWithErrorsIsPreviewedByReasonWithItsRowsAndNothingIsWritten() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .sict)
            let form = try await served.send(
                .get, "/subir/inscripcion", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            #expect(form.text.contains("enctype=\"multipart/form-data\""))
            #expect(form.text.contains("<label for=\"archivo\">") && form.text.contains("<label for=\"grupo\">"))
            #expect(form.text.contains("<option value=\"\(ServiceFixture.sictGroup)\">"))
            let before = try served.fixture.query("SELECT count(*) FROM import_batch", as: Int.self)
            let preview = try await Self.upload(
                served, session, "inscripcion", file: try Self.example("inscripcion-sict.csv"))
            #expect(preview.status == .unprocessableContent)
            let html = preview.text
            #expect(html.contains("No se puede importar: no se guardó nada"))
            // One heading per reason, each with the sheet's own row numbers.
            for (reason, line) in [
                ("curp: el dígito verificador no corresponde", 3), ("sexo: no coincide con el sexo de la CURP", 5),
                ("dependencia: instancia desconocida", 7), ("nivel: nivel desconocido", 9),
            ] {
                #expect(html.contains(">\(reason)</h2>"), "\(reason)")
                #expect(html.contains("<strong class=\"filas\">\(line)</strong>"))
            }
            // As the CLI shows it: line, column, the value masked, the reason in Spanish.
            #expect(html.contains("<th scope=\"row\">3</th><td>curp</td><td>HEGG**************</td>"))
            #expect(!html.contains("HEGG560427"))
            #expect(try served.fixture.query("SELECT count(*) FROM import_batch", as: Int.self) == before)
            #expect(!html.contains("name=\"huella\""))

            // The refused rows as a workbook: the file's own header and cells, the row, the reasons.
            let link = try #require(
                html.firstMatch(of: try Regex(#"href="(/subir/inscripcion/rechazadas/[0-9a-f]{64})""#)))
            let download = try await served.send(
                .get, String(link.output[1].substring!), as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            #expect(download.status == .ok)
            #expect(
                download.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(download.headers[.contentDisposition]?.contains("inscripcion-sict-rechazadas.xlsx") == true)
            let path = NSTemporaryDirectory() + "rechazadas-\(UUID().uuidString).xlsx"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(download.body.readableBytesView).write(to: URL(fileURLWithPath: path))
            let sheet = try WorkbookPart.text(path, "xl/worksheets/sheet1.xml")
            for text in ["CURP", "fila original", "motivos del rechazo", "HEGG560427MVZRRL05", "Q", "se esperaba 4"] {
                #expect(sheet.contains(text), "\(text)")
            }
            // Four refused rows under the header: the sheet's rows 2 to 5, and no row 6.
            #expect(sheet.contains("r=\"A5\"") && !sheet.contains("r=\"A6\""))
            // Sent back as it is, the workbook is read again and refused by the same reasons.
            let again = try await Self.upload(
                served, session, "inscripcion",
                file: ("rechazadas.xlsx", Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
            #expect(again.status == .unprocessableContent)
            #expect(again.text.contains("<strong class=\"filas\">2–5</strong>") || again.text.contains(">2</strong>"))
            #expect(again.text.contains("fila original, motivos del rechazo"))
        }
    }

    @Test func confirmingImportsTheCheckedFileOnceWithoutASecondUpload() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .sict)
            let count = "SELECT count(*) FROM enrollment WHERE group_code = '\(ServiceFixture.sictGroup)'"
            let before = try #require(try served.fixture.query(count, as: Int.self))
            let preview = try await Self.upload(
                served, session, "inscripcion", file: Self.newPeople(3), fields: [("grupo", ServiceFixture.sictGroup)])
            #expect(preview.status == .ok, "\(preview.text)")
            #expect(preview.text.contains("<dt>Nuevas</dt><dd>3</dd>"))
            #expect(try served.fixture.query(count, as: Int.self) == before)
            let done = try await Self.confirm(served, session, "inscripcion", preview: preview.text)
            #expect(done.status == .ok)
            #expect(
                done.text.contains("<h2 id=\"hecho\">Importado</h2>") && done.text.contains("<dt>Nuevas</dt><dd>3</dd>")
            )
            #expect(done.text.contains("href=\"/grupos/\(ServiceFixture.sictGroup)\""))
            #expect(try served.fixture.query(count, as: Int.self) == before + 3)
            // The kept file is gone once imported: the same confirmation again imports nothing.
            let twice = try await Self.confirm(served, session, "inscripcion", preview: preview.text)
            #expect(twice.status == .notFound && twice.text.contains("Vista previa vencida"))
            #expect(try served.fixture.query(count, as: Int.self) == before + 3)
        }
    }

    @Test func headcountsAreTheSecretariasAndPreviewedBeforeTheyChange() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .admin)
            var text = String(decoding: try ServiceFixture.file("examples/plantillas-2024.csv"), as: UTF8.self)
            text = text.replacingOccurrences(of: "SCT,2024,18,35,40", with: "SCT,2024,18,35,44")
            let alto = "SELECT operativo FROM headcount WHERE agency_code = 'SICT' AND year = 2024"
            let preview = try await Self.upload(
                served, session, "plantillas", file: ("plantillas.csv", Array(text.utf8)))
            #expect(preview.status == .ok && preview.text.contains("<dt>Actualizadas</dt><dd>1</dd>"))
            #expect(try served.fixture.query(alto, as: Int.self) == 40)
            let done = try await Self.confirm(served, session, "plantillas", preview: preview.text)
            #expect(done.status == .ok)
            #expect(try served.fixture.query(alto, as: Int.self) == 44)
            // An enlace and an instructor do not have this page; an instructor has results.
            for (caller, kind, status) in [
                (ServiceFixture.Caller.sict, "plantillas", HTTPResponse.Status.forbidden),
                (.instructor, "inscripcion", .forbidden), (.instructor, "resultados", .ok),
                (.sict, "resultados", .forbidden),
            ] {
                let other = try await PagesTests.session(served, caller)
                let page = try await served.send(
                    .get, "/subir/\(kind)", as: nil, headers: [.cookie: "capacita_sesion=\(other)"])
                #expect(page.status == status, "\(caller) \(kind)")
            }
        }
    }

    @Test func aPreviewBelongsToItsSessionAndEveryWriteNeedsItsCSRFToken() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .sict)
            let batches = "SELECT count(*) FROM import_batch"
            let before = try served.fixture.query(batches, as: Int.self)
            // The upload itself without the token, or with another: 403, and nothing is kept.
            for fields in [[], [("csrf", "otro")]] {
                let refused = try await served.send(
                    .post, "/subir/inscripcion", as: nil,
                    bytes: Self.multipart(fields, file: Self.newPeople(2)), headers: Self.headers(session))
                #expect(refused.status == .forbidden)
            }
            let preview = try await Self.upload(
                served, session, "inscripcion", file: Self.newPeople(2), fields: [("grupo", ServiceFixture.sictGroup)])
            #expect(preview.status == .ok)
            let wrong = try await Self.confirm(served, session, "inscripcion", preview: preview.text, csrf: "otro")
            #expect(wrong.status == .forbidden)
            // Another session of the same agency cannot name the file, even with its own token.
            let other = try await PagesTests.session(served, .sict)
            let home = try await PagesTests.home(served, other)
            let stolen = try await Self.confirm(
                served, other, "inscripcion", preview: preview.text, csrf: try PagesTests.hiddenCSRF(home.text))
            #expect(stolen.status == .notFound)
            // Nor under another kind of upload.
            let admin = try await PagesTests.session(served, .admin)
            #expect(
                try await Self.confirm(
                    served, admin, "plantillas", preview: preview.text,
                    csrf: try PagesTests.hiddenCSRF(try await PagesTests.home(served, admin).text)
                ).status == .notFound)
            #expect(try served.fixture.query(batches, as: Int.self) == before)
            // Signing out removes what the session kept.
            var form = PagesTests.form
            form[.cookie] = "capacita_sesion=\(session)"
            _ = try await served.send(
                .post, "/salir", as: nil, body: "csrf=\(PagesTests.escaped(try Self.hidden("csrf", preview.text)))",
                headers: form)
            #expect(
                try served.fixture.query(
                    "SELECT count(*) FROM pending_upload WHERE owner_hash = '\(PendingUploadStore.ownerHash(session))'",
                    as: Int.self) == 0)
            #expect(try served.fixture.query("SELECT count(*) FROM pending_upload_part", as: Int.self) == 0)
        }
    }

    @Test func aPreviewKeptPastItsLifetimeMustBeSentAgain() async throws {
        try await withService(pendingUploadLifetime: .zero) { served in
            let session = try await PagesTests.session(served, .sict)
            let preview = try await Self.upload(
                served, session, "inscripcion", file: Self.newPeople(2), fields: [("grupo", ServiceFixture.sictGroup)])
            #expect(preview.status == .ok)
            let late = try await Self.confirm(served, session, "inscripcion", preview: preview.text)
            #expect(late.status == .notFound && late.text.contains("Súbalo de nuevo"))
            #expect(
                try served.fixture.query(
                    "SELECT count(*) FROM enrollment WHERE group_code = '\(ServiceFixture.sictGroup)'", as: Int.self)
                    == 10)
        }
    }

    /// A swapped header (names under «CURP») is one reason, not one per length found, with every
    /// row under it; a row of another agency in an enlace's file is refused by its line.
    @Test func rowsWrongTheSameWayFallUnderOneReasonAndAnotherAgencysRowIsRefused() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .sict)
            var bytes = try ServiceFixture.file("examples/inscripcion-sict-corregida.csv")
            let header = Array("CURP;Nombre(s)".utf8)
            let start = try #require(bytes.firstRange(of: header))
            bytes.replaceSubrange(start, with: Array("Nombre(s);CURP".utf8))
            let swapped = try await Self.upload(served, session, "inscripcion", file: ("cambiado.csv", bytes))
            #expect(swapped.status == .unprocessableContent)
            let headings = swapped.text.matches(of: try Regex(#"<h2 id="motivo-[0-9]+">([^<]*)</h2>"#)).map {
                String($0.output[1].substring!)
            }
            #expect(headings == ["curp: la CURP debe tener 18 caracteres y tiene …"])
            #expect(swapped.text.contains("<strong class=\"filas\">2–11</strong>"))
            var foreign = try ServiceFixture.file("examples/inscripcion-sict-corregida.csv")
            let own = try #require(foreign.firstRange(of: Array(";SCT;enlace;".utf8)))
            foreign.replaceSubrange(own, with: Array(";INM;enlace;".utf8))
            let refused = try await Self.upload(served, session, "inscripcion", file: ("otra.csv", foreign))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("<strong class=\"filas\">3</strong>"))
            #expect(refused.text.contains("<td>dependencia</td><td>INM</td>"))
        }
    }

    /// Bodies no browser sends: each gets the form again with a reason (or 413), never a 500.
    @Test func aBrokenFormBodyGetsTheFormAgainNotAnError() async throws {
        try await withService(maxBodyBytes: 64 << 10) { served in
            let session = try await PagesTests.session(served, .sict)
            let form = try await served.send(
                .get, "/subir/inscripcion", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            let csrf = try PagesTests.hiddenCSRF(form.text)
            let csrfPart = Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
            let cases: [(String, [UInt8], HTTPFields)] = [
                ("no boundary", Array("x".utf8), [.contentType: "multipart/form-data"]),
                ("not multipart", Array("csrf=\(csrf)".utf8), [.contentType: "application/x-www-form-urlencoded"]),
                (
                    "cut short",
                    csrfPart
                        + Array(
                            "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"archivo\"; filename=\"a.csv\"\r\n\r\ncurp\n"
                                .utf8), [:]
                ),
                ("no file", Self.multipart([("csrf", csrf)], file: nil), [:]),
                (
                    "two files",
                    Self.multipart([("csrf", csrf)], file: ("a.csv", [65])).dropLast(Self.boundary.count + 6)
                        + Self.multipart([], file: ("b.csv", [66])), [:]
                ),
                (
                    "a field too long",
                    Self.multipart(
                        [("csrf", csrf), ("grupo", String(repeating: "g", count: 10_000))], file: ("a.csv", [65])), [:]
                ),
                (
                    "too large",
                    Self.multipart([("csrf", csrf)], file: ("a.csv", Array(repeating: 65, count: 100 << 10))), [:]
                ),
                ("a pdf", Self.multipart([("csrf", csrf)], file: ("a.pdf", Array("%PDF-1.4\n".utf8))), [:]),
                // An Excel 97-2003 workbook (an OLE container): refused as 415, on a page, not JSON.
                (
                    "an old .xls",
                    Self.multipart(
                        [("csrf", csrf)],
                        file: (
                            "a.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504)
                        )),
                    [:]
                ),
            ]
            for (name, body, extra) in cases {
                var headers = Self.headers(session)
                for field in extra { headers[field.name] = field.value }
                let response = try await served.send(
                    .post, "/subir/inscripcion", as: nil, bytes: body, headers: headers)
                #expect(response.status.code < 500, "\(name): \(response.status)")
                #expect(response.status != .ok, "\(name)")
                #expect(response.text.contains("role=\"alert\""), "\(name)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(name): a page, never JSON")
            }
            // The service still answers.
            #expect(try await PagesTests.home(served, session).status == .ok)
        }
    }
}

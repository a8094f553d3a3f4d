import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Scanned signed lists over HTTP (the API and the group's page), for each role: attached by the
/// Secretaría Técnica, SICT's enlace and the group's instructor; listed, downloaded and removed by
/// the first two; another agency gets what a group that does not exist gets.
@Suite struct EvidenceAPITests {
    static let group = ServiceFixture.sictGroup
    static let uri = "/v1/groups/\(group)/sessions/2024-03-04/evidence"
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("lista firmada".utf8)
    static let pdf = Array("%PDF-1.4\n% lista firmada\n%%EOF\n".utf8)

    private func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try response.json() as? [String: Any], "\(response.status) \(response.text.prefix(300))")
    }

    private func errorCode(_ response: TestResponse) throws -> String? {
        (try object(response)["error"] as? [String: Any])?["code"] as? String
    }

    @Test func anInstructorAttachesTheOrganizerListsDownloadsAndRemovesAnotherAgencyGets404() async throws {
        try await withService { served in
            // A PNG sent as lista.pdf, without a Content-Type: kept as the PNG it is.
            let created = try await served.send(.post, Self.uri + "?name=lista.pdf", as: .instructor, bytes: Self.png)
            #expect(created.status == .created, "\(created.text)")
            let scan = try object(created)
            let id = try #require(scan["id"] as? Int)
            #expect(scan["media_type"] as? String == "image/png" && scan["size_bytes"] as? Int == Self.png.count)
            #expect(scan["file_name"] as? String == "lista.pdf" && scan["created"] as? Bool == true)
            #expect(scan["session"] as? String == "\(Self.group)-S20240304")
            let sha = try #require(scan["sha256"] as? String)
            #expect(sha.count == 64)

            // The same bytes again, by anyone who may attach: the scan already kept.
            let again = try await served.send(.post, Self.uri, as: .sict, bytes: Self.png)
            #expect(again.status == .ok)
            #expect(try object(again)["id"] as? Int == id && object(again)["created"] as? Bool == false)
            #expect(try served.fixture.query("SELECT count(*)::int FROM session_evidence", as: Int.self) == 1)

            // Another agency's enlace: the answers a group that does not exist gets, word for word.
            let missing = try await served.send(
                .post, "/v1/groups/NO-EXISTE-1/sessions/2024-03-04/evidence", as: .inm, bytes: Self.pdf)
            let inm = try await served.send(.post, Self.uri, as: .inm, bytes: Self.pdf)
            #expect(inm.status == .notFound && missing.status == .notFound)
            #expect(inm.text == missing.text)
            let inmList = try await served.send(.get, "/v1/groups/\(Self.group)/evidence", as: .inm)
            let missingList = try await served.send(.get, "/v1/groups/NO-EXISTE-1/evidence", as: .inm)
            #expect(inmList.status == .notFound && inmList.text == missingList.text)
            let inmGet = try await served.send(.get, "/v1/evidence/\(id)", as: .inm)
            let missingGet = try await served.send(.get, "/v1/evidence/\(id + 1000)", as: .inm)
            #expect(inmGet.status == .notFound && inmGet.text == missingGet.text)
            #expect(try await served.send(.delete, "/v1/evidence/\(id)", as: .inm).status == .notFound)

            // The instructor sees no list and no file; the organizer and the Secretaría Técnica do.
            #expect(
                try await served.send(.get, "/v1/groups/\(Self.group)/evidence", as: .instructor).status == .notFound)
            #expect(try await served.send(.get, "/v1/evidence/\(id)", as: .instructor).status == .notFound)
            #expect(try await served.send(.delete, "/v1/evidence/\(id)", as: .instructor).status == .notFound)
            for caller in [ServiceFixture.Caller.sict, .admin] {
                let list = try await served.send(.get, "/v1/groups/\(Self.group)/evidence", as: caller)
                let rows = try #require(try list.json() as? [[String: Any]])
                #expect(rows.map { $0["id"] as? Int } == [id] && rows.first?["sha256"] as? String == sha)
                #expect(rows.first?["attached_by"] as? String == "prueba-instructor")
                let file = try await served.send(.get, "/v1/evidence/\(id)", as: caller)
                #expect(file.status == .ok && Array(file.body.readableBytesView) == Self.png)
                #expect(file.headers[.contentType] == "image/png")
                #expect(file.headers[.contentDisposition] == "attachment; filename=\"lista.png\"")
                #expect(file.headers[.cacheControl] == "no-store")
            }
            let csv = try await served.send(
                .get, "/v1/groups/\(Self.group)/evidence", as: .sict, headers: [.accept: "text/csv"])
            #expect(csv.text.hasPrefix("id,session,group,date,starts_at,file_name,media_type,size_bytes,sha256"))

            // Removed by the organizer, once; both writes in the audit log, without the bytes.
            let removed = try await served.send(.delete, "/v1/evidence/\(id)", as: .sict)
            #expect(try removed.status == .ok && object(removed)["removed"] as? Bool == true)
            #expect(try await served.send(.delete, "/v1/evidence/\(id)", as: .admin).status == .notFound)
            #expect(try await served.send(.get, "/v1/evidence/\(id)", as: .admin).status == .notFound)
            #expect(
                try served.fixture.query(
                    "SELECT string_agg(action || ' ' || target || ' ' || agency_code, '|' ORDER BY id) FROM audit_log WHERE action LIKE 'evidence.%'",
                    as: String.self)
                    == "evidence.attach \(Self.group)-S20240304 SICT|evidence.detach \(Self.group)-S20240304 SICT")
        }
    }

    @Test func theTypeComesFromTheBytesAndADisagreeingContentTypeIsRefused() async throws {
        try await withService { served in
            func refused(_ bytes: [UInt8], _ headers: HTTPFields = [:], query: String = "") async throws -> (
                Int, String?
            ) {
                let response = try await served.send(
                    .post, Self.uri + query, as: .admin, bytes: bytes, headers: headers)
                return (Int(response.status.code), try errorCode(response))
            }
            #expect(try await refused(Array("curp,nombre\n".utf8), query: "?name=lista.pdf") == (415, "evidence_type"))
            #expect(try await refused(Array("%PD".utf8)) == (415, "evidence_type"), "a PDF header cut short")
            #expect(try await refused(Array(Self.png.prefix(5))) == (415, "evidence_type"), "a PNG header cut short")
            #expect(try await refused([]) == (422, "evidence_empty"))
            #expect(
                try await refused(Self.png, [.contentType: "application/pdf"]) == (415, "evidence_content_type"))
            #expect(try await refused(Self.pdf, [.contentType: "text/plain"]) == (415, "evidence_content_type"))
            // Bad session parameters.
            let badStart = try await served.send(.post, Self.uri + "?start=nueve", as: .admin, bytes: Self.pdf)
            #expect(badStart.status == .badRequest)
            let noDay = try await served.send(
                .post, "/v1/groups/\(Self.group)/sessions/2024-03-09/evidence", as: .admin, bytes: Self.pdf)
            #expect(noDay.status == .notFound)
            let notADate = try await served.send(
                .post, "/v1/groups/\(Self.group)/sessions/marzo/evidence", as: .admin, bytes: Self.pdf)
            #expect(notADate.status == .notFound)
            #expect(try served.fixture.query("SELECT count(*)::int FROM session_evidence", as: Int.self) == 0)

            // A declared type that agrees, and a dry run that keeps nothing.
            let dry = try await served.send(
                .post, Self.uri + "?dry_run=true", as: .sict, bytes: Self.pdf,
                headers: [.contentType: "application/pdf"])
            #expect(
                try dry.status == .ok && object(dry)["id"] is NSNull
                    && object(dry)["media_type"] as? String == "application/pdf")
            #expect(try served.fixture.query("SELECT count(*)::int FROM session_evidence", as: Int.self) == 0)
            let kept = try await served.send(
                .post, Self.uri, as: .sict, bytes: Self.pdf, headers: [.contentType: "application/pdf"])
            #expect(
                try kept.status == .created && object(kept)["sha256"] as? String == object(dry)["sha256"] as? String)
        }
    }

    @Test func aDayOfSeveralSessionsNeedsItsStart() async throws {
        try await withService { served in
            let file = """
                grupo,fecha,inicio,fin,lugar
                \(Self.group),2024-03-04,09:00,11:00,Aula 3
                \(Self.group),2024-03-04,15:00,17:00,Aula 3
                """
            let put = try await served.send(
                .put, "/v1/groups/\(Self.group)/sessions", as: .sict, body: file, headers: [.contentType: "text/csv"])
            #expect(put.status == .ok, "\(put.text)")
            let ambiguous = try await served.send(.post, Self.uri, as: .instructor, bytes: Self.pdf)
            #expect(try ambiguous.status == .badRequest && errorCode(ambiguous) == "evidence_start_required")
            #expect(ambiguous.text.contains("09:00") && ambiguous.text.contains("15:00"))
            #expect(
                try await served.send(.post, Self.uri + "?start=12:00", as: .instructor, bytes: Self.pdf).status
                    == .notFound)
            let afternoon = try await served.send(.post, Self.uri + "?start=15:00", as: .instructor, bytes: Self.pdf)
            #expect(
                try afternoon.status == .created
                    && object(afternoon)["session"] as? String == "\(Self.group)-S20240304-1500")
            // The page's form names the session by its start.
            let sict = try await PagesTests.session(served, .sict)
            let page = try await served.send(
                .get, "/grupos/\(Self.group)", as: nil, headers: [.cookie: "capacita_sesion=\(sict)"])
            let action = "/grupos/\(Self.group)/sesiones/2024-03-04/evidencia?inicio=09:00"
            #expect(page.text.contains("action=\"\(action)\""))
            let posted = try await served.send(
                .post, action, as: nil,
                bytes: UploadPagesTests.multipart(
                    [("csrf", try PagesTests.hiddenCSRF(page.text))], file: ("manana.png", Self.png)),
                headers: UploadPagesTests.headers(sict))
            #expect(posted.status == .seeOther)
            #expect(
                try served.fixture.query(
                    "SELECT to_char(starts_at, 'HH24:MI') FROM session_evidence WHERE file_name = 'manana.png'",
                    as: String.self) == "09:00")
        }
    }

    /// The limit: exactly it passes; one byte past it is 413; and a body declared (or sent) far
    /// past it is answered 413 while the client has sent only a little of it.
    @Test func theSizeIsBoundedBeforeTheBodyIsRead() async throws {
        let limit = 64 << 10
        try await withService(
            adjust: { $0.maxEvidenceBytes = Int64(limit) },
            { served in
                let exactly = Self.png + [UInt8](repeating: 0, count: limit - Self.png.count)
                #expect(try await served.send(.post, Self.uri, as: .admin, bytes: exactly).status == .created)
                let over = try await served.send(.post, Self.uri, as: .admin, bytes: exactly + [0])
                #expect(try over.status == .contentTooLarge && errorCode(over) == "evidence_too_large")
                #expect(over.text.contains("64 KB"))

                let port = try #require(served.client.port)
                let token = try #require(served.fixture.tokens[.sict])
                // Declared: 50 MB on its way, 1 KB sent.
                let declared = try RawConnection(port: port)
                try declared.send(
                    Array(
                        ("POST \(Self.uri) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n"
                            + "Content-Length: 50000000\r\n\r\n").utf8) + Self.png + [UInt8](repeating: 0, count: 1024))
                let first = try await Self.answer(of: declared)
                #expect(first.hasPrefix("HTTP/1.1 413"), "\(first.prefix(300))")
                #expect(first.contains("evidence_too_large"))
                // Chunked, no length: cut off once past the limit, the rest never sent.
                let chunked = try RawConnection(port: port)
                var head = Array(
                    ("POST \(Self.uri) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").utf8)
                let piece = Self.png + [UInt8](repeating: 0, count: (16 << 10) - Self.png.count)
                for _ in 0..<5 {
                    head += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
                }
                try chunked.send(head)
                let second = try await Self.answer(of: chunked)
                #expect(second.hasPrefix("HTTP/1.1 413"), "\(second.prefix(300))")
                #expect(second.contains("evidence_too_large"))
                #expect(try served.fixture.query("SELECT count(*)::int FROM session_evidence", as: Int.self) == 1)
                let left = try FileManager.default.contentsOfDirectory(atPath: served.fixture.uploadFolder)
                #expect(left.isEmpty, "left behind: \(left)")
            })
    }

    /// The first answer on `connection`, read off the cooperative threads, without waiting for the
    /// connection to close.
    static func answer(of connection: RawConnection) async throws -> String {
        let box = UncheckedBox(connection)
        return try await offPool { String(decoding: try box.value.readAnswer(), as: UTF8.self) }
    }

    // MARK: - The group's page

    private func page(_ served: Served, _ session: String, _ path: String = "/grupos/\(group)") async throws
        -> TestResponse
    {
        try await served.send(.get, path, as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
    }

    @Test func thePageUploadsListsDownloadsAndRemovesAScan() async throws {
        try await withService { served in
            let instructor = try await PagesTests.session(served, .instructor)
            let before = try await page(served, instructor)
            #expect(before.status == .ok)
            #expect(before.text.contains("<h2 id=\"listas-firmadas\">Listas firmadas</h2>"))
            let action = "/grupos/\(Self.group)/sesiones/2024-03-04/evidencia"
            #expect(before.text.contains("action=\"\(action)\" enctype=\"multipart/form-data\""))
            #expect(before.text.contains("type=\"file\""))
            let csrf = try PagesTests.hiddenCSRF(before.text)

            // Posted as a browser posts the form: the scan kept, back to the group's page.
            let posted = try await served.send(
                .post, action, as: nil,
                bytes: UploadPagesTests.multipart([("csrf", csrf)], file: ("lista del 4.pdf", Self.png)),
                headers: UploadPagesTests.headers(instructor))
            #expect(posted.status == .seeOther, "\(posted.text.prefix(300))")
            #expect(posted.headers[.location] == "/grupos/\(Self.group)#listas-firmadas")
            // The instructor learns that it is there, not what it is.
            let seen = try await page(served, instructor).text
            #expect(seen.contains("1 escaneo; el último,"))
            #expect(!seen.contains("lista del 4.pdf") && !seen.contains("/evidencia/"))
            // Without the form's token: 403, nothing kept.
            let forged = try await served.send(
                .post, action, as: nil,
                bytes: UploadPagesTests.multipart([("csrf", "otro")], file: ("x.pdf", Self.pdf)),
                headers: UploadPagesTests.headers(instructor))
            #expect(forged.status == .forbidden)
            // A text file is refused with why.
            let text = try await served.send(
                .post, action, as: nil,
                bytes: UploadPagesTests.multipart([("csrf", csrf)], file: ("lista.pdf", Array("hola".utf8))),
                headers: UploadPagesTests.headers(instructor))
            #expect(text.status == .unsupportedMediaType && text.text.contains("no es un PDF, un JPEG ni un PNG"))
            #expect(try served.fixture.query("SELECT count(*)::int FROM session_evidence", as: Int.self) == 1)
            let id = try #require(try served.fixture.query("SELECT max(id)::int FROM session_evidence", as: Int.self))
            #expect(try await page(served, instructor, "/evidencia/\(id)").status == .forbidden)

            // The organizing enlace sees it, downloads it and removes it.
            let sict = try await PagesTests.session(served, .sict)
            let listed = try await page(served, sict).text
            #expect(listed.contains("<a href=\"/evidencia/\(id)\">lista del 4.pdf</a> · PNG · 21 bytes"))
            #expect(listed.contains("action=\"/evidencia/\(id)/quitar\""))
            let download = try await page(served, sict, "/evidencia/\(id)")
            #expect(download.status == .ok && Array(download.body.readableBytesView) == Self.png)
            #expect(download.headers[.contentType] == "image/png")
            var form = PagesTests.form
            form[.cookie] = "capacita_sesion=\(sict)"
            let noToken = try await served.send(
                .post, "/evidencia/\(id)/quitar", as: nil, body: "csrf=otro", headers: form)
            #expect(noToken.status == .forbidden)
            let token = try PagesTests.hiddenCSRF(listed)
            let removed = try await served.send(
                .post, "/evidencia/\(id)/quitar", as: nil, body: "csrf=\(PagesTests.escaped(token))", headers: form)
            #expect(
                removed.status == .seeOther && removed.headers[.location] == "/grupos/\(Self.group)#listas-firmadas")
            #expect(try !(try await page(served, sict).text.contains("lista del 4.pdf")))
            #expect(try await page(served, sict, "/evidencia/\(id)").status == .notFound)

            // Another agency: no page of the group, no upload, no file.
            let inm = try await PagesTests.session(served, .inm)
            #expect(try await page(served, inm).status == .notFound)
            let inmCSRF = try PagesTests.hiddenCSRF(try await PagesTests.home(served, inm).text)
            let inmPost = try await served.send(
                .post, action, as: nil,
                bytes: UploadPagesTests.multipart([("csrf", inmCSRF)], file: ("x.pdf", Self.pdf)),
                headers: UploadPagesTests.headers(inm))
            #expect(inmPost.status == .notFound)
            #expect(try served.fixture.query("SELECT count(*)::int FROM session_evidence", as: Int.self) == 0)
        }
    }
}

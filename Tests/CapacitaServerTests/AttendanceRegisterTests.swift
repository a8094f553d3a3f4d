import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The attendance register over HTTP: `GET` and `PUT /v1/groups/{code}/attendance` for each role,
/// and the register page, read and posted back as a browser without JavaScript would.
@Suite struct AttendanceRegisterTests {
    static let group = ServiceFixture.sictGroup
    static let uri = "/v1/groups/\(group)/attendance"
    static let page = "/grupos/\(group)/asistencia"
    static let lopez = "LOPM900315MJCPRR00"
    static let csv: HTTPFields = [.contentType: "text/csv"]

    private func register(_ served: Served, _ caller: ServiceFixture.Caller) async throws -> [String: Any] {
        let response = try await served.send(.get, Self.uri, as: caller)
        try #require(response.status == .ok, "\(caller): \(response.status) \(response.text.prefix(300))")
        return try #require(try response.json() as? [String: Any])
    }

    private func participant(_ register: [String: Any], name: String) throws -> [String: Any] {
        let people = try #require(register["participants"] as? [[String: Any]])
        return try #require(people.first { ($0["name"] as? String)?.contains(name) == true }, "\(name)")
    }

    @Test func theKeepersPutAndReadTheRegisterAnotherAgencyGets404() async throws {
        try await withService { served in
            let before = try await register(served, .admin)
            #expect(before["kept"] as? Bool == false && before["justified_absences"] as? String == "excluida")
            #expect((before["sessions"] as? [[String: Any]])?.count == 5)
            #expect(try participant(before, name: "López")["percent"] == nil)
            #expect(try participant(before, name: "López")["attendance_source"] as? String == "imported")

            // Another agency's enlace: 404 for the register and for a write, before the body is read.
            #expect(try await served.send(.get, Self.uri, as: .inm).status == .notFound)
            let body = String(decoding: try ServiceFixture.file("examples/asistencia.csv"), as: UTF8.self)
            let foreign = try await served.send(.put, Self.uri, as: .inm, body: body, headers: Self.csv)
            #expect(foreign.status == .notFound)
            #expect(try await served.send(.get, "/v1/groups/NO-EXISTE/attendance", as: .admin).status == .notFound)

            let dry = try await served.send(.put, Self.uri + "?dry_run=true", as: .sict, body: body, headers: Self.csv)
            let dryReport = try dry.json() as? [String: Any]
            #expect(dry.status == .ok && dryReport?["imported"] as? Int == 50)
            #expect(try await register(served, .sict)["kept"] as? Bool == false)

            let put = try await served.send(.put, Self.uri, as: .sict, body: body, headers: Self.csv)
            #expect(put.status == .ok, "\(put.text)")
            let report = try #require(try put.json() as? [String: Any])
            #expect(report["imported"] as? Int == 50)
            #expect((report["extra"] as? [String: Int])?["attendance_changed"] == 7)

            let sict = try await register(served, .sict)
            #expect(sict["kept"] as? Bool == true)
            let lopez = try participant(sict, name: "López")
            #expect(lopez["curp"] as? String == Self.lopez)
            #expect(lopez["percent"] as? Double == 60 && lopez["attendance"] as? Double == 60)
            #expect(
                lopez["status"] as? String == "no_acreditado" && lopez["attendance_source"] as? String == "register")
            #expect(
                (lopez["marks"] as? [Any])?.compactMap { $0 as? String } == [
                    "present", "absent", "present", "absent", "present",
                ])
            #expect(lopez["present"] as? Int == 3 && lopez["absent"] as? Int == 2 && lopez["counted"] as? Int == 5)
            // The instructor reads it with CURPs masked, as the roster.
            let instructor = try participant(try await register(served, .instructor), name: "López")
            #expect(instructor["curp"] as? String == "LOPM**************")

            // CSV: a row per person, a column per session.
            let text = try await served.send(.get, Self.uri, as: .sict, headers: [.accept: "text/csv"])
            #expect(text.text.hasPrefix("curp,name,agency,\(Self.group)-S20240304,"), "\(text.text.prefix(200))")
            #expect(
                text.text.contains(
                    "\(Self.lopez),María López Peña,SICT,present,absent,present,absent,present,3,2,0,5,60.00"))

            // The instructor corrects a cell; another group's row in the body is refused by line.
            let fix = "curp,fecha,asistencia\n\(Self.lopez),2024-03-05,sí\n"
            let corrected = try await served.send(.put, Self.uri, as: .instructor, body: fix, headers: Self.csv)
            #expect(corrected.status == .ok, "\(corrected.text)")
            #expect(
                try participant(try await register(served, .admin), name: "López")["status"] as? String == "acreditado")
            let mixed =
                "curp,grupo,fecha,asistencia\n\(Self.lopez),,2024-03-06,no\n\(Self.lopez),\(ServiceFixture.inmGroup),2024-04-15,no\n"
            let refused = try await served.send(.put, Self.uri, as: .sict, body: mixed, headers: Self.csv)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            let problems = try #require((try refused.json() as? [String: Any])?["rejected"] as? [[String: Any]])
            #expect(
                problems.map { "\($0["line"] ?? "") \($0["column"] ?? "")" } == ["3 grupo"], "\(problems)")
            #expect(try participant(try await register(served, .admin), name: "López")["present"] as? Int == 4)
            // Past the service's body limit (here 1 MiB): 413, nothing read into an import.
            let huge = String(repeating: "a", count: (1 << 20) + 16)
            let tooLarge = try await served.send(.put, Self.uri, as: .sict, body: huge, headers: Self.csv)
            #expect(tooLarge.status == .contentTooLarge)
        }
    }

    // MARK: - The page

    /// Every field a browser would send for the page's form: the hidden ones, and each select's
    /// chosen option (its first when none is marked selected).
    static func formFields(_ html: String) throws -> [(String, String)] {
        var fields: [(String, String)] = []
        for match in html.matches(of: try Regex(#"<input type="hidden" name="([^"]+)" value="([^"]*)">"#)) {
            fields.append((String(match.output[1].substring!), String(match.output[2].substring!)))
        }
        for match in html.matches(of: try Regex(#"<select name="([^"]+)"[^>]*>(.*?)</select>"#)) {
            let options = String(match.output[2].substring!)
            let selected = try Regex(#"<option value="([^"]*)" selected>"#)
            let first = try Regex(#"<option value="([^"]*)""#)
            let chosen = options.firstMatch(of: selected) ?? options.firstMatch(of: first)
            fields.append((String(match.output[1].substring!), String(try #require(chosen).output[1].substring!)))
        }
        return fields
    }

    /// The select names of the row whose person's name contains `name`.
    static func cells(_ html: String, of name: String) throws -> [String] {
        let row = try #require(
            html.split(separator: "\n").first { $0.hasPrefix("<tr><th scope=\"row\">") && $0.contains(name) })
        return String(row).matches(of: try Regex(#"<select name="([^"]+)""#)).map { String($0.output[1].substring!) }
    }

    static func body(_ fields: [(String, String)]) -> String {
        fields.map { "\(PagesTests.escaped($0.0))=\(PagesTests.escaped($0.1))" }.joined(separator: "&")
    }

    @Test func theInstructorKeepsItOnAPageWithoutJavaScript() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .instructor)
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(session)"]
            var post = PagesTests.form
            post[.cookie] = "capacita_sesion=\(session)"

            // The group page links the register.
            let group = try await served.send(.get, "/grupos/\(Self.group)", as: nil, headers: cookie)
            #expect(group.text.contains("<a href=\"\(Self.page)\">Registro de asistencia</a>"))

            let page = try await served.send(.get, Self.page, as: nil, headers: cookie)
            #expect(page.status == .ok, "\(page.text.prefix(300))")
            #expect(!page.text.contains("<script"))
            #expect(!page.text.contains(Self.lopez), "no whole CURP on the page")
            var fields = try Self.formFields(page.text)
            #expect(fields.filter { $0.0.hasPrefix("m") }.count == 50)
            #expect(fields.filter { $0.0.hasPrefix("m") }.allSatisfy { $0.1.isEmpty })
            // Everyone attended, but López missed the second and fourth days.
            let lopez = try Self.cells(page.text, of: "López")
            #expect(lopez.count == 5)
            fields = fields.map { name, value in
                guard name.hasPrefix("m") else { return (name, value) }
                return (name, lopez.firstIndex(of: name).map { [1, 3].contains($0) ? "no" : "si" } ?? "si")
            }

            // Without the session's CSRF token: refused, nothing written.
            let forged = try await served.send(
                .post, Self.page, as: nil, body: Self.body(fields.filter { $0.0 != "csrf" }), headers: post)
            #expect(forged.status == .forbidden)
            #expect(try served.fixture.query("SELECT count(*) FROM attendance_mark", as: Int.self) == 0)

            let saved = try await served.send(.post, Self.page, as: nil, body: Self.body(fields), headers: post)
            #expect(saved.status == .ok, "\(saved.text.prefix(500))")
            #expect(saved.text.contains("Registro guardado: 50 marcas nuevas"), "\(saved.text.prefix(2000))")
            let lopezRow = try #require(
                saved.text.split(separator: "\n").first {
                    $0.hasPrefix("<tr><th scope=\"row\">") && $0.contains("López")
                })
            #expect(lopezRow.contains("60.00 %") && lopezRow.contains("no acreditado"), "\(lopezRow)")
            #expect(lopezRow.contains("<option value=\"no\" selected>"))
            #expect(!lopezRow.contains("<option value=\"\""), "a marked cell offers no blank")
            #expect(try served.fixture.query("SELECT count(*) FROM attendance_mark", as: Int.self) == 50)

            // Posted back unchanged: nothing changes.
            let again = try await served.send(
                .post, Self.page, as: nil, body: Self.body(try Self.formFields(saved.text)), headers: post)
            #expect(again.text.contains("0 marcas nuevas, 0 cambiadas, 50 sin cambios"), "\(again.text.prefix(1500))")

            // A value the page never offers: refused, nothing written, the person named.
            var wrong = try Self.formFields(again.text)
            wrong = wrong.map { $0.0 == lopez[0] ? ($0.0, "quizá") : $0 }
            let refused = try await served.send(.post, Self.page, as: nil, body: Self.body(wrong), headers: post)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("María López Peña: valor no válido."))

            // A form drawn for another list of people: refused rather than put on the wrong people.
            let stale = try Self.formFields(again.text).map { $0.0 == "lista" ? ($0.0, "0000") : $0 }
            let conflict = try await served.send(.post, Self.page, as: nil, body: Self.body(stale), headers: post)
            #expect(conflict.status == .conflict)
        }
    }

    @Test func thePageIsForItsKeepersOnly() async throws {
        try await withService { served in
            let inm = try await PagesTests.session(served, .inm)
            let response = try await served.send(
                .get, Self.page, as: nil, headers: [.cookie: "capacita_sesion=\(inm)"])
            #expect(response.status == .notFound)
            #expect(!response.text.contains("López"))
            let sict = try await PagesTests.session(served, .sict)
            let own = try await served.send(.get, Self.page, as: nil, headers: [.cookie: "capacita_sesion=\(sict)"])
            #expect(own.status == .ok)
            #expect(!own.text.contains(Self.lopez))
            // An event has no register to keep.
            let admin = try await PagesTests.session(served, .admin)
            let event = try await served.send(
                .get, "/grupos/SEGOB-FERIA-2024/asistencia", as: nil, headers: [.cookie: "capacita_sesion=\(admin)"])
            #expect(event.status == .ok && event.text.contains("no lleva registro de asistencia"))
            #expect(!event.text.contains("<select"))
        }
    }
}

import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import TestSupport
import Testing

/// A person's data on request over HTTP, on a live service: the export through the API and the
/// page, the register of requests (overdue ones marked) through the API and /arco, and the public
/// verification of a constancia whose holder's data was cancelled. The Secretaría Técnica only:
/// every other role gets the 404 of a route that is not theirs (the page's 403).
@Suite struct ArcoAPITests {
    static let carlos = "GOMC820101HDFMRR04"

    @Test func theSecretariaTecnicaExportsAPersonAsJSONOrAWorkbook() async throws {
        try await withService { served in
            let json = try await served.send(.get, "/v1/personas/\(Self.carlos)/export?format=json", as: .admin)
            #expect(json.status == .ok, "\(json.text.prefix(300))")
            let body = try #require(try json.json() as? [String: Any])
            let tables = try #require(body["tables"] as? [String: [[String: Any]]])
            #expect(tables["person"]?.first?["curp"] as? String == Self.carlos)
            #expect(tables["enrollment"]?.first?["group_code"] as? String == ServiceFixture.sictGroup)
            #expect((tables["constancia"]?.count ?? 0) > 0 && tables["ficha"]?.isEmpty == true)
            #expect(!json.text.contains("HEGG560427MVZRRL04"), "another person of the same group")
            let book = try await served.send(.get, "/v1/personas/\(Self.carlos)/export?format=xlsx", as: .admin)
            #expect(book.status == .ok && book.headers[.contentType]?.contains("spreadsheetml") == true)
            #expect(Array(book.body.readableBytesView.prefix(2)) == [0x50, 0x4B], "a ZIP: the workbook")
            for caller in [ServiceFixture.Caller.sict, .inm, .instructor] {
                let refused = try await served.send(.get, "/v1/personas/\(Self.carlos)/export", as: caller)
                #expect(refused.status == .notFound, "\(caller)")
                #expect(!refused.text.contains("Carlos"))
            }
            let bad = try await served.send(.get, "/v1/personas/GOMC820101HDFMRR0X/export", as: .admin)
            #expect(bad.status == .unprocessableContent && !bad.text.contains("GOMC820101HDFMRR0X"))
        }
    }

    @Test func aRequestFiledLongAgoIsListedOverdueAndClosedOnce() async throws {
        try await withService { served in
            let json: HTTPFields = [.contentType: "application/json"]
            let filed = try await served.send(
                .post, "/v1/arco", as: .admin,
                body:
                    #"{"kind": "acceso", "curp": "\#(Self.carlos)", "received_on": "2024-06-03", "channel": "correo"}"#,
                headers: json)
            #expect(filed.status == .created, "\(filed.text)")
            let answer = try #require(try filed.json() as? [String: Any])
            #expect(answer["due_on"] as? String == "2024-07-01")
            let id = try #require(answer["id"] as? Int)
            let list = try await served.send(.get, "/v1/arco", as: .admin)
            let rows = try #require(try list.json() as? [[String: Any]])
            let row = try #require(rows.first { $0["id"] as? Int == id })
            #expect(row["overdue"] as? Bool == true && row["status"] as? String == "vencida")
            #expect(!list.text.contains(Self.carlos), "the register masks the CURP")
            let unexplained = try await served.send(
                .post, "/v1/arco/\(id)/state", as: .admin, body: #"{"state": "atendida"}"#, headers: json)
            #expect(unexplained.status == .unprocessableContent)
            let closed = try await served.send(
                .post, "/v1/arco/\(id)/state", as: .admin,
                body: #"{"state": "atendida", "outcome": "Se entregó la exportación."}"#, headers: json)
            #expect(closed.status == .ok, "\(closed.text)")
            let again = try await served.send(
                .post, "/v1/arco/\(id)/state", as: .admin,
                body: #"{"state": "improcedente", "outcome": "no"}"#, headers: json)
            #expect(again.status == .conflict)
            let future = try await served.send(
                .post, "/v1/arco", as: .admin,
                body: #"{"kind": "acceso", "curp": "\#(Self.carlos)", "received_on": "2999-01-01"}"#, headers: json)
            #expect(future.status == .unprocessableContent)
            #expect(try await served.send(.get, "/v1/arco", as: .sict).status == .notFound)
        }
    }

    @Test func theArcoPageListsTheRegisterFilesAndDownloads() async throws {
        try await withService { served in
            let session = try await PagesTests.session(served, .admin)
            var headers = PagesTests.form
            headers[.cookie] = "capacita_sesion=\(session)"
            let page = try await served.send(.get, "/arco", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
            #expect(page.status == .ok && page.text.contains("Registro de solicitudes"))
            let csrf = try PagesTests.hiddenCSRF(page.text)
            let filed = try await served.send(
                .post, "/arco", as: nil,
                body:
                    "csrf=\(PagesTests.escaped(csrf))&kind=cancelacion&curp=\(Self.carlos)&received_on=2024-06-03&channel=escrito&detail=",
                headers: headers)
            #expect(
                filed.status == .ok && filed.text.contains("vence el 1 de julio de 2024"), "\(filed.text.suffix(800))")
            #expect(filed.text.contains("VENCIDA") && !filed.text.contains(Self.carlos))
            let forged = try await served.send(
                .post, "/arco", as: nil, body: "csrf=otro&kind=acceso&curp=\(Self.carlos)&received_on=2024-06-03",
                headers: headers)
            #expect(forged.status == .forbidden)
            let download = try await served.send(
                .post, "/arco/exportar", as: nil,
                body: "csrf=\(PagesTests.escaped(csrf))&curp=\(Self.carlos)&format=json",
                headers: headers)
            #expect(download.status == .ok && download.headers[.contentDisposition]?.contains("attachment") == true)
            #expect(download.text.contains(Self.carlos))
            // An enlace reaches none of it.
            let sict = try await PagesTests.session(served, .sict)
            let refused = try await served.send(.get, "/arco", as: nil, headers: [.cookie: "capacita_sesion=\(sict)"])
            #expect(refused.status == .forbidden)
            let enlaceHome = try await PagesTests.home(served, sict)
            #expect(!enlaceHome.text.contains("href=\"/arco\""))
            let adminHome = try await PagesTests.home(served, session)
            #expect(adminHome.text.contains("href=\"/arco\""))
        }
    }

    @Test func aCancelledHoldersConstanciaIsAnnulledAtTheVerification() async throws {
        try await withService { served in
            let code = try #require(
                try served.fixture.query(
                    "SELECT code FROM constancia WHERE curp = '\(Self.carlos)' ORDER BY folio LIMIT 1", as: String.self)
            )
            let owner = try Connection(served.fixture.ownerURL)
            owner.act(as: .admin("pruebas"))
            _ = try PersonalDataStore(connection: owner).anonymize(
                curp: try Curp.parse(Self.carlos).get(), reason: "solicitud de cancelación", request: nil)
            let api = try await served.send(.get, "/v1/constancias/verify/\(code)", as: nil)
            #expect(api.status == .ok)
            let fields = try #require(try api.json() as? [String: Any])
            #expect(fields["status"] as? String == "cancelled" && fields["holder"] is NSNull)
            let page = try await served.send(.get, "/verificar/\(code)", as: nil)
            #expect(page.text.contains("ANULADA por cancelación de datos") && !page.text.contains("Carlos"))
        }
    }
}

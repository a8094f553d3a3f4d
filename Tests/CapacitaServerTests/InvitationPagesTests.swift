import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

/// An enlace invites instructors on Cuentas and through the API, and learns nothing about people
/// elsewhere: inviting an e-mail that has an account in another agency answers exactly as inviting
/// one nobody has (the page, its tables, the API's body), while each person gets the right mail.
@Suite struct InvitationPagesTests {
    typealias Pages = PagesTests

    static func invite(_ served: Served, _ session: String, email: String) async throws -> TestResponse {
        let page = try await served.send(.get, "/cuentas", as: nil, headers: [.cookie: "capacita_sesion=\(session)"])
        var headers = Pages.form
        headers[.cookie] = "capacita_sesion=\(session)"
        let fields = [
            ("csrf", try Pages.hiddenCSRF(page.text)), ("email", email), ("name", "Persona Invitada"),
            ("role", "instructor"), ("groups", ServiceFixture.sictGroup),
        ]
        return try await served.send(
            .post, "/cuentas", as: nil, body: fields.map { "\($0.0)=\(Pages.escaped($0.1))" }.joined(separator: "&"),
            headers: headers)
    }

    /// The page as the enlace sees it, with the one e-mail and the invitations' times taken out.
    static func shape(_ html: String, _ email: String) -> String {
        html.replacingOccurrences(of: email, with: "E")
            .replacing(#/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/#, with: "T")
            .replacing(#/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/#, with: "T")
            .replacing(#/name="csrf" value="[^"]+"/#, with: "csrf")
    }

    @Test func invitingAnEmailKnownElsewhereAnswersAsInvitingAnUnknownOne() async throws {
        try await withService { served in
            let session = try await Pages.session(served, .sict)
            let elsewhere = try #require(served.fixture.accounts[.inm])
            let unknown = "nadie.aun@sict.gob.mx"
            let known = try await Self.invite(served, session, email: elsewhere)
            let fresh = try await Self.invite(served, session, email: unknown)
            #expect(known.status == .ok && fresh.status == .ok)
            #expect(known.text.contains("Invitación enviada a \(elsewhere)."))
            // Nothing of the other agency shows on the enlace's page.
            #expect(!known.text.contains("INM") && !fresh.text.contains("INM"))

            let bodies = try Connection(served.fixture.ownerURL).query(
                "SELECT recipient, kind FROM mail_outbox ORDER BY id"
            ).map { "\(try $0.decode("recipient", as: String.self)) \(try $0.decode("kind", as: String.self))" }
            #expect(bodies.contains("\(elsewhere) group_assignment") && bodies.contains("\(unknown) invitation"))

            // Through the API: the same status and the same keys either way.
            let api = { (email: String) async throws -> TestResponse in
                try await served.send(
                    .post, "/v1/accounts", as: .sict,
                    body:
                        #"{"email":"\#(email)","name":"Otra Persona","role":"instructor","groups":["\#(ServiceFixture.sictGroup)"]}"#,
                    headers: [.contentType: "application/json"])
            }
            let apiKnown = try await api(try #require(served.fixture.accounts[.admin]))
            let apiUnknown = try await api("otra.nueva@sict.gob.mx")
            #expect(apiKnown.status == .created && apiUnknown.status == .created)
            let keys = { (response: TestResponse) throws -> [String] in
                let object = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                return (object?.keys.map { $0 } ?? []).sorted()
            }
            #expect(try keys(apiKnown) == keys(apiUnknown))
            // An enlace turns no account off.
            let off = try await served.send(.post, "/v1/accounts/\(elsewhere)/deactivate", as: .sict)
            #expect(off.status == .notFound)
        }
    }

    @Test func theEnlacesPageIsTheSameWhateverTheEmailWas() async throws {
        let pages = LogRecords()
        for email in ["", "nadie.aun@sict.gob.mx"] {
            try await withService { served in
                let session = try await Pages.session(served, .sict)
                let target = email.isEmpty ? try #require(served.fixture.accounts[.inm]) : email
                let response = try await Self.invite(served, session, email: target)
                #expect(response.status == .ok)
                pages.add(Self.shape(response.text, target))
            }
        }
        #expect(pages.all.count == 2 && pages.all.first == pages.all.last)
    }
}

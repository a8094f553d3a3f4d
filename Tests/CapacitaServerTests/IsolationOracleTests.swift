import Capacita
import CapacitaServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import SampleData
import Testing

/// What an enlace may learn of a person another agency knows (db/ACCESS.md, "What an enlace
/// learns of a person"): each oracle the probe found, as a pair of requests that differ only in
/// whether the CURP is known elsewhere, whose answers must be the same.
@Suite struct IsolationOracleTests {
    /// A person INM enrolled (the fixture's INM file), and one no agency has.
    static let knownElsewhere = SampleFiles(rows: 2, seed: 11).population()[0]
    static let unknown = SampleRows.people[7]

    static func row(_ person: SamplePerson, given: String, group: String) -> String {
        "curp,nombre,primer_apellido,sexo,dependencia,nivel,grupo\n"
            + "\(person.curp),\(given),Inventado,\(person.sex.rawValue),SICT,M,\(group)\n"
    }

    /// The answer with what legitimately differs between two requests taken out: the batch id and
    /// the file's fingerprint.
    static func comparable(_ response: TestResponse) throws -> String {
        var object = try #require(try response.json() as? [String: Any])
        for key in ["batch", "sha256", "request_id"] { object.removeValue(forKey: key) }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return "\(response.status.code) " + String(decoding: data, as: UTF8.self)
    }

    /// SICT sends only the CURP of someone INM enrolled, with a name of its own: the import answers
    /// as for an unknown CURP (no «people kept»), and SICT's roster shows the name SICT gave, never
    /// the one INM stored.
    @Test func anotherAgencysNameIsNeverShownAndTheImportAnswersAlike() async throws {
        try await withService { served in
            let group = "SICT-SENS-2024-01"
            let known = Self.row(Self.knownElsewhere, given: "Sofía", group: group)
            let fresh = Self.row(Self.unknown, given: "Sofía", group: group)
            let dryKnown = try await served.send(.post, "/v1/enrollments?dry_run=true", as: .sict, body: known)
            let dryFresh = try await served.send(.post, "/v1/enrollments?dry_run=true", as: .sict, body: fresh)
            #expect(dryKnown.status == .ok, "\(dryKnown.text)")
            #expect(try Self.comparable(dryKnown) == Self.comparable(dryFresh))
            let realKnown = try await served.send(.post, "/v1/enrollments", as: .sict, body: known)
            let realFresh = try await served.send(.post, "/v1/enrollments", as: .sict, body: fresh)
            #expect(realKnown.status == .ok, "\(realKnown.text)")
            #expect(try Self.comparable(realKnown) == Self.comparable(realFresh))
            #expect(!realKnown.text.contains("people_kept"))
            for uri in ["/v1/groups/\(group)/roster", "/v1/reports/groups/\(group)"] {
                let roster = try await served.send(.get, uri, as: .sict)
                #expect(roster.status == .ok, "\(uri)")
                #expect(roster.text.contains("Inventado"), "\(uri)")
                #expect(!roster.text.contains(Self.knownElsewhere.firstSurname), "\(uri): INM's surname")
            }
            // The shared record keeps INM's data (INM trains the person later); the Secretaría
            // Técnica reads it, and INM's own roster is untouched.
            let stored: String? = try served.fixture.query(
                "SELECT first_surname FROM person WHERE curp = '\(Self.knownElsewhere.curp)'")
            #expect(stored == Self.knownElsewhere.firstSurname)
            let inm = try await served.send(.get, "/v1/groups/\(ServiceFixture.inmGroup)/roster", as: .inm)
            #expect(inm.text.contains(Self.knownElsewhere.firstSurname) && !inm.text.contains("Inventado"))
        }
    }

    /// A dry run into INM's group answers the same whether or not INM has the person there: an
    /// enlace fills only its own agency's groups.
    @Test func anotherAgencysGroupAnswersAlikeForItsMembersAndStrangers() async throws {
        try await withService { served in
            let group = ServiceFixture.inmGroup
            let member = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .sict,
                body: Self.row(Self.knownElsewhere, given: "Sofía", group: group))
            let stranger = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .sict,
                body: Self.row(Self.unknown, given: "Sofía", group: group))
            #expect(member.status == .unprocessableContent, "\(member.text)")
            #expect(try Self.comparable(member) == Self.comparable(stranger))
            #expect(member.text.contains("organiza su instancia"))
            #expect(!member.text.contains("otra instancia;"), "no word of who stored the pair")
        }
    }

    /// A course with a prerequisite answers the same for someone who passed it with INM and for a
    /// stranger; what SICT itself recorded still counts.
    @Test func aPrerequisitePassedElsewhereAnswersAsOneNeverTaken() async throws {
        try await withService { served in
            let owner = try Connection(served.fixture.ownerURL)
            try owner.execute(
                """
                UPDATE enrollment SET status = 'acreditado'
                WHERE group_code = '\(ServiceFixture.inmGroup)' AND curp = '\(Self.knownElsewhere.curp)'
                """)
            let group = "SICT-INT-2024-01"
            let passedElsewhere = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .sict,
                body: Self.row(Self.knownElsewhere, given: "Sofía", group: group))
            let never = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .sict,
                body: Self.row(Self.unknown, given: "Sofía", group: group))
            #expect(passedElsewhere.status == .unprocessableContent, "\(passedElsewhere.text)")
            #expect(try Self.comparable(passedElsewhere) == Self.comparable(never))
            // A SICT person who passed SICT's Básico goes in.
            try owner.execute(
                "UPDATE enrollment SET status = 'acreditado' WHERE group_code = 'SICT-BAS-2024-01' AND curp = 'GOMC820101HDFMRR04'"
            )
            let own = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .sict,
                body:
                    "curp,nombre,primer_apellido,sexo,dependencia,nivel,grupo\nGOMC820101HDFMRR04,Carlos,Gómez,H,SICT,L,\(group)\n"
            )
            #expect(own.status == .ok, "\(own.text)")
            // The Secretaría Técnica's check reads every agency's acreditados.
            let admin = try await served.send(
                .post, "/v1/enrollments?dry_run=true", as: .admin,
                body:
                    "curp,nombre,primer_apellido,sexo,dependencia,nivel,grupo\n\(Self.knownElsewhere.curp),Sofía,Inventado,\(Self.knownElsewhere.sex.rawValue),SICT,M,\(group)\n"
            )
            #expect(admin.status == .ok, "\(admin.text)")
        }
    }
}

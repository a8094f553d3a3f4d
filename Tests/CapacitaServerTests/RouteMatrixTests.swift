import CapacitaServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import SampleData
import TestSupport
import Testing

/// Every route × every role, on SICT's resources: the Secretaría Técnica, SICT's own enlace,
/// INM's enlace (another agency), and an instructor assigned to SICT's Curso Básico. Writes are
/// dry runs or repeat what is stored, so the cells do not depend on their order.
@Suite struct RouteMatrixTests {
    typealias Caller = ServiceFixture.Caller

    struct Row: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        /// The route's pattern, as the OpenAPI document writes it.
        var route: String
        var uri: String
        var body: String? = nil
        var contentType: String? = nil
        /// admin, SICT's enlace, INM's enlace, the instructor.
        var expected: [Int]

        var description: String { "\(method) \(uri)" }
    }

    static let group = ServiceFixture.sictGroup
    static let newPerson = """
        curp,nombre,primer_apellido,segundo_apellido,sexo,dependencia,nivel,grupo
        \(SampleRows.people[0].curp),\(SampleRows.people[0].givenNames),\(SampleRows.people[0].firstSurname),x,\(SampleRows.people[0].sex.rawValue),SICT,M,SICT-SENS-2024-01
        """
    static let results = "curp,grupo,asistencia,calificacion\nGOMC820101HDFMRR04,\(group),100,90\n"
    static let oneGroup = """
        {"grupo": "SICT-TALLER-9", "curso": "PNC22-SENS", "dependencia": "SICT", "inicio": "2024-09-02"}
        """
    static let sessions = "grupo,fecha,inicio,fin,lugar\n\(group),2024-03-04,09:00,14:00,Aula 3\n"
    static let headcount = #"{"alto": 12, "medio": 35, "operativo": 40}"#
    static let scan = "%PDF-1.4\n% lista firmada\n%%EOF\n"
    static let attendance = "curp,fecha,asistencia\nGOMC820101HDFMRR04,2024-03-04,sí\n"

    static var rows: [Row] {
        let all = [200, 200, 200, 200]
        let ownAgencyAndAssigned = [200, 200, 404, 200]
        let ownAgency = [200, 200, 404, 404]
        return [
            Row(method: .get, route: "/health", uri: "/health", expected: all),
            Row(method: .get, route: "/health/live", uri: "/health/live", expected: all),
            // The tests' client is on loopback, which the configuration allows by default.
            Row(method: .get, route: "/metrics", uri: "/metrics", expected: all),
            Row(method: .get, route: "/openapi.json", uri: "/openapi.json", expected: all),
            Row(method: .get, route: "/openapi.yaml", uri: "/openapi.yaml", expected: all),
            Row(method: .get, route: "/v1/courses", uri: "/v1/courses", expected: all),
            Row(method: .get, route: "/v1/courses/{code}", uri: "/v1/courses/PNC22-BAS", expected: all),
            Row(method: .get, route: "/v1/agencies", uri: "/v1/agencies", expected: all),
            Row(method: .get, route: "/v1/agencies/resolve", uri: "/v1/agencies/resolve?name=SCT", expected: all),
            Row(
                method: .post, route: "/v1/groups", uri: "/v1/groups?dry_run=true", body: oneGroup,
                contentType: "application/json", expected: [200, 200, 422, 404]),
            Row(method: .get, route: "/v1/groups", uri: "/v1/groups?year=2024&agency=SICT", expected: all),
            Row(method: .get, route: "/v1/groups/{code}", uri: "/v1/groups/\(group)", expected: all),
            Row(
                method: .get, route: "/v1/groups/{code}/roster", uri: "/v1/groups/\(group)/roster",
                expected: ownAgencyAndAssigned),
            Row(
                method: .get, route: "/v1/groups/{code}/sessions", uri: "/v1/groups/\(group)/sessions", expected: all),
            Row(
                method: .get, route: "/v1/groups/{code}/sessions/{date}/lista.pdf",
                uri: "/v1/groups/\(group)/sessions/2024-03-04/lista.pdf", expected: ownAgencyAndAssigned),
            Row(
                method: .put, route: "/v1/groups/{code}/sessions", uri: "/v1/groups/\(group)/sessions?dry_run=true",
                body: sessions, contentType: "text/csv", expected: ownAgency),
            // Scanned signed lists: a dry run (checked, nothing kept); no scan exists in the fixture,
            // so the download and the removal are 404 for everyone (EvidenceAPITests covers them).
            Row(
                method: .post, route: "/v1/groups/{code}/sessions/{date}/evidence",
                uri: "/v1/groups/\(group)/sessions/2024-03-04/evidence?dry_run=true", body: scan,
                contentType: "application/pdf", expected: ownAgencyAndAssigned),
            Row(
                method: .get, route: "/v1/groups/{code}/evidence", uri: "/v1/groups/\(group)/evidence",
                expected: ownAgency),
            Row(method: .get, route: "/v1/evidence/{id}", uri: "/v1/evidence/999999", expected: [404, 404, 404, 404]),
            Row(
                method: .delete, route: "/v1/evidence/{id}", uri: "/v1/evidence/999999", expected: [404, 404, 404, 404]),
            Row(
                method: .get, route: "/v1/groups/{code}/attendance", uri: "/v1/groups/\(group)/attendance",
                expected: ownAgencyAndAssigned),
            Row(
                method: .put, route: "/v1/groups/{code}/attendance",
                uri: "/v1/groups/\(group)/attendance?dry_run=true", body: attendance, contentType: "text/csv",
                expected: ownAgencyAndAssigned),
            Row(
                method: .post, route: "/v1/enrollments", uri: "/v1/enrollments?dry_run=true", body: newPerson,
                contentType: "text/csv", expected: [200, 200, 422, 404]),
            Row(
                method: .post, route: "/v1/enrollments/drop", uri: "/v1/enrollments/drop",
                body: #"{"group": "\#(group)", "curp": "\#(SampleRows.people[1].curp)", "reason": "prueba"}"#,
                contentType: "application/json", expected: [404, 404, 404, 404]),
            Row(
                method: .post, route: "/v1/results", uri: "/v1/results?group=\(group)&dry_run=true", body: results,
                contentType: "text/csv", expected: [200, 404, 404, 200]),
            Row(
                method: .put, route: "/v1/headcounts/{agency}/{year}", uri: "/v1/headcounts/SICT/2024",
                body: headcount, contentType: "application/json", expected: [200, 404, 404, 404]),
            Row(method: .get, route: "/v1/headcounts", uri: "/v1/headcounts?year=2024", expected: all),
            Row(
                method: .put, route: "/v1/fichas/{agency}/{year}", uri: "/v1/fichas/SICT/2024",
                body: String(decoding: try! ServiceFixture.file("examples/fichas/sict-2024.yaml"), as: UTF8.self),
                contentType: "application/yaml", expected: ownAgency),
            Row(method: .get, route: "/v1/fichas/{agency}/{year}", uri: "/v1/fichas/SICT/2024", expected: ownAgency),
            Row(
                method: .get, route: "/v1/fichas/{agency}/{year}/history", uri: "/v1/fichas/SCT/2024/history",
                expected: ownAgency),
            Row(method: .get, route: "/v1/fichas/summary", uri: "/v1/fichas/summary?year=2024", expected: all),
            Row(method: .get, route: "/v1/fichas/plan", uri: "/v1/fichas/plan?year=2024", expected: all),
            Row(
                method: .get, route: "/v1/reports/coverage",
                uri: "/v1/reports/coverage?year=2024&agency=SICT&threshold=10&rule=all-tiers&window=annual",
                expected: all),
            Row(
                method: .get, route: "/v1/reports/indicator", uri: "/v1/reports/indicator?year=2024&levels=basico",
                expected: all),
            Row(method: .get, route: "/v1/reports/events", uri: "/v1/reports/events?year=2024", expected: all),
            Row(
                method: .get, route: "/v1/reports/actions",
                uri: "/v1/reports/actions?baseline=2010&target=20&series=2010-2012", expected: all),
            Row(
                method: .get, route: "/v1/reports/meta41", uri: "/v1/reports/meta41?year=2024&series=2019-2024",
                expected: all),
            Row(
                method: .get, route: "/v1/reports/multiplicadores", uri: "/v1/reports/multiplicadores?year=2024",
                expected: [200, 200, 200, 404]),
            Row(
                method: .get, route: "/v1/reports/groups/{code}", uri: "/v1/reports/groups/\(group)",
                expected: ownAgencyAndAssigned),
            // Everyone's own people: an enlace of another agency or an instructor gets a report of
            // the people it may see (ReportBreakdownAPITests checks whose they are).
            Row(
                method: .get, route: "/v1/reports/courses/{code}",
                uri: "/v1/reports/courses/PNC22-BAS?period=2024-S1&by=sexo,orden", expected: all),
            Row(
                method: .get, route: "/v1/constancias", uri: "/v1/constancias?group=\(group)",
                expected: ownAgencyAndAssigned),
            Row(
                method: .get, route: "/v1/constancias/verify/{code}", uri: "/v1/constancias/verify/NOEXISTE1",
                expected: [404, 404, 404, 404]),
            Row(
                method: .post, route: "/v1/constancias/verify/{code}", uri: "/v1/constancias/verify/NOEXISTE1",
                body: "%PDF-1.3\n", contentType: "application/pdf", expected: [404, 404, 404, 404]),
            Row(
                method: .get, route: "/v1/constancias/{folio}.pdf", uri: "/v1/constancias/PNC-2024-000001.pdf",
                expected: ownAgencyAndAssigned),
            Row(
                method: .get, route: "/v1/groups/{code}/constancias.zip", uri: "/v1/groups/\(group)/constancias.zip",
                expected: ownAgencyAndAssigned),
            Row(method: .get, route: "/v1/batches", uri: "/v1/batches", expected: all),
            Row(method: .get, route: "/v1/audit", uri: "/v1/audit?limit=5", expected: [200, 404, 404, 404]),
            Row(method: .get, route: "/v1/accounts", uri: "/v1/accounts", expected: [200, 200, 200, 404]),
            // Refused before anything is written (the e-mail is not one), so no cell changes another.
            Row(
                method: .post, route: "/v1/accounts", uri: "/v1/accounts",
                body: #"{"email": "no-es-correo", "name": "Ana", "role": "instructor", "groups": ["\#(group)"]}"#,
                contentType: "application/json", expected: [422, 422, 422, 404]),
            Row(
                method: .post, route: "/v1/accounts/{email}/deactivate", uri: "/v1/accounts/nadie@x.mx/deactivate",
                expected: [404, 404, 404, 404]),
            Row(
                method: .post, route: "/v1/accounts/{email}/reactivate", uri: "/v1/accounts/nadie@x.mx/reactivate",
                expected: [404, 404, 404, 404]),
            // A person's data on request: the Secretaría Técnica's only; the writes are refused
            // before anything is written (an unknown kind, a request that does not exist).
            Row(
                method: .get, route: "/v1/personas/{curp}/export",
                uri: "/v1/personas/GOMC820101HDFMRR04/export?format=json", expected: [200, 404, 404, 404]),
            Row(method: .get, route: "/v1/arco", uri: "/v1/arco", expected: [200, 404, 404, 404]),
            Row(
                method: .post, route: "/v1/arco", uri: "/v1/arco",
                body: #"{"kind": "otro", "curp": "GOMC820101HDFMRR04"}"#, contentType: "application/json",
                expected: [422, 404, 404, 404]),
            Row(
                method: .post, route: "/v1/arco/{id}/state", uri: "/v1/arco/999999/state",
                body: #"{"state": "atendida", "outcome": "hecho"}"#, contentType: "application/json",
                expected: [404, 404, 404, 404]),
        ]
    }

    @Test func everyRouteForEveryRoleAndAgency() async throws {
        try await withService { served in
            #expect(
                Set(Self.rows.map { "\($0.method) \($0.route)" })
                    == Set(served.routes.map { "\($0.method) \($0.path)" }), "the matrix covers every route")
            for row in Self.rows {
                for (caller, expected) in zip([Caller.admin, .sict, .inm, .instructor], row.expected) {
                    var headers: HTTPFields = [:]
                    if let type = row.contentType { headers[.contentType] = type }
                    let response = try await served.send(
                        row.method, row.uri, as: caller, body: row.body, headers: headers)
                    #expect(
                        Int(response.status.code) == expected,
                        "\(row) as \(caller): \(response.status.code) \(response.text.prefix(300))")
                    if response.status.code >= 400 {
                        let error = try response.json() as? [String: Any]
                        let fields = error?["error"] as? [String: Any] ?? error
                        #expect(fields != nil, "\(row) as \(caller): an error body")
                    }
                }
            }
        }
    }

    /// The document describes the routes the router serves, no more and no fewer.
    @Test func openAPIDocumentHasTheRoutersRoutes() async throws {
        try await withService { served in
            let response = try await served.send(.get, "/openapi.json", as: nil)
            let document = try #require(try response.json() as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(
                paths.flatMap { path, operations in
                    operations.keys.filter { ["get", "post", "put", "delete", "patch"].contains($0) }.map {
                        "\($0.uppercased()) \(path)"
                    }
                })
            #expect(documented == Set(served.routes.map { "\($0.method) \($0.path)" }))
        }
    }
}

/// People made up from a seed that the fixture has not enrolled.
enum SampleRows {
    static let people = Array(SampleFiles(rows: 10, seed: 23).population().prefix(10))
}

import CapacitaServer
import CapacitaStore
import Foundation
import HTTPTypes
import Logging
import TestSupport
import Testing

/// Every route's roles, as the service declares them beside each route, against the access tables
/// of the documentation: docs/service.md («Routes») for the API, docs/pages.md («Who may open each
/// page») for the pages. A route added, removed or given other roles fails here until its row says so.
@Suite struct RouteRolesTests {
    /// A documented table as "METHOD /path" → roles (nil: public).
    typealias Table = [String: Set<Identity.Role>?]

    @Test func theAPIsRolesAreTheDocumentedTable() async throws {
        let documented = try Self.table(in: "docs/service.md", header: "| route | who |")
        let served = try await Self.served(\.routes)
        Self.expectSame(served, documented)
    }

    @Test func thePagesRolesAreTheDocumentedTable() async throws {
        let documented = try Self.table(in: "docs/pages.md", header: "| page | who |")
        let served = try await Self.served(\.pages)
        Self.expectSame(served, documented)
    }

    /// The notation the tables use, read as the two tests above read it.
    @Test func theWhoColumnIsReadAsTheTablesWriteIt() throws {
        #expect(try Self.roles("A, E (its own)") == [.admin, .enlace])
        #expect(
            try Self.roles("A, E (groups it organizes or where it has people: its own people only), I (assigned)")
                == .some(Set(Identity.Role.allCases)))
        #expect(try Self.roles("all (their own batches)") == .some(Set(Identity.Role.allCases)))
        #expect(try Self.roles("A") == [.admin])
        #expect(try Self.roles("public (30 a minute per address)") == .some(nil))
        #expect(throws: (any Error).self) { try Self.roles("A writes, all read") }
        #expect(
            try Self.routes("`GET /v1/groups?year=&agency=`, `POST /v1/groups[?dry_run=]`")
                == ["GET /v1/groups", "POST /v1/groups"])
    }

    /// A path under /v1 that names no route is authenticated as the routes are: 401 without a valid
    /// token, 404 with one (a router group's middleware alone would skip it, and answer 404 to
    /// anyone). The public verification stays public for every method.
    @Test func aPathUnderV1ThatNamesNoRouteAsksForAToken() async throws {
        let capture = LogCapture()
        try await withService(logger: capture.logger) { served in
            let unmatched: [(HTTPRequest.Method, String)] = [
                (.get, "/v1/no-such-route"), (.get, "/v1"), (.delete, "/v1/courses"),
                (.get, "/v1/courses/PNC22-BAS/extra"), (.get, "/v1/constancias/verify"),
                (.post, "/v1/groups/\(ServiceFixture.sictGroup)"), (.head, "/v1/audit"),
            ]
            for (method, uri) in unmatched {
                let anonymous = try await served.send(method, uri, as: nil)
                #expect(anonymous.status == .unauthorized, "\(method) \(uri) without a token")
                let signed = try await served.send(method, uri, as: .admin)
                #expect(signed.status == .notFound, "\(method) \(uri) with a token")
            }
            #expect(try await served.send(.post, "/v1/constancias/verify/NOEXISTE1", as: nil).status == .notFound)
            #expect(try await served.send(.get, "/v1/constancias/verify/NOEXISTE1", as: nil).status == .notFound)
            // The log names no route for them, and the token that came.
            let lines = capture.all.filter { $0.contains("request_id=") && $0.contains("status=404") }
            #expect(lines.contains { $0.contains("route=unmatched") && $0.contains("user=prueba-admin") })
            #expect(!lines.contains { $0.contains("route=/v1/**") })
        }
    }

    // MARK: - Reading the documentation's tables

    struct TableError: Error, CustomStringConvertible {
        var description: String
    }

    static func served(_ list: KeyPath<CapacitaApplication, [CapacitaApplication.RouteEntry]>) async throws -> Table {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let service = try await buildApplication(fixture.configuration(), logger: Logger(label: "capacita-test"))
        await service.shutdown()
        var table: Table = [:]
        for route in service[keyPath: list] {
            let key = "\(route.method) \(route.path)"
            #expect(table[key] == nil, "\(key) is added twice")
            table[key] = .some(route.roles)
        }
        return table
    }

    static func expectSame(_ served: Table, _ documented: Table) {
        for key in Set(served.keys).union(documented.keys).sorted() {
            let declared = served[key].map(Self.describe) ?? "not served"
            let written = documented[key].map(Self.describe) ?? "not documented"
            #expect(declared == written, "\(key): the service declares \(declared), the documentation says \(written)")
        }
    }

    static func describe(_ roles: Set<Identity.Role>?) -> String {
        guard let roles else { return "public" }
        return roles.map(\.rawValue).sorted().joined(separator: ", ")
    }

    /// The rows of the Markdown table whose header starts with `header`: every route of the first
    /// column with the roles of the second.
    static func table(in file: String, header: String) throws -> Table {
        let text = try String(
            contentsOf: TestDatabase.projectRoot.appendingPathComponent(file), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else {
            throw TableError(description: "\(file): no table headed «\(header)»")
        }
        var table: Table = [:]
        for line in lines[(start + 2)...].prefix(while: { $0.hasPrefix("|") }) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 3 else { throw TableError(description: "\(file): a row without a who: \(line)") }
            let roles = try Self.roles(cells[2])
            let routes = try Self.routes(cells[1])
            guard !routes.isEmpty else { throw TableError(description: "\(file): a row without a route: \(line)") }
            for route in routes {
                guard table[route] == nil else { throw TableError(description: "\(file): \(route) twice") }
                table[route] = .some(roles)
            }
        }
        return table
    }

    /// "`GET /v1/groups?year=`, `POST /v1/groups[?dry_run=]`": each method and path, without the query.
    static func routes(_ cell: String) throws -> [String] {
        try cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map
        { _, quoted in
            let parts = quoted.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].allSatisfy(\.isUppercase), parts[1].hasPrefix("/") else {
                throw TableError(description: "not a method and a path: «\(quoted)»")
            }
            let path = parts[1].prefix { $0 != "?" && $0 != "[" }
            return "\(parts[0]) \(path)"
        }
    }

    /// "A, E (its own)", "all (…)", "public (…)": the roles, nil for public. Remarks in brackets
    /// narrow the data a role sees, not whether it may call the route.
    static func roles(_ cell: String) throws -> Set<Identity.Role>? {
        var plain = ""
        var depth = 0
        for character in cell {
            if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if depth == 0 {
                plain.append(character)
            }
        }
        let words = plain.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if words == ["public"] { return nil }
        var roles: Set<Identity.Role> = []
        for word in words {
            switch word {
            case "all": roles.formUnion(Identity.Role.allCases)
            case "a": roles.insert(.admin)
            case "e": roles.insert(.enlace)
            case "i": roles.insert(.instructor)
            default: throw TableError(description: "«\(cell)»: «\(word)» is not A, E, I, all or public")
            }
        }
        return roles
    }
}

import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation
import Hummingbird
import Yams

/// Headcounts (written by the Secretaría Técnica) and fichas diagnósticas (each agency's own).
struct RegistryController {
    let store: SharedStore
    let needLevels: NeedLevels
    /// Where a ficha's YAML is read: on threads of its own, a few at once, within a deadline.
    let parses: BoundedWork

    func add(to routes: RouteTable) {
        routes.put("/v1/headcounts/:agency/:year", roles: [.admin]) { request, context, identity in
            let (agency, year) = try await path(request, context, identity)
            let counts = try await EnrollmentsController.decode(HeadcountBody.self, request)
            // The same file the command line imports, one row: the same checks and messages.
            let csv = CSVText.document([
                ["dependencia", "anio", "alto", "medio", "operativo"],
                [agency, String(year), counts.alto.text, counts.medio.text, counts.operativo.text],
            ])
            let input = try InputFile(bytes: Array(csv.utf8), name: "plantilla-\(agency)-\(year).csv")
            let outcome = try await store.run(as: identity) {
                try FileImports(connection: $0).headcounts(input, ranBy: identity.user)
            }
            return Responses.report(ImportReport(fieldsOf: outcome))
        }
        routes.get("/v1/headcounts", roles: .everyone) { request, context, identity in
            let year = try Query(request).requiredYear()
            let table = try await store.run(as: identity) {
                HeadcountTable.table(try HeadcountStore(connection: $0).list(year: year))
            }
            return try Responses.table(table, request, sheet: "plantillas")
        }
        routes.put("/v1/fichas/:agency/:year", roles: [.admin, .enlace]) { request, context, identity in
            let (agency, year) = try await path(request, context, identity, ownAgencyOnly: true)
            let buffer = try await Upload.collect(request, limit: 1 << 20)
            let json = try await fichaJSON(
                String(decoding: buffer.readableBytesView, as: UTF8.self), agency, year, identity)
            let input = try InputFile(bytes: json, name: "ficha-\(agency)-\(year).json")
            let outcome = try await store.run(as: identity) {
                try FileImports(connection: $0).fichas(input, ranBy: identity.user, currentYear: Query.currentYear)
            }
            return Responses.report(ImportReport(outcome))
        }
        routes.get("/v1/fichas/:agency/:year", roles: [.admin, .enlace]) { request, context, identity in
            let (agency, year) = try await path(request, context, identity, ownAgencyOnly: true)
            let body = try await store.run(as: identity) { connection -> String? in
                try FichaStore(connection: connection).current(agency: agency, year: year).map {
                    JSONOutput.string($0.ficha)
                }
            }
            guard let body else { throw APIError.notFound("la ficha") }
            return Responses.json(body)
        }
        routes.get("/v1/fichas/:agency/:year/history", roles: [.admin, .enlace]) { request, context, identity in
            let (agency, year) = try await path(request, context, identity, ownAgencyOnly: true)
            let versions = try await store.run(as: identity) {
                FichaHistoryTable.table(try FichaStore(connection: $0).history(agency: agency, year: year))
            }
            guard !versions.rows.isEmpty else { throw APIError.notFound("la ficha") }
            return try Responses.table(versions, request, sheet: "historial-ficha")
        }
        routes.get("/v1/fichas/summary", roles: .everyone) { request, context, identity in
            let year = try Query(request).requiredYear()
            let report = try await store.run(as: identity) { try ReportLoader(connection: $0).fichaSummary(year: year) }
            return try Responses.report(report, request)
        }
        routes.get("/v1/fichas/plan", roles: .everyone) { request, context, identity in
            let query = Query(request)
            let year = try query.requiredYear()
            let threshold = try ReportsController.options(query, only: ["threshold"]).threshold
            let needLevels = self.needLevels
            let report = try await store.run(as: identity) {
                try ReportLoader(connection: $0).fichaPlan(year: year, threshold: threshold, needLevels: needLevels)
            }
            return try Responses.report(report, request)
        }
    }

    /// `{agency}/{year}` of a path: the agency resolved from its code, name or former name (404
    /// when unknown, or another agency's for an enlace), the year within the report years.
    private func path(_ request: Request, _ context: APIContext, _ identity: Identity, ownAgencyOnly: Bool = false)
        async throws -> (String, Int)
    {
        let name = try context.parameters.require("agency")
        let yearText = try context.parameters.require("year")
        guard name.count <= 200 else { throw APIError.notFound("la instancia") }
        let code = try await store.run(as: identity) { connection -> String? in
            guard case .success(let agency) = try AgencyStore(connection: connection).registry().lookup(name) else {
                return nil
            }
            return agency.code
        }
        guard let code, !ownAgencyOnly || identity.role == .admin || identity.agency == code else {
            throw APIError.notFound("la instancia")
        }
        guard case .success(let year) = ReportYears.year(yearText, currentYear: Query.currentYear) else {
            throw APIError.notFound("el año")
        }
        return (code, year)
    }

    /// A ficha sent as YAML or JSON (YAML reads both), for the path's agency and year: a
    /// `dependencia` or `anio` in the body must agree with the path, and the path fills them in.
    /// The body is read as untrusted YAML (`BoundedYAML`, away from the request threads) into a
    /// node tree, and the import gets JSON written from that tree: nothing is constructed from it.
    private func fichaJSON(_ text: String, _ agency: String, _ year: Int, _ identity: Identity) async throws -> [UInt8]
    {
        let read = try await parses.run { () -> Result<FichaBody, BoundedYAML.Refusal> in
            BoundedYAML.read(text, limits: .ficha).map { FichaBody($0) }
        }
        let body: FichaBody
        switch read {
        case .success(let parsed): body = parsed
        case .failure(let refusal):
            let reason =
                refusal.kind == .invalid ? " no es YAML ni JSON válido: \(refusal.reason)" : ", \(refusal.description)"
            throw APIError(.unprocessableContent, "invalid_body", "la ficha\(reason)")
        }
        guard let fields = body.fields else {
            throw APIError(.badRequest, "invalid_body", "el cuerpo debe ser una ficha en YAML o JSON (un objeto)")
        }
        if let named = fields.first(where: { $0.key == "dependencia" }) {
            guard let text = named.text,
                try await store.agencyCode(text, parameter: "dependencia", as: identity) == agency
            else {
                throw APIError(
                    .unprocessableContent, "path_mismatch", "«dependencia» no es la instancia de la ruta (\(agency))")
            }
        }
        if let stated = fields.first(where: { $0.key == "anio" }), stated.text != String(year) {
            throw APIError(.unprocessableContent, "path_mismatch", "«anio» no es el año de la ruta (\(year))")
        }
        var json = "{" + BoundedYAML.jsonString("dependencia") + ":" + BoundedYAML.jsonString(agency)
        json += "," + BoundedYAML.jsonString("anio") + ":" + String(year)
        for field in fields where field.key != "dependencia" && field.key != "anio" {
            json += "," + BoundedYAML.jsonString(field.key) + ":" + field.json
        }
        return Array((json + "}").utf8)
    }

    /// A ficha's top-level fields as read: each key, its text when it is a scalar, and its value
    /// as JSON. Sendable, unlike Yams' nodes, so it can leave the parsing thread.
    struct FichaBody: Sendable {
        struct Field: Sendable {
            var key: String
            var text: String?
            var json: String
        }
        /// nil when the document is not a mapping.
        var fields: [Field]?

        init(_ root: Node?) {
            fields = root?.mapping.map { mapping in
                mapping.map { pair in
                    Field(
                        key: pair.key.scalar?.string ?? "", text: pair.value.scalar?.string,
                        json: BoundedYAML.json(pair.value))
                }
            }
        }
    }

    /// A count as JSON gives it: a number or a text (checked by the headcounts import).
    struct Count: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                text = String(number)
            } else {
                text = try container.decode(String.self)
            }
        }
    }

    struct HeadcountBody: Decodable {
        var alto: Count
        var medio: Count
        var operativo: Count
    }
}

import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// The web pages under `/` (issue #16), server-rendered from the templates in Pages/Templates
/// (swift-mustache: logic-less, HTML-escaped by default) and working without JavaScript.
/// A person signs in with their token once; a session cookie stands for it after. The same roles
/// and scopes as the API: every read goes through the store as the signed-in identity, under
/// row-level security.
struct PagesController {
    let store: Store
    let library: MustacheLibrary
    let limiter: RateLimiter
    /// How long a session lasts without signing in again.
    let sessionLifetime: Duration

    static let sessionCookie = "capacita_sesion"
    /// The sign-in form's CSRF token, set with the form (a session does not exist yet).
    static let signInCookie = "capacita_entrada"
    static let formLimit = 8 << 10

    /// The templates, from the resources of this module.
    static func library() async throws -> MustacheLibrary {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw ServerStartError.seed("Pages/Templates", "no se encontraron las plantillas")
        }
        return try await MustacheLibrary(directory: folder)
    }

    static func stylesheet() throws -> String {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Templates/estilo.css"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { throw ServerStartError.seed("Pages/Templates/estilo.css", "no existe") }
        return text
    }

    func add(to router: Router<APIContext>) throws {
        let css = try Self.stylesheet()
        router.get("/estilo.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        router.get("/entrar") { request, _ in
            try signInPage(request, problem: nil, status: .ok)
        }
        router.post("/entrar") { request, _ in
            try await signIn(request)
        }
        router.post("/salir") { request, _ in
            try await signOut(request)
        }
        router.get("/") { request, _ in
            guard let session = try await session(request) else { return Self.redirect("/entrar") }
            return try await home(request, session)
        }
        router.get("/parametro") { request, _ in
            guard let session = try await session(request) else { return Self.redirect("/entrar") }
            return try await indicator(request, session)
        }
        router.get("/cobertura") { request, _ in
            guard let session = try await session(request) else { return Self.redirect("/entrar") }
            return try await coverage(request, session)
        }
        router.get("/grupos/:code") { request, context in
            guard let session = try await session(request) else { return Self.redirect("/entrar") }
            return try await group(context, session)
        }
        router.get("/verificar/:code") { request, context in
            try await verify(request, context)
        }
    }

    // MARK: Signing in and out

    private func signInPage(_ request: Request, problem: String?, status: HTTPResponse.Status) throws -> Response {
        let csrf = TokenStore.randomSecret()
        // A value left out, not an optional: Mustache would print an absent optional as «nil».
        var values: [String: Any] = ["title": "Entrar", "formCSRF": csrf]
        if let problem { values["problem"] = problem }
        var response = try page("entrar", values, status: status)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, csrf, request)))
        return response
    }

    private func signIn(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        // The form's token must be the one its cookie carries: a page of another site cannot post it.
        guard let sent = form["csrf"], let expected = Self.cookies(request)[Self.signInCookie], !sent.isEmpty,
            Self.same(sent, expected)
        else { return try forbidden() }
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let lifetime = sessionLifetime
        let opened = try await store.run(as: nil) {
            try SessionStore(connection: $0).open(token: token, lifetime: lifetime)
        }
        guard let opened else {
            return try signInPage(
                request, problem: "El token no es válido: no existe, fue revocado o venció.", status: .unauthorized)
        }
        var response = Self.redirect("/")
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: cookie(Self.sessionCookie, opened.secret, request, maxAge: Int(lifetime.components.seconds))))
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", request, maxAge: 0)))
        return response
    }

    private func signOut(_ request: Request) async throws -> Response {
        guard let secret = Self.cookies(request)[Self.sessionCookie],
            let session = try await store.run(as: nil, { try SessionStore(connection: $0).current(secret: secret) })
        else { return Self.redirect("/entrar") }
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        try await store.run(as: nil) { try SessionStore(connection: $0).close(secret: secret) }
        var response = Self.redirect("/entrar")
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, "", request, maxAge: 0)))
        return response
    }

    /// The signed-in session of a request, read from PostgreSQL each time: a token revoked through
    /// any instance ends its sessions at once.
    private func session(_ request: Request) async throws -> SessionStore.Current? {
        guard let secret = Self.cookies(request)[Self.sessionCookie] else { return nil }
        return try await store.run(as: nil) { try SessionStore(connection: $0).current(secret: secret) }
    }

    private func forbidden() throws -> Response {
        try page(
            "mensaje",
            [
                "title": "Formulario vencido",
                "message":
                    "El formulario no trae su código de seguridad (CSRF) o ya no es válido; no se escribió nada.",
                "link": "/", "linkText": "Volver al inicio",
            ], status: .forbidden)
    }

    // MARK: Inicio

    private func home(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let identity = session.identity
        // ?year= from the form on the page; a year outside the program's is the current one.
        let year = (try? Query(request).year()) ?? nil ?? Query.currentYear
        let options = CoverageOptions()
        var values = yearPage(session, title: "Inicio", year: year, options: options)
        if let agency = identity.agency {
            let read = try await store.run(as: identity) { connection in
                try AgencyHome.read(agency, year: year, options: options, connection)
            }
            let view = Self.agencyView(read, year: year, options: options)
            values["heading"] = view.name
            values["agencyView"] = view.values
        } else {
            let indicator = try await store.run(as: identity) {
                try CoverageStore(connection: $0).indicator(year: year, options: options)
            }
            values["heading"] = identity.role == .admin ? "Secretaría Técnica" : "Instructor"
            values["indicator"] = [
                "name": IndicatorText.title, "year": indicator.year, "nii": indicator.nii, "tii": indicator.tii,
                "percent": indicator.percent.map { Rounded.percent($0).description + " %" } ?? "ND",
                "formula": indicator.formula,
            ]
        }
        return try page("inicio", values, status: .ok)
    }

    /// What an enlace's Inicio shows, read in one go as the enlace (row-level security applies).
    struct AgencyHome: Sendable {
        var agency: String
        var coverage: [AgencyCoverage]
        var groups: [GroupStore.Listing]
        var ficha: (version: Int, importedAt: String)?

        static func read(_ agency: String, year: Int, options: CoverageOptions, _ connection: Connection) throws
            -> AgencyHome
        {
            let ficha = try FichaStore(connection: connection).current(agency: agency, year: year)
            return AgencyHome(
                agency: agency,
                coverage: try CoverageStore(connection: connection).coverage(
                    year: year, options: options, agency: agency),
                groups: try GroupStore(connection: connection).list(year: year, agency: agency),
                ficha: ficha.map { (Int($0.version), $0.importedAt) })
        }
    }

    static func agencyView(_ home: AgencyHome, year: Int, options: CoverageOptions) -> (
        name: String, values: [String: Any]
    ) {
        let agency = home.agency
        let groups = home.groups
        let ficha = home.ficha
        let own = home.coverage.first
        let tiers: [[String: Any]] = Tier.allCases.map { tier in
            let trained = own?.trained[tier] ?? 0
            guard let t = own?.tiers?[tier] else {
                return [
                    "tier": Labels.value(tier.rawValue), "headcount": "ND", "trained": trained, "percent": "ND",
                    "missing": "ND", "bar": TierBar.svg(percent: nil, threshold: options.threshold, tier: tier),
                ]
            }
            return [
                "tier": Labels.value(tier.rawValue), "headcount": t.headcount, "trained": trained,
                "percent": t.percent.map { Rounded.percent($0).description + " %" } ?? "—", "missing": t.missing,
                "bar": TierBar.svg(percent: t.percent, threshold: options.threshold, tier: tier),
            ]
        }
        let values: [String: Any] = [
            "year": year, "threshold": Exact.shortText(options.threshold, places: 2), "nd": own?.nd ?? true,
            "tiers": tiers, "hasGroups": !groups.isEmpty,
            "groups": groups.map {
                [
                    "code": $0.group.code, "course": $0.courseTitle ?? "evento sin curso",
                    "startsOn": $0.group.startsOn.description, "enrolled": $0.enrolled, "acreditados": $0.acreditados,
                ] as [String: Any]
            },
            "fichaState": ficha.map { "Contestada (versión \($0.version), \($0.importedAt))." }
                ?? "Sin ficha para \(year): la Secretaría Técnica la espera.",
        ]
        return (own?.agency.name ?? agency, values)
    }

    // MARK: Parámetro 4.2

    /// The card as the official report prints it, the options in use (a form), the series against
    /// the goal, and NII under every reading of the ambiguous text side by side.
    private func indicator(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let query = Query(request)
        var values = chrome(session)
        values["title"] = "Parámetro 4.2"
        var options = CoverageOptions()
        var year = Query.currentYear
        // A bad value is said on the page, which then shows the default reading.
        switch Result(catching: { () throws(APIError) -> (CoverageOptions, Int?) in
            (try ReportsController.options(query), try query.year())
        }) {
        case .success(let (read, asked)):
            options = read
            year = asked ?? year
        case .failure(let error):
            values["problem"] = "\(error.message); se muestra la lectura predeterminada."
        }
        let first = max(ReportYears.first, year - 3)
        let readings = IndicatorGoal.readings(levels: options.levels)
        let (chosen, shown) = (options, year)
        let computed = try await store.run(as: session.identity) { connection in
            let reports = CoverageStore(connection: connection)
            return (
                try (first...shown).map { try reports.indicator(year: $0, options: chosen) },
                try readings.map { try reports.indicator(year: shown, options: $0) }
            )
        }
        let (series, sensitivity) = computed
        let card = series.last!
        func percent(_ value: Decimal?) -> String { value.map { Rounded.percent($0).description + " %" } ?? "ND" }
        let goal = IndicatorGoal.goal(for: year)
        values["name"] = IndicatorText.title
        values["year"] = year
        values["nii"] = card.nii
        values["tii"] = card.tii
        values["percent"] = percent(card.percent)
        values["formula"] = card.formula
        if let goal {
            values["goal"] = Exact.shortText(goal.percent, places: 2)
            values["goalYear"] = goal.year
        }
        if !card.withoutData.isEmpty { values["withoutData"] = card.withoutData.joined(separator: ", ") }
        values["options"] = OptionsText.line(year, options)
        values["firstYear"] = ReportYears.first
        values["lastYear"] = ReportYears.range(currentYear: Query.currentYear).upperBound
        values["threshold"] = Exact.shortText(options.threshold, places: 4)
        values["levels"] = options.levels.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? ""
        values["rules"] = CoverageOptions.Rule.allCases.map {
            ["value": $0.rawValue, "label": Labels.value($0.rawValue), "selected": $0 == options.rule]
        }
        values["windows"] = CoverageOptions.Window.allCases.map {
            ["value": $0.rawValue, "label": Labels.value($0.rawValue), "selected": $0 == options.window]
        }
        values["seriesFrom"] = first
        values["chart"] = SeriesChart.svg(series, goal: goal)
        values["series"] = series.map {
            ["year": $0.year, "nii": $0.nii, "tii": $0.tii, "percent": percent($0.percent)] as [String: Any]
        }
        values["sensitivity"] = zip(readings, sensitivity).map { reading, value -> [String: Any] in
            [
                "threshold": Exact.shortText(reading.threshold, places: 2), "rule": Labels.value(reading.rule.rawValue),
                "window": Labels.value(reading.window.rawValue), "nii": value.nii, "tii": value.tii,
                "percent": percent(value.percent),
                "current": reading.threshold == options.threshold && reading.rule == options.rule
                    && reading.window == options.window,
            ]
        }
        return try page("parametro", values, status: .ok)
    }

    // MARK: Cobertura por instancia

    /// How the coverage table may be sorted: by name, or by a tier's percentage (ND last).
    enum CoverageOrder: String, CaseIterable {
        case nombre, alto, medio, operativo

        var label: String {
            switch self {
            case .nombre: return "nombre"
            case .alto: return "mando alto (menor primero)"
            case .medio: return "mando medio (menor primero)"
            case .operativo: return "operativo (menor primero)"
            }
        }
    }

    /// One row per counted member agency, a bar per tier against the threshold line, ND marked;
    /// sorted on the server (no JavaScript needed).
    private func coverage(_ request: Request, _ session: SessionStore.Current) async throws -> Response {
        let query = Query(request)
        let year = (try? query.year()) ?? nil ?? Query.currentYear
        let order = (try? query.string("orden", maxLength: 20)).flatMap { $0.flatMap(CoverageOrder.init) } ?? .nombre
        let options = CoverageOptions()
        let all = try await store.run(as: session.identity) {
            try CoverageStore(connection: $0).coverage(year: year, options: options, agency: nil)
        }
        var rows = all.filter(\.agency.countsInIndicator)
        if let tier = Tier(rawValue: order.rawValue) {
            // Lowest first, so who needs help leads; ND (no headcount) after every number.
            rows.sort { a, b in
                switch (a.tiers?[tier]?.percent, b.tiers?[tier]?.percent) {
                case (let x?, let y?): return x == y ? a.agency.name < b.agency.name : x < y
                case (nil, nil): return a.agency.name < b.agency.name
                case (nil, _): return false
                case (_, nil): return true
                }
            }
        } else {
            rows.sort { $0.agency.name < $1.agency.name }
        }
        var values = yearPage(session, title: "Cobertura por instancia", year: year, options: options)
        values["threshold"] = Exact.shortText(options.threshold, places: 2)
        values["orders"] = CoverageOrder.allCases.map {
            ["value": $0.rawValue, "label": $0.label, "selected": $0 == order] as [String: Any]
        }
        values["rows"] = rows.map { agency -> [String: Any] in
            [
                "name": agency.agency.name, "code": agency.agency.code,
                "meets": agency.nd ? "ND (no cumple)" : agency.meets ? "sí" : "no",
                "tiers": Tier.allCases.map { tier -> [String: Any] in
                    let t = agency.tiers?[tier]
                    let text =
                        t.map {
                            "\(agency.trained[tier] ?? 0) de \($0.headcount)"
                                + ($0.missing > 0 ? ", faltan \($0.missing)" : "")
                        }
                        ?? "ND"
                    return [
                        "bar": TierBar.svg(percent: t?.percent, threshold: options.threshold, tier: tier), "text": text,
                    ]
                },
            ]
        }
        return try page("cobertura", values, status: .ok)
    }

    // MARK: Grupo

    /// A group's roster (CURPs masked), results, pass rate and gains, and its constancias with
    /// their verification links; outside the caller's scope, 404 as a group that does not exist.
    private func group(_ context: APIContext, _ session: SessionStore.Current) async throws -> Response {
        let identity = session.identity
        let read: (GroupStore.Listing, [EnrollmentStore.RosterEntry], [ConstanciaStore.Record])?
        do {
            let code = try GroupScope.code(try context.parameters.require("code"))
            read = try await store.run(as: identity) { connection in
                (
                    try GroupScope.listing(code, connection: connection),
                    try EnrollmentStore(connection: connection).roster(group: code),
                    try ConstanciaStore(connection: connection).list(group: code)
                )
            }
        } catch let error as APIError where error.status == .notFound {
            read = nil
        }
        guard let (listing, roster, constancias) = read else {
            return try page(
                "mensaje",
                [
                    "title": "Grupo no encontrado", "message": "No hay un grupo con esa clave a su alcance.",
                    "link": "/", "linkText": "Volver al inicio",
                ].merging(chrome(session)) { first, _ in first }, status: .notFound)
        }
        // Pages mask every CURP: a screen is looked at over a shoulder, a download is not.
        let table = RosterTable.table(roster)
        var values = chrome(session)
        values["title"] = "Grupo \(listing.group.code)"
        values["code"] = listing.group.code
        values["course"] = listing.courseTitle ?? "evento sin curso"
        values["dates"] = CalendarDate.spanishRange(listing.group.startsOn, listing.group.endsOn)
        if let modality = listing.group.modality { values["modality"] = Labels.value(modality.rawValue) }
        values["hasRoster"] = !roster.isEmpty
        values["columns"] = table.columns.map(Labels.header)
        values["rows"] = table.rows.map { row in
            ["cells": row.map { cell -> [String: Any] in ["text": cell.display, "number": Self.isNumber(cell)] }]
        }
        values["statistics"] = StatisticsText.lines(ResultStatistics.of(roster.map(\.result)))
        values["hasConstancias"] = !constancias.isEmpty
        values["constancias"] = constancias.map {
            [
                "folio": $0.folio, "holder": $0.name.withSurnameInitials, "code": $0.code,
                "status": $0.revokedAt == nil ? "válida" : "revocada",
            ]
        }
        return try page("grupo", values, status: .ok)
    }

    static func isNumber(_ cell: Cell) -> Bool {
        switch cell {
        case .int, .decimal, .percentage, .amount: return true
        default: return false
        }
    }

    // MARK: Public verification

    private func verify(_ request: Request, _ context: APIContext) async throws -> Response {
        guard limiter.admit(context.remoteAddress ?? "local") else {
            return try page(
                "mensaje",
                [
                    "title": "Demasiadas verificaciones", "message": "Intente de nuevo en un minuto.", "link": "/",
                    "linkText": "Inicio",
                ], status: .tooManyRequests)
        }
        let code = try context.parameters.require("code")
        let found =
            code.utf8.count <= 64
            ? try await store.run(as: nil) { try ConstanciaStore(connection: $0).verify(code: code) } : nil
        guard let found else {
            return try page(
                "verificar", ["title": "Verificación", "code": Constancia.normalizeCode(String(code.prefix(64)))],
                status: .notFound)
        }
        let record = ConstanciaTable.verification(found)
        let fields = record.fields.filter { $0.key != "status" }.map {
            ["label": Labels.header($0.key), "value": $0.value.display]
        }
        let valid = found.revokedOn == nil
        return try page(
            "verificar",
            [
                "title": "Verificación", "found": true, "fields": fields,
                "status": valid ? "Constancia válida" : "Constancia REVOCADA",
                "statusClass": valid ? "valida" : "revocada",
            ], status: .ok)
    }

    // MARK: Rendering

    /// A page about one year under one reading: its title, the year form's bounds, the options line.
    private func yearPage(_ session: SessionStore.Current, title: String, year: Int, options: CoverageOptions)
        -> [String: Any]
    {
        var values = chrome(session)
        values["title"] = title
        values["year"] = year
        values["firstYear"] = ReportYears.first
        values["lastYear"] = ReportYears.range(currentYear: Query.currentYear).upperBound
        values["options"] = OptionsText.line(year, options)
        return values
    }

    private func chrome(_ session: SessionStore.Current) -> [String: Any] {
        var values: [String: Any] = ["signedIn": true, "csrf": session.csrf, "user": session.identity.user]
        if let agency = session.identity.agency { values["agency"] = agency }
        return values
    }

    private func page(_ template: String, _ values: [String: Any], status: HTTPResponse.Status) throws -> Response {
        guard let html = library.render(values, withTemplate: template) else {
            throw ServerStartError.seed("Pages/Templates/\(template).mustache", "no existe")
        }
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("Content-Security-Policy")!: "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// HttpOnly, SameSite=Strict, Path=/; Secure when the request came over TLS (a proxy in front
    /// says so with X-Forwarded-Proto: the service itself speaks plain HTTP on loopback).
    func cookie(_ name: String, _ value: String, _ request: Request, maxAge: Int? = nil) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https" { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    static func cookies(_ request: Request) -> [String: String] {
        var found: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                if found[name] == nil { found[name] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return found
    }

    /// An application/x-www-form-urlencoded body, small.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await Upload.collect(request, limit: formLimit)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first, fields[name] == nil { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    /// Compares secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

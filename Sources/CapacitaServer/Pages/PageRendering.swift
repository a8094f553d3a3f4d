import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Postgres

/// Templates to responses: values every page shares, headers, redirects.
extension PagesController {
    /// A page about one year under one reading: its title, the year form's bounds, the options line.
    func yearForm(title: String, year: Int, options: CoverageOptions) -> YearForm {
        YearForm(
            title: title, year: year, firstYear: ReportYears.first,
            lastYear: ReportYears.range(currentYear: Query.currentYear).upperBound,
            options: OptionsText.line(year, options))
    }

    func signedInHeader(_ session: SessionStore.Current) -> SignedInHeader {
        SignedInHeader(
            csrf: session.csrf, user: session.identity.user, agency: session.identity.agency,
            uploads: UploadKind.of(session.identity).map { .init(kind: $0.rawValue, label: $0.title) },
            managesAccounts: session.identity.role != .instructor,
            managesPersonalData: session.identity.role == .admin)
    }

    /// A short page that says one thing and links onward (not found, no access, expired…), with
    /// the signed-in header when there is a session.
    func message(
        _ session: SessionStore.Current?, title: String, _ text: String, link: String = "/",
        linkText: String = "Volver al inicio", status: HTTPResponse.Status
    ) throws -> Response {
        try page(
            .mensaje,
            PageView(
                MessageView(title: title, message: text, link: link, linkText: linkText), session.map(signedInHeader)),
            status: status)
    }

    func page(_ template: PageTemplate, _ view: PageView, status: HTTPResponse.Status) throws -> Response {
        try Self.page(library, template, view, status: status)
    }

    static func page(
        _ library: MustacheLibrary, _ template: PageTemplate, _ view: PageView, status: HTTPResponse.Status
    ) throws -> Response {
        // `library()` checked every template at start; this is only reached with a library made otherwise.
        guard let html = html(library, template, view) else {
            throw ServerStartError.seed("Pages/Templates/\(template.rawValue).mustache", "no existe")
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

    static func html(_ library: MustacheLibrary, _ template: PageTemplate, _ view: PageView) -> String? {
        library.render(view, withTemplate: template.rawValue)
    }

    /// An error on a page route as the message page, with the error's status (and Retry-After on a
    /// 503): a browser is never answered with the API's JSON. Without the session's header: the
    /// error may have come before the session was known (the database down at sign-in).
    static func errorPage(_ error: APIError, library: MustacheLibrary) -> Response? {
        let title: String
        switch error.status {
        case .serviceUnavailable: title = "Servicio no disponible por el momento"
        case .requestTimeout: title = "El envío tardó demasiado"
        case .contentTooLarge: title = "Archivo demasiado grande"
        case .unsupportedMediaType: title = "Archivo no admitido"
        case .notFound: title = "Página no encontrada"
        case .tooManyRequests: title = "Demasiados intentos"
        case _ where error.status.code >= 500: title = "Error interno"
        default: title = "No se pudo atender la petición"
        }
        let sentence = error.message.prefix(1).uppercased() + error.message.dropFirst() + "."
        var message = sentence
        if let id = error.details["request_id"] { message += " Número de registro: \(id)." }
        let view = PageView(MessageView(title: title, message: message))
        guard var response = try? page(library, .mensaje, view, status: error.status) else { return nil }
        if let retry = error.extraHeaders[.retryAfter] { response.headers[.retryAfter] = retry }
        return response
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
        fields(try await Upload.collect(request, limit: formLimit))
    }

    /// An urlencoded body's fields; the first of a repeated name wins.
    static func fields(_ body: ByteBuffer) -> [String: String] {
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

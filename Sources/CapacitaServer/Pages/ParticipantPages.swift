import Capacita
import CapacitaPDF
import CapacitaStore
import Foundation
import HTTPTypes
import Hummingbird

/// A participant's own page (issue #30; db/migrations/0039): `/mis-constancias` asks for a CURP and
/// the e-mail the agency registered and answers the same whether or not they match anyone; when
/// they match, the e-mailed link (`/mis-constancias/entrar?t=…`, once, `linkLifetime`) opens a
/// participant session: the cookie `capacita_participante`, not an account, for `sessionLifetime`.
/// The session's page shows the person's enrollments, attendance, results and constancias with
/// their PDFs, and files their requests about their data in the register. Everything is read and
/// written through definer functions that take the person from the session. Forms carry CSRF
/// tokens: the public forms' (one use, a cookie beside them) before the session, the session's
/// after. No route here logs or echoes a link's or a session's secret.
extension PagesController {
    static let participantCookie = "capacita_participante"

    var participants: ParticipantSettings { configuration.participants }

    struct ParticipantFormView: Sendable {
        var title = "Mis constancias"
        var sent: Bool?
        var minutes: Int?
        var problem: String?
    }

    struct ParticipantLinkView: Sendable {
        var title = "Mis constancias"
        var link: String
        var minutes: Int
    }

    struct ParticipantView: Sendable {
        struct ConstanciaLine: Sendable {
            var folio: String
            var code: String
            var course: String
            var group: String
            var issuedOn: String
            var state: String
            var pdf: String?
        }

        struct EnrollmentLine: Sendable {
            var group: String
            var course: String
            var agency: String
            var dates: String
            var status: String
            var attendance: String
            var pre: String
            var post: String
            var final: String
        }

        struct MarkLine: Sendable {
            var group: String
            var date: String
            var time: String
            var mark: String
        }

        struct RequestLine: Sendable {
            var id: Int64
            var kind: String
            var receivedOn: String
            var dueOn: String
            var state: String
        }

        struct KindOption: Sendable {
            var value: String
            var label: String
        }

        var title = "Mis constancias"
        var name: String
        var curp: String
        var endsAt: String
        var csrf: String
        var constancias: [ConstanciaLine]
        var hasConstancias: Bool
        var enrollments: [EnrollmentLine]
        var hasEnrollments: Bool
        var marks: [MarkLine]
        var hasMarks: Bool
        var requests: [RequestLine]
        var hasRequests: Bool
        var kinds: [KindOption]
        var workingDays = ArcoDeadline.workingDays
        var detailLimit = ArcoRequest.textLimit
        var notice: String?
        var problem: String?
    }

    /// The cookie's session secret, when the request carries one.
    static func participantSecret(_ request: Request) -> String { cookies(request)[participantCookie] ?? "" }

    func participantSession(_ request: Request) async throws -> ParticipantStore.Session? {
        let secret = Self.participantSecret(request)
        guard !secret.isEmpty else { return nil }
        return try await store.run(as: nil) { try ParticipantStore(connection: $0).session(secret) }
    }

    /// GET /mis-constancias: the session's page, or the form (a cookie of a session that ended is
    /// cleared).
    func participantHome(_ request: Request) async throws -> Response {
        if let session = try await participantSession(request) {
            return try participantPage(session, notice: nil, problem: nil, status: .ok)
        }
        var response = try publicForm(.misConstancias, ParticipantFormView(), request, status: .ok)
        if !Self.participantSecret(request).isEmpty {
            response.headers.append(
                HTTPField(name: .setCookie, value: cookie(Self.participantCookie, "", request, maxAge: 0)))
        }
        return response
    }

    func participantPage(
        _ session: ParticipantStore.Session, notice: String?, problem: String?, status: HTTPResponse.Status
    ) throws -> Response {
        let held = session.page
        func percent(_ value: String?) -> String { value.map { "\($0) %" } ?? "—" }
        func score(_ value: String?) -> String { value ?? "—" }
        let view = ParticipantView(
            name: held.holder.fullName, curp: held.holder.maskedCurp, endsAt: held.holder.sessionEndsAt,
            csrf: session.csrf,
            constancias: held.constancias.map { constancia in
                .init(
                    folio: constancia.folio, code: constancia.code, course: constancia.courseTitle,
                    group: constancia.groupCode, issuedOn: constancia.issuedOn,
                    state: constancia.revokedOn.map { "revocada el \($0)" } ?? "válida",
                    pdf: constancia.revokedOn == nil ? "/mis-constancias/constancias/\(constancia.folio).pdf" : nil)
            }, hasConstancias: !held.constancias.isEmpty,
            enrollments: held.enrollments.map { enrollment in
                .init(
                    group: enrollment.groupCode,
                    course: enrollment.courseTitle ?? enrollment.courseCode ?? "evento fuera del catálogo",
                    agency: enrollment.agencyName,
                    dates: enrollment.endsOn.map { $0 == enrollment.startsOn ? $0 : "\(enrollment.startsOn) a \($0)" }
                        ?? enrollment.startsOn,
                    status: enrollment.statusLabel, attendance: percent(enrollment.attendance),
                    pre: score(enrollment.preScore), post: score(enrollment.postScore),
                    final: score(enrollment.finalScore))
            }, hasEnrollments: !held.enrollments.isEmpty,
            marks: held.marks.map {
                .init(group: $0.groupCode, date: $0.date, time: $0.startsAt ?? "—", mark: $0.mark.label)
            }, hasMarks: !held.marks.isEmpty,
            requests: held.requests.map {
                .init(
                    id: $0.id, kind: $0.kind.label, receivedOn: $0.receivedOn.description,
                    dueOn: $0.dueOn.description, state: $0.state.label)
            }, hasRequests: !held.requests.isEmpty,
            kinds: ParticipantPage.requestKinds.map { .init(value: $0.rawValue, label: $0.label) }, notice: notice,
            problem: problem)
        return try page(.participante, PageView(view), status: status)
    }

    /// POST /mis-constancias: a link by e-mail when the CURP and the e-mail match a person; the
    /// same page whatever the pair (only the form's new token differs), after the same work. A
    /// CURP or an e-mail that is not well formed is said, as nothing about anyone depends on it.
    func participantLinkRequested(_ request: Request, _ context: APIContext) async throws -> Response {
        let form = try await Self.form(request)
        guard let issued = verifiedForm(request, form) else { return try forbidden() }
        let curpText = (form["curp"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard curpText.utf8.count <= 40, case .success(let curp) = Curp.parse(curpText) else {
            let view = ParticipantFormView(
                problem: "La CURP no es válida: revise sus 18 caracteres, como aparecen en su constancia de CURP.")
            return try publicForm(.misConstancias, view, request, status: .unprocessableContent)
        }
        guard let email = AccountEmail.normalize(form["email"] ?? "") else {
            let view = ParticipantFormView(
                problem: "El correo no es válido (una dirección como nombre@dependencia.gob.mx).")
            return try publicForm(.misConstancias, view, request, status: .unprocessableContent)
        }
        let settings = participants
        let address = context.remoteAddress ?? "local"
        let base = configuration.accounts.publicURL
        let admitted = try await store.run(as: nil) { connection in
            try ParticipantStore(connection: connection).requestLink(
                form: issued, curp: curp, email: email, address: address, lifetime: settings.linkLifetime,
                limits: settings.limits, link: { "\(base)/mis-constancias/entrar?t=\($0)" })
        }
        switch admitted {
        case .forgedForm: return try forbidden()
        case .throttled(let seconds): return try participantThrottled(request, seconds: seconds)
        case .answered:
            let view = ParticipantFormView(
                sent: true, minutes: max(Int(settings.linkLifetime.components.seconds / 60), 1))
            return try publicForm(.misConstancias, view, request, status: .ok)
        }
    }

    func participantThrottled(_ request: Request, seconds: Int) throws -> Response {
        let view = MessageView(
            title: "Demasiadas solicitudes",
            message:
                "Se pidieron demasiados enlaces desde esta dirección o para esta CURP. Intente de nuevo en \(Self.minutes(seconds)).",
            link: "/mis-constancias", linkText: "Volver a Mis constancias")
        var response = try page(.mensaje, PageView(view), status: .tooManyRequests)
        response.headers[.retryAfter] = String(seconds)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", request, maxAge: 0)))
        return response
    }

    func participantLinkExpired() throws -> Response {
        let view = MessageView(
            title: "Enlace no válido",
            message: "El enlace ya se usó, venció o no existe. Pida otro con su CURP y su correo.",
            link: "/mis-constancias", linkText: "Pedir otro enlace")
        return try page(.mensaje, PageView(view), status: .notFound)
    }

    /// GET /mis-constancias/entrar?t=…: a button that uses the link, while it is good. Opening the
    /// link uses nothing (a mail scanner that follows it leaves it good); the button's post does.
    func participantLinkPage(_ request: Request) async throws -> Response {
        let link = Self.linkSecret(request)
        guard try await store.run(as: nil, { try ParticipantStore(connection: $0).peek(link: link) }) else {
            return try participantLinkExpired()
        }
        let minutes = max(Int(participants.sessionLifetime.components.seconds / 60), 1)
        return try publicForm(
            .misConstanciasEntrar, ParticipantLinkView(link: link, minutes: minutes), request, status: .ok)
    }

    /// POST /mis-constancias/entrar: the link used once, its session opened (the cookie), the page.
    /// Each post counts against the client address's sign-in limit, so a link cannot be guessed by
    /// trying; a post that opens a session takes its own attempt back.
    func participantSignIn(_ request: Request, _ context: APIContext) async throws -> Response {
        let form = try await Self.form(request)
        guard let issued = verifiedForm(request, form) else { return try forbidden() }
        let link = Self.linkSecret(request, form)
        let keys = [SignInThrottle.addressKey(context.remoteAddress ?? "local")]
        let limits = signInLimits
        let lifetime = participants.sessionLifetime
        let admitted = try await store.run(as: nil) { connection in
            try connection.withTransaction { connection in
                try SessionStore.admit(form: issued, keys: keys, limits: limits, connection) {
                    () -> ParticipantSession? in
                    guard let opened = try ParticipantStore(connection: connection).open(link: link, lifetime: lifetime)
                    else { return nil }
                    try SignInThrottle(connection: connection).succeeded(keys)
                    return ParticipantSession(secret: opened.secret)
                }
            }
        }
        switch admitted {
        case .forgedForm: return try forbidden()
        case .throttled(let seconds): return try participantThrottled(request, seconds: seconds)
        case .admitted(nil): return try participantLinkExpired()
        case .admitted(let opened?):
            var response = Self.redirect("/mis-constancias")
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value: cookie(
                        Self.participantCookie, opened.secret, request, maxAge: Int(lifetime.components.seconds))))
            response.headers.append(
                HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", request, maxAge: 0)))
            return response
        }
    }

    /// A session's secret, as the sign-in's transaction gives it back.
    struct ParticipantSession: Sendable {
        var secret: String
    }

    /// POST /mis-constancias/solicitud: a request about the person's data, filed in the register
    /// (channel «participante») with its deadline; the page comes back saying its number and day.
    func participantFile(_ request: Request) async throws -> Response {
        guard let session = try await participantSession(request) else { return Self.redirect("/mis-constancias") }
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        guard let kind = ArcoRequest.Kind(rawValue: form["kind"] ?? ""), ParticipantPage.requestKinds.contains(kind)
        else {
            return try participantPage(
                session, notice: nil, problem: "Elija qué pide: rectificación, cancelación u oposición.",
                status: .unprocessableContent)
        }
        let detail = ParticipantPage.detail(form["detail"] ?? "")
        if kind == .rectificacion, detail.isEmpty {
            return try participantPage(
                session, notice: nil, problem: "Para una rectificación, diga qué dato está mal y cómo debe quedar.",
                status: .unprocessableContent)
        }
        let calendar = try workingCalendar()
        let received = ArcoStore.today
        let due = ArcoDeadline.due(receivedOn: received, calendar: calendar)
        let secret = Self.participantSecret(request)
        let filed: ParticipantStore.Filed?
        do {
            filed = try await store.run(as: nil) { connection in
                try ParticipantStore(connection: connection).file(
                    session: secret, kind: kind, received: received, due: due, detail: detail)
            }
        } catch let problem as ParticipantStore.Problem {
            let text = problem.description.prefix(1).uppercased() + problem.description.dropFirst() + "."
            return try participantPage(session, notice: nil, problem: text, status: .unprocessableContent)
        }
        guard let filed, let updated = try await participantSession(request) else {
            return Self.redirect("/mis-constancias")
        }
        let notice =
            filed.created
            ? "Su solicitud de \(kind.label) quedó registrada con el número \(filed.id). La Secretaría Técnica debe responderle a más tardar el \(filed.dueOn.spanishLong)."
            : "Ya tiene una solicitud de \(kind.label) abierta, la número \(filed.id); vence el \(filed.dueOn.spanishLong)."
        return try participantPage(updated, notice: notice, problem: nil, status: .ok)
    }

    /// GET /mis-constancias/constancias/{folio}.pdf: the PDF of one of the session's person's
    /// constancias, drawn as the staff's downloads are (the same bytes) and recorded as issued; a
    /// folio that is not theirs is «no encontrada», as one that does not exist.
    func participantPDF(_ request: Request, _ context: APIContext) async throws -> Response {
        let secret = Self.participantSecret(request)
        guard !secret.isEmpty else { return Self.redirect("/mis-constancias") }
        let folio = try context.parameters.require("folio")
        let publicURL = configuration.accounts.publicURL
        let found = try await store.run(as: nil) {
            try ParticipantStore(connection: $0).document(session: secret, folio: folio, publicURL: publicURL)
        }
        switch found {
        case .none:
            // Without a session there is nothing to find: back to the form, as for every page here.
            guard try await participantSession(request) != nil else { return Self.redirect("/mis-constancias") }
            let view = MessageView(
                title: "Constancia no encontrada", message: "No tiene una constancia con ese folio.",
                link: "/mis-constancias", linkText: "Volver a Mis constancias")
            return try page(.mensaje, PageView(view), status: .notFound)
        case .revoked:
            let view = MessageView(
                title: "Constancia revocada", message: "La constancia fue revocada: no se emite su PDF.",
                link: "/mis-constancias", linkText: "Volver a Mis constancias")
            return try page(.mensaje, PageView(view), status: .gone)
        case .document(let document):
            let bytes = try await documents.run { Result { try ConstanciaPDF.render(document) } }.get()
            let sha256 = ConstanciaDocuments.sha256(bytes)
            try await store.run(as: nil) {
                try ParticipantStore(connection: $0).recordIssued(
                    session: secret, folio: document.folio, sha256: sha256)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pdf", .cacheControl: "no-store",
                    .contentDisposition: Responses.attachment(document.folio, extension: "pdf"),
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// POST /mis-constancias/salir: the session ends, the cookie goes.
    func participantSignOut(_ request: Request) async throws -> Response {
        guard let session = try await participantSession(request) else { return Self.redirect("/mis-constancias") }
        let form = try await Self.form(request)
        guard let sent = form["csrf"], Self.same(sent, session.csrf) else { return try forbidden() }
        let secret = Self.participantSecret(request)
        try await store.run(as: nil) { try ParticipantStore(connection: $0).close(session: secret) }
        var response = Self.redirect("/mis-constancias")
        response.headers.append(
            HTTPField(name: .setCookie, value: cookie(Self.participantCookie, "", request, maxAge: 0)))
        return response
    }
}

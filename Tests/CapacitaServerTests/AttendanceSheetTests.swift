import Capacita
import CapacitaStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import Testing

@testable import CapacitaPDF

/// The listas de asistencia: their text read back by poppler's pdftotext (names with their
/// accents, the group, the session's code, the pages), their QR symbol decoded from the rendered
/// page by zbarimg, and who gets them over HTTP.
@Suite struct AttendanceSheetTests {
    static let group = ServiceFixture.sictGroup
    static let firstDay = CalendarDate(year: 2024, month: 3, day: 4)

    /// The PDF's text as pdftotext reads it (Debian's poppler-utils).
    static func text(_ pdf: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lista-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let pdftotext = try QRCodeTests.tool("pdftotext", package: "poppler-utils")
        let read = try QRCodeTests.run(pdftotext, ["-enc", "UTF-8", file.path, "-"])
        try #require(read.status == 0, "pdftotext could not read the PDF")
        return String(decoding: read.bytes, as: UTF8.self)
    }

    /// What zbarimg reads on `page`, rendered at 150 dpi by pdftoppm as a scanner would see it.
    static func qr(_ pdf: [UInt8], page: Int = 1) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("lista-\(UUID().uuidString)")
        let file = base.appendingPathExtension("pdf")
        let image = base.appendingPathExtension("png")
        try Data(pdf).write(to: file)
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: image)
        }
        let pdftoppm = try QRCodeTests.tool("pdftoppm", package: "poppler-utils")
        let drawn = try QRCodeTests.run(
            pdftoppm, ["-r", "150", "-png", "-f", "\(page)", "-l", "\(page)", "-singlefile", file.path, base.path])
        try #require(drawn.status == 0 && FileManager.default.fileExists(atPath: image.path), "pdftoppm failed")
        let zbarimg = try QRCodeTests.tool("zbarimg", package: "zbar-tools")
        let read = try QRCodeTests.run(zbarimg, ["--raw", "-q", image.path])
        try #require(read.status == 0, "zbarimg found no QR code on page \(page)")
        return String(decoding: read.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A fresh fixture's database as the service's role (row-level security applies), acting as
    /// `identity`.
    static func withConnection(
        as identity: Identity = .admin("pruebas"), _ body: (Connection, ServiceFixture) throws -> Void
    ) throws {
        let fixture = try ServiceFixture.make()
        defer { fixture.drop() }
        let connection = try Connection(fixture.appURL)
        connection.act(as: identity)
        try body(connection, fixture)
    }

    static func sheets(_ outcome: AttendanceSheetLoader.Outcome) throws -> [AttendanceSheet] {
        guard case .sheets(let sheets) = outcome else {
            Issue.record("expected lists, got \(outcome)")
            return []
        }
        return sheets
    }

    @Test func theListNamesEveryParticipantWithAccentsAndLeavesBajasOut() throws {
        try Self.withConnection { connection, _ in
            let roster = try EnrollmentStore(connection: connection).roster(group: Self.group)
            let dropped = try #require(roster.first { $0.name.full != "Inés Núñez Ordóñez" })
            try EnrollmentStore(connection: connection).drop(group: Self.group, curp: dropped.curp, reason: "prueba")
            let names = roster.filter { $0.curp != dropped.curp }.map(\.name.full)
            #expect(names.contains("Inés Núñez Ordóñez"), "the fixture's people carry accents: \(names)")

            let day = try #require(Self.firstDay)
            let sheets = try Self.sheets(
                try AttendanceSheetLoader(connection: connection).sheets(
                    group: Self.group, date: day, blankRows: AttendanceSheet.defaultBlankRows))
            #expect(sheets.count == 1)
            #expect(sheets.first?.rows.count == names.count)
            let text = try Self.text(try AttendanceSheetPDF.render(sheets))
            for name in names { #expect(text.contains(name), "\(name) in the list") }
            #expect(!text.contains(dropped.name.full), "a baja is left out")
            #expect(text.contains(AttendanceSheet.programme))
            #expect(text.contains(Self.group))
            #expect(text.contains("Sesión: \(Self.group)-S20240304"))
            #expect(text.contains("Página 1 de 1"))
            // The group's instructor by their account's name.
            #expect(text.contains("Cuenta de prueba instructor"))
        }
    }

    @Test func withoutADateEverySessionHasItsOwnPageSet() throws {
        try Self.withConnection { connection, _ in
            let sheets = try Self.sheets(
                try AttendanceSheetLoader(connection: connection).sheets(group: Self.group, date: nil, blankRows: 0))
            #expect(sheets.map(\.sessionCode) == (4...8).map { "\(Self.group)-S2024030\($0)" })
            let pdf = try AttendanceSheetPDF.render(sheets)
            let text = try Self.text(pdf)
            for sheet in sheets { #expect(text.contains("Sesión: \(sheet.sessionCode)")) }
            #expect(text.components(separatedBy: "Página 1 de 1").count - 1 == 5)
            #expect(try Self.qr(pdf, page: 5) == "\(Self.group)-S20240308")

            let missing = try #require(CalendarDate(year: 2024, month: 3, day: 9))
            let outcome = try AttendanceSheetLoader(connection: connection).sheets(
                group: Self.group, date: missing, blankRows: 0)
            #expect(outcome == .noSession)
        }
    }

    @Test func theQRCodeOnTheRenderedPageIsTheSessionsCode() throws {
        try Self.withConnection { connection, _ in
            let day = try #require(Self.firstDay)
            let sheets = try Self.sheets(
                try AttendanceSheetLoader(connection: connection).sheets(group: Self.group, date: day, blankRows: 5))
            let pdf = try AttendanceSheetPDF.render(sheets)
            #expect(try Self.qr(pdf) == "\(Self.group)-S20240304")
        }
    }

    @Test func anotherAgencysEnlaceDoesNotReachTheList() throws {
        try Self.withConnection(as: Identity(role: .enlace, agency: "INM", user: "prueba-inm")) { connection, _ in
            let outcome = try AttendanceSheetLoader(connection: connection).sheets(
                group: Self.group, date: nil, blankRows: 5)
            #expect(outcome == .noGroup)
        }
    }

    @Test func aGroupOfSixtyTakesSeveralPagesWithEveryName() throws {
        let given = ["José", "María", "Íñigo", "Ángela", "Raúl", "Sofía", "Martín", "Lucía", "Ramón", "Begoña"]
        let surnames = ["Núñez Peña", "Pérez Ávila", "Gómez Ruíz", "Ibáñez Solís", "Muñoz León", "Álvarez Güemes"]
        let names = surnames.flatMap { surname in given.map { "\($0) \(surname)" } }
        #expect(names.count == 60)
        let day = try #require(Self.firstDay)
        let sheet = AttendanceSheet(
            session: GroupSession(
                groupCode: "SICT-GRANDE-2024", date: day, startsAt: ClockTime(hour: 9, minute: 0),
                endsAt: ClockTime(hour: 14, minute: 0), place: .place("Auditorio Ñuu Savi"), scheduled: true),
            courseCode: "PNC22-SENS", courseTitle: "Taller de sensibilización", instructors: ["Ana Úrsula Díaz"],
            rows: names.map { .init(name: $0, agencyCode: "SICT", tier: .operativo) },
            blankRows: AttendanceSheet.defaultBlankRows)
        let pages = AttendanceSheetPDF.pageCount(sheet)
        #expect(pages > 1)
        let pdf = try AttendanceSheetPDF.render([sheet])
        let text = try Self.text(pdf)
        for name in names { #expect(text.contains(name), "\(name) in the list") }
        for page in 1...pages { #expect(text.contains("Página \(page) de \(pages)")) }
        #expect(!text.contains("Página \(pages + 1) de"))
        #expect(text.contains("Auditorio Ñuu Savi") && text.contains("Ana Úrsula Díaz"))
        #expect(try Self.qr(pdf, page: pages) == "SICT-GRANDE-2024-S20240304-0900")
    }

    /// A value longer than any line is cut to the box with an ellipsis: the longest prefix that
    /// fits, whatever the value's length (a million characters costs what four hundred do).
    @Test func aLongValueIsCutToItsBoxWithAnEllipsis() throws {
        let document = try HaruDocument()
        let font = try document.embedFont(AttendanceSheetPDF.regularFont)
        let page = try document.addLetterPage()
        for text in [
            "Ana Úrsula Díaz " + String(repeating: "Ñ", count: 1_000_000), String(repeating: "Íñigo ", count: 60),
        ] {
            let cut = try page.fitted(text, width: 200, font: font, size: 9)
            let drawn = try page.width(cut, font: font, size: 9)
            #expect(cut.hasSuffix("…") && drawn <= 200)
            // One more character would not fit: the cut is the longest one.
            let prefix = cut.dropLast()
            let longer = String(text.prefix(prefix.count + 1)).trimmingTrailingSpaces() + "…"
            let wider = try page.width(longer, font: font, size: 9)
            #expect(wider > 200 || longer == cut)
        }
        #expect(try page.fitted("Corto", width: 200, font: font, size: 9) == "Corto")
    }

    @Test func libharusErrorsAreThrownNotFatal() throws {
        let document = try HaruDocument()
        #expect(throws: PDFError.self) { _ = try document.embedFont("/no/existe/fuente.ttf") }
    }

    @Test func overHTTPTheOrganizerTheInstructorAndTheSecretariaGetThePDFAnotherAgency404() async throws {
        try await withService { served in
            let uri = "/v1/groups/\(Self.group)/sessions/2024-03-04/lista.pdf"
            for caller in [ServiceFixture.Caller.admin, .sict, .instructor] {
                let response = try await served.send(.get, uri, as: caller)
                #expect(response.status == .ok, "\(caller): \(response.status)")
                #expect(response.headers[.contentType] == "application/pdf")
                let bytes = Array(response.body.readableBytesView)
                #expect(bytes.starts(with: Array("%PDF-".utf8)))
                let text = try Self.text(bytes)
                #expect(text.contains("Sesión: \(Self.group)-S20240304") && text.contains("Inés Núñez Ordóñez"))
            }
            let inm = try await served.send(.get, uri, as: .inm)
            #expect(inm.status == .notFound)
            #expect(!inm.text.contains("Núñez"))
            let noSession = "/v1/groups/\(Self.group)/sessions/2024-03-09/lista.pdf"
            #expect(try await served.send(.get, noSession, as: .admin).status == .notFound)
            #expect(
                try await served.send(.get, "/v1/groups/\(Self.group)/sessions/no-es-fecha/lista.pdf", as: .admin)
                    .status == .notFound)
            #expect(try await served.send(.get, uri + "?blank_rows=999", as: .admin).status == .badRequest)
            #expect(try await served.send(.get, uri, as: nil).status == .unauthorized)

            // The group page links each session to its day's list, which opens with the page's session.
            let cookie: HTTPFields = [.cookie: "capacita_sesion=\(try await PagesTests.session(served, .sict))"]
            let link = "/grupos/\(Self.group)/sesiones/2024-03-04/lista.pdf"
            let page = try await served.send(.get, "/grupos/\(Self.group)", as: nil, headers: cookie)
            #expect(page.text.contains("<a href=\"\(link)\">"))
            let download = try await served.send(.get, link, as: nil, headers: cookie)
            #expect(download.status == .ok && download.headers[.contentType] == "application/pdf")
            let missing = try await served.send(
                .get, "/grupos/\(Self.group)/sesiones/2024-03-09/lista.pdf", as: nil, headers: cookie)
            #expect(missing.status == .notFound)
        }
    }
}

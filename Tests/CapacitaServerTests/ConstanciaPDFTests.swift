import Capacita
import CapacitaStore
import Foundation
import Testing
import ZIPFoundation

@testable import CapacitaPDF

/// A constancia's PDF on its own: its text read back by pdftotext (the name with every accent, the
/// folio, the code), its QR symbol decoded by zbarimg (the verification address), the same bytes
/// on every render, and a name outside Windows-1252 still drawn.
@Suite struct ConstanciaPDFTests {
    static func document(
        name: PersonName = PersonName(givenNames: "Íñigo José", firstSurname: "Núñez", secondSurname: "Güemes Ávila"),
        folio: String = "PNC-2024-000123", code: String = "ABCDEFGH2345"
    ) -> ConstanciaDocument {
        ConstanciaDocument(
            folio: folio, code: code, groupCode: "SICT-BAS-2024-01", holder: name,
            agencyName: "Secretaría de Infraestructura, Comunicaciones y Transportes", courseCode: "PNC22-BAS",
            courseTitle: "Curso básico en materia de trata de personas", hours: 40,
            startsOn: CalendarDate(year: 2024, month: 3, day: 4)!, endsOn: CalendarDate(year: 2024, month: 3, day: 8),
            issuedOn: "2024-03-11",
            verificationAddress: Constancia.verificationAddress(
                publicURL: "https://capacita.example.gob.mx/", code: code))
    }

    @Test func theTextHasTheNameWithItsAccentsTheFolioAndTheCode() throws {
        let document = Self.document()
        let text = try AttendanceSheetTests.text(try ConstanciaPDF.render(document))
        #expect(text.contains("Íñigo José Núñez Güemes Ávila"))
        #expect(text.contains("PNC-2024-000123") && text.contains("ABCDEFGH2345"))
        #expect(text.contains("Curso básico en materia de trata de personas"))
        #expect(text.contains("con duración de 40 horas, impartido del 4 al 8 de marzo de 2024"))
        #expect(text.contains(AttendanceSheet.programme))
        #expect(text.contains("https://capacita.example.gob.mx/verificar/ABCDEFGH2345"))
    }

    @Test func theQRCodeIsTheVerificationAddress() throws {
        let pdf = try ConstanciaPDF.render(Self.document())
        #expect(try AttendanceSheetTests.qr(pdf) == "https://capacita.example.gob.mx/verificar/ABCDEFGH2345")
    }

    @Test func twoRendersAreByteForByteTheSame() throws {
        let first = try ConstanciaPDF.render(Self.document())
        // A second apart: a creation date or a time-based ID would show.
        Thread.sleep(forTimeInterval: 1.1)
        let second = try ConstanciaPDF.render(Self.document())
        #expect(first == second)
        #expect(ConstanciaDocuments.sha256(first) == ConstanciaDocuments.sha256(second))
        let other = try ConstanciaPDF.render(Self.document(folio: "PNC-2024-000124"))
        #expect(other != first)
        let text = String(decoding: first, as: UTF8.self)
        #expect(!text.contains("/CreationDate") && !text.contains("/ModDate") && !text.contains("/ID"))
    }

    @Test func aNameOutsideWindows1252IsDrawnToo() throws {
        let name = PersonName(givenNames: "Zoë Łucja", firstSurname: "Őrsi", secondSurname: "Xiʼ Núñez")
        #expect(WindowsLatin1.bytes(name.full) == nil)
        let pdf = try ConstanciaPDF.render(Self.document(name: name))
        #expect(try AttendanceSheetTests.text(pdf).contains("Zoë Łucja Őrsi Xiʼ Núñez"))
        #expect(try ConstanciaPDF.render(Self.document(name: name)) == pdf)
    }

    @Test func aVeryLongNameOrTitleIsCutToThePage() throws {
        var document = Self.document(
            name: PersonName(
                givenNames: String(repeating: "María ", count: 500), firstSurname: "Núñez", secondSurname: nil))
        document.courseTitle = String(repeating: "Curso de formación ", count: 10_000)
        let text = try AttendanceSheetTests.text(try ConstanciaPDF.render(document))
        #expect(text.contains("María María") && text.contains("…"))
        #expect(text.contains("PNC-2024-000123"))
    }

    /// The ZIP opens with ZIPFoundation: one PDF per constancia, named by folio, each the bytes given.
    @Test func theArchiveHoldsOnePDFPerConstanciaNamedByFolio() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("constancias.zip")
        let archive = try ConstanciaArchive(creatingAt: url)
        var pdfs: [String: [UInt8]] = [:]
        var finished: Int64 = 0
        for sequence in 1...5 {
            let document = Self.document(folio: "PNC-2024-00000\(sequence)")
            let pdf = try ConstanciaPDF.render(document)
            try archive.add(name: document.fileName, pdf: pdf, issuedOn: document.issuedOn)
            pdfs[document.fileName] = pdf
            // What is final only grows, and is always the file but its central directory.
            let now = try archive.finishedLength()
            let length = try archive.length()
            #expect(now > finished && now < length)
            finished = now
        }
        let read = try Archive(url: url, accessMode: .read)
        var names: [String] = []
        for entry in read {
            var bytes: [UInt8] = []
            _ = try read.extract(entry) { bytes += $0 }
            #expect(bytes == pdfs[entry.path], "\(entry.path)")
            names.append(entry.path)
        }
        #expect(names == (1...5).map { "PNC-2024-00000\($0).pdf" })
    }
}

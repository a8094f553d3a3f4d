import Capacita
import Testing

/// A scan's checks before it is kept: its type by its first bytes, never its name or declared type
/// alone; empty and oversized files; the name it is kept under; who may do what.
@Suite struct SessionEvidenceTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]
    static let pdf = Array("%PDF-1.7\n%…\n".utf8)

    private func problem(_ bytes: [UInt8], declared: String? = nil, limit: Int64 = 1 << 20) -> EvidenceProblem? {
        do {
            _ = try EvidenceCheck.check(bytes, declaredType: declared, limit: limit)
            return nil
        } catch {
            return error
        }
    }

    @Test func theTypeIsTheOneItsFirstBytesShow() throws {
        #expect(EvidenceType.sniff(Self.pdf) == .pdf)
        #expect(EvidenceType.sniff(Self.jpeg) == .jpeg)
        #expect(EvidenceType.sniff(Self.png) == .png)
        // Whatever it is called: a PNG sent as lista.pdf is a PNG.
        #expect(try EvidenceCheck.check(Self.png, declaredType: nil, limit: 100) == .png)
        #expect(try EvidenceCheck.check(Self.png, declaredType: "application/octet-stream", limit: 100) == .png)
        #expect(try EvidenceCheck.check(Self.jpeg, declaredType: "image/jpg", limit: 100) == .jpeg)
        #expect(try EvidenceCheck.check(Self.pdf, declaredType: "application/pdf; charset=binary", limit: 100) == .pdf)
    }

    @Test func textAndCutHeadersAreRefused() {
        #expect(problem(Array("lista de asistencia\n".utf8)) == .type)
        #expect(problem(Array("%PD".utf8)) == .type, "a PDF header cut short")
        #expect(problem(Array("%pdf-1.4".utf8)) == .type, "the signature is exact")
        #expect(problem(Array(Self.png.prefix(4))) == .type, "half a PNG signature")
        #expect(problem(Array(Self.png.prefix(7))) == .type, "a PNG signature one byte short")
        #expect(problem([0xFF, 0xD8]) == .type, "two bytes of JPEG's three")
        #expect(problem(Array("PK\u{3}\u{4}".utf8)) == .type, "a workbook or any ZIP")
        #expect(problem([]) == .empty)
        #expect(problem(Self.pdf, limit: Int64(Self.pdf.count)) == nil, "exactly the limit passes")
        #expect(problem(Self.pdf, limit: Int64(Self.pdf.count - 1)) == .tooLarge(limit: Int64(Self.pdf.count - 1)))
    }

    @Test func aDeclaredTypeThatDisagreesIsRefused() throws {
        #expect(
            problem(Self.png, declared: "application/pdf") == .contentType(declared: "application/pdf", found: .png))
        #expect(problem(Self.pdf, declared: "text/plain") == .contentType(declared: "text/plain", found: .pdf))
        #expect(problem(Array("hola".utf8), declared: "text/plain") == .contentType(declared: "text/plain", found: nil))
        // Before a byte is read: a type none of the three, a length past the limit, an empty body.
        #expect(throws: EvidenceProblem.contentType(declared: "text/csv", found: nil)) {
            try EvidenceCheck.beforeReading(declaredType: "text/csv", declaredLength: 10, limit: 100)
        }
        #expect(throws: EvidenceProblem.tooLarge(limit: 100)) {
            try EvidenceCheck.beforeReading(declaredType: "image/png", declaredLength: 101, limit: 100)
        }
        #expect(throws: EvidenceProblem.empty) {
            try EvidenceCheck.beforeReading(declaredType: nil, declaredLength: 0, limit: 100)
        }
        try EvidenceCheck.beforeReading(declaredType: nil, declaredLength: nil, limit: 100)
        // Each refusal has its stable key and a Spanish message.
        let problems: [EvidenceProblem] = [
            .empty, .tooLarge(limit: 10 << 20), .type, .contentType(declared: "x/y", found: .png),
            .startRequired([ClockTime(hour: 9, minute: 0)!]),
        ]
        #expect(
            problems.map(\.key) == [
                "evidence_empty", "evidence_too_large", "evidence_type", "evidence_content_type",
                "evidence_start_required",
            ])
        #expect(EvidenceProblem.tooLarge(limit: 10 << 20).message.contains("10 MB"))
        #expect(EvidenceProblem.startRequired([ClockTime(hour: 9, minute: 0)!]).message.contains("09:00"))
    }

    @Test func theNameIsKeptWithoutAPathOrControlsAndBounded() {
        let session = "G-S20240304"
        #expect(
            SessionEvidence.fileName("lista firmada 4 de marzo.pdf", session: session, type: .pdf)
                == "lista firmada 4 de marzo.pdf")
        #expect(SessionEvidence.fileName("C:\\Escaneos\\sesión 1.PNG", session: session, type: .png) == "sesión 1.PNG")
        #expect(SessionEvidence.fileName("../../etc/passwd", session: session, type: .pdf) == "passwd")
        #expect(
            SessionEvidence.fileName("a\u{0}b\u{1B}[31mc\nd.pdf", session: session, type: .pdf) == "a_b__31mc d.pdf")
        #expect(SessionEvidence.fileName("\u{202E}fdp.exe", session: session, type: .pdf) == "_fdp.exe")
        #expect(SessionEvidence.fileName(".oculto", session: session, type: .pdf) == "oculto")
        #expect(SessionEvidence.fileName(nil, session: session, type: .jpeg) == "lista-G-S20240304.jpg")
        #expect(SessionEvidence.fileName("///", session: session, type: .png) == "lista-G-S20240304.png")
        let long = SessionEvidence.fileName(String(repeating: "ñ", count: 500) + ".pdf", session: session, type: .pdf)
        #expect(long.count == SessionEvidence.fileNameLimit)
    }

    @Test func aDownloadIsNamedForWhatItIs() {
        var scan = SessionEvidence(
            id: 7, groupCode: "G", date: CalendarDate(year: 2024, month: 3, day: 4)!,
            startsAt: ClockTime(hour: 9, minute: 30), type: .png, fileName: "lista.pdf", size: 12,
            sha256: String(repeating: "a", count: 64), attachedBy: "ana", attachedAt: "2024-03-04T17:05:00Z")
        #expect(scan.sessionCode == "G-S20240304-0930")
        #expect(scan.downloadBaseName == "lista" && scan.type.fileExtension == "png")
        scan.fileName = ".pdf"
        #expect(scan.downloadBaseName == "lista-G-S20240304-0930")
        #expect(scan.shortSHA256.count == 12)
    }

    @Test func whoReachesAGroupsScans() {
        #expect(EvidenceAccess.of(role: "admin", callerAgency: nil, organizer: "SICT", assigned: false) == .full)
        #expect(EvidenceAccess.of(role: "enlace", callerAgency: "SICT", organizer: "SICT", assigned: false) == .full)
        #expect(EvidenceAccess.of(role: "enlace", callerAgency: "INM", organizer: "SICT", assigned: false) == nil)
        #expect(EvidenceAccess.of(role: "enlace", callerAgency: nil, organizer: "SICT", assigned: false) == nil)
        #expect(EvidenceAccess.of(role: "instructor", callerAgency: nil, organizer: "SICT", assigned: true) == .upload)
        #expect(EvidenceAccess.of(role: "instructor", callerAgency: nil, organizer: "SICT", assigned: false) == nil)
        #expect(EvidenceAccess.upload.seesFiles == false && EvidenceAccess.full.mayRemove)
    }

    @Test func sizesReadAsPeopleSayThem() {
        #expect(EvidenceProblem.size(10 << 20) == "10 MB")
        #expect(EvidenceProblem.size(1_572_864) == "1.5 MB")
        #expect(EvidenceProblem.size(35_000) == "34 KB")
        #expect(EvidenceProblem.size(800) == "800 bytes")
    }
}

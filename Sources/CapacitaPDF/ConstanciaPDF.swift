import CHaru
import Capacita
import CapacitaQR
import Dispatch
import Synchronization

/// A constancia as a one-page PDF, letter size, landscape: the institution and the programme, the
/// holder's name, the course with its hours and dates, the folio, the verification code and the
/// verification address, also as a QR symbol.
///
/// The bytes are the same every time for the same `ConstanciaDocument`: libharu writes no creation
/// date unless asked, no trailer ID unless the document is encrypted, and its font tags count from
/// the same start in every document. The service keeps the SHA-256 of what it gave out, so a copy
/// can be checked byte for byte; anything that changed the drawing (this file, libharu, the font)
/// makes a new PDF whose hash is recorded beside the old one (db/migrations/0028).
///
/// One font is embedded (DejaVu Serif, from fonts-dejavu-core; headings are drawn filled and
/// stroked, which looks bold without a second font). When every character of the document is in
/// Windows-1252, which holds every Spanish letter, the font is a simple TrueType font in that
/// encoding: about 43 KB and 6 ms a constancia (bench/RESULTS.md). A name with a letter outside it
/// (ő, ł, a saltillo) is drawn with the same font as UTF-8 (a CID font, for which libharu maps
/// every code point: about 1.5 times the bytes and four times the time), never dropped.
public enum ConstanciaPDF {
    public static let font = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

    // Letter landscape is 792 × 612 points.
    static let pageWidth: Float = 792
    static let pageHeight: Float = 612
    /// The text's left and right bound, inside the frame.
    static let margin: Float = 72
    /// One QR module in points: 2.5 pt is about 0.9 mm on paper and 5 pixels at 150 dpi.
    static let qrModule: Float = 2.5

    /// The PDF of `document`.
    public static func render(_ document: ConstanciaDocument) throws -> [UInt8] {
        let pdf = try HaruDocument()
        // The fixed words are all in Windows-1252; what the data brings decides.
        let texts = [
            document.holder.full, document.agencyName, document.courseTitle, document.courseLine,
            document.folio, document.code, document.verificationAddress, document.issuedOn,
        ]
        let encoding: Encoding = texts.allSatisfy { WindowsLatin1.bytes($0) != nil } ? .windowsLatin1 : .utf8
        let face = Face(font: try pdf.embedFont(font, encoding: encoding.name), encoding: encoding)
        try pdf.setTitle("Constancia \(document.folio)")
        let page = try pdf.addLetterPage(landscape: true)
        let writer = Writer(page: page, face: face)
        try frame(page)
        let width = pageWidth - 2 * margin
        var y = pageHeight - 78
        for line in try writer.wrapped(Constancia.institution, width: width, size: 9.5, lines: 3) {
            try writer.centered(line, y: y, size: 9.5)
            y -= 13
        }
        y -= 6
        try writer.centered(try writer.fitted(AttendanceSheet.programme, width: width, size: 12), y: y, size: 12)
        y -= 70
        try writer.centered("CONSTANCIA", y: y, size: 36, bold: true)
        y -= 40
        try writer.centered("que se otorga a", y: y, size: 12)
        y -= 46
        let nameSize = try writer.largestSize(document.holder.full, width: width, from: 26, to: 16)
        try writer.centered(
            try writer.fitted(document.holder.full, width: width, size: nameSize), y: y, size: nameSize, bold: true)
        y -= 24
        try writer.centered(try writer.fitted(document.agencyName, width: width, size: 12), y: y, size: 12)
        y -= 42
        try writer.centered("por haber acreditado el curso", y: y, size: 12)
        y -= 26
        for line in try writer.wrapped(document.courseTitle, width: width, size: 16, lines: 2) {
            try writer.centered(line, y: y, size: 16, bold: true)
            y -= 20
        }
        y -= 4
        for line in try writer.wrapped(document.courseLine, width: width, size: 12, lines: 2) {
            try writer.centered(line, y: y, size: 12)
            y -= 16
        }
        try footer(document, writer: writer)
        return try pdf.bytes()
    }

    /// `documents` drawn in order, on up to `threads` threads at once (each PDF is a libharu
    /// document of its own): what the command line's ZIP does with a machine's cores.
    public static func render(_ documents: [ConstanciaDocument], threads: Int) throws -> [[UInt8]] {
        let workers = max(1, min(threads, documents.count))
        let drawn = Mutex([Result<[UInt8], any Error>?](repeating: nil, count: documents.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: documents.count, by: workers) {
                let result = Result { try render(documents[index]) }
                drawn.withLock { $0[index] = result }
            }
        }
        return try drawn.withLock { $0 }.map { result in
            guard let result else { throw PDFError(step: "dibujar", status: 0, detail: 0) }
            return try result.get()
        }
    }

    /// A double rule around the page.
    static func frame(_ page: HaruPage) throws {
        try page.strokeRectangle(x: 28, y: 28, width: pageWidth - 56, height: pageHeight - 56, lineWidth: 2.4)
        try page.strokeRectangle(x: 35, y: 35, width: pageWidth - 70, height: pageHeight - 70, lineWidth: 0.7)
    }

    /// The folio, the code and the address on the left; the address as a QR symbol on the right.
    static func footer(_ document: ConstanciaDocument, writer: Writer) throws {
        let symbol = QRMatrix.modules(document.verificationAddress)
        let side = Float(symbol?.count ?? 0) * qrModule
        let textWidth = pageWidth - 2 * margin - side - 24
        var y: Float = 138
        let lines: [(String, String)] = [
            ("Folio: ", document.folio), ("Código de verificación: ", document.code),
            ("Fecha de emisión: ", document.issuedOn),
        ]
        for (label, value) in lines {
            try writer.text(label, x: margin, y: y, size: 11, bold: true)
            let labelWidth = try writer.width(label, size: 11)
            try writer.text(
                try writer.fitted(value, width: textWidth - labelWidth, size: 11), x: margin + labelWidth, y: y,
                size: 11)
            y -= 16
        }
        y -= 4
        try writer.text("Verifique esta constancia en", x: margin, y: y, size: 9.5)
        y -= 13
        try writer.text(
            try writer.fitted(document.verificationAddress, width: textWidth, size: 9.5), x: margin, y: y, size: 9.5)
        guard let symbol else { return }
        // The symbol's quiet zone lies inside the frame, clear of the text.
        let left = pageWidth - margin - side
        let top: Float = 60 + side
        try writer.page.fill(
            QRMatrix.runs(symbol).map { run in
                (
                    x: left + Float(run.column) * qrModule, y: top - Float(run.row + 1) * qrModule,
                    width: Float(run.length) * qrModule, height: qrModule
                )
            })
    }

    enum Encoding {
        case windowsLatin1, utf8

        var name: String {
            switch self {
            case .windowsLatin1: return "CP1252"
            case .utf8: return "UTF-8"
            }
        }
    }

    struct Face {
        let font: HPDF_Font
        let encoding: Encoding

        /// `text` as the font reads it, NUL-terminated. Control characters (a name never has one:
        /// the imports refuse them) are left out, so a NUL never cuts a string short.
        func bytes(_ text: String) -> [CChar] {
            let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 }))
            let encoded: [UInt8]
            switch encoding {
            case .windowsLatin1: encoded = WindowsLatin1.bytes(kept) ?? Array(kept.utf8)
            case .utf8: encoded = Array(kept.utf8)
            }
            return encoded.map { CChar(bitPattern: $0) } + [0]
        }
    }

    /// Drawing and measuring text in one face, each call checked.
    struct Writer {
        let page: HaruPage
        let face: Face

        var document: HaruDocument { page.document }

        func width(_ text: String, size: Float) throws -> Float {
            try document.check(HPDF_Page_SetFontAndSize(page.page, face.font, size), "fuente")
            let width = face.bytes(text).withUnsafeBufferPointer { HPDF_Page_TextWidth(page.page, $0.baseAddress) }
            try document.checkErrors("medir texto")
            return width
        }

        func text(_ text: String, x: Float, y: Float, size: Float, bold: Bool = false) throws {
            guard !text.isEmpty else { return }
            try document.check(HPDF_Page_BeginText(page.page), "texto")
            try document.check(HPDF_Page_SetFontAndSize(page.page, face.font, size), "fuente")
            if bold {
                try document.check(HPDF_Page_SetLineWidth(page.page, size / 36), "línea")
                try document.check(HPDF_Page_SetTextRenderingMode(page.page, HPDF_FILL_THEN_STROKE), "negrita")
            }
            let status = face.bytes(text).withUnsafeBufferPointer { HPDF_Page_TextOut(page.page, x, y, $0.baseAddress) }
            try document.check(status, "texto")
            if bold { try document.check(HPDF_Page_SetTextRenderingMode(page.page, HPDF_FILL), "negrita") }
            try document.check(HPDF_Page_EndText(page.page), "texto")
        }

        func centered(_ text: String, y: Float, size: Float, bold: Bool = false) throws {
            let width = try self.width(text, size: size)
            try self.text(text, x: (ConstanciaPDF.pageWidth - width) / 2, y: y, size: size, bold: bold)
        }

        /// The largest size from `from` down to `to` (in steps of one point) at which `text` fits.
        func largestSize(_ text: String, width: Float, from: Float, to: Float) throws -> Float {
            let text = String(text.prefix(HaruPage.longestLine))
            var size = from
            while size > to, try self.width(text, size: size) > width { size -= 1 }
            return size
        }

        /// `text` cut to `width` with an ellipsis, by halving as `HaruPage.fitted` does.
        func fitted(_ text: String, width: Float, size: Float) throws -> String {
            let characters = Array(text.prefix(HaruPage.longestLine + 1))
            if characters.count <= HaruPage.longestLine, try self.width(text, size: size) <= width { return text }
            func candidate(_ count: Int) -> String { String(characters.prefix(count)).trimmingTrailingSpaces() + "…" }
            var low = 0
            var high = characters.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if try self.width(candidate(middle), size: size) <= width {
                    low = middle
                } else {
                    high = middle - 1
                }
            }
            return low == 0 ? "…" : candidate(low)
        }

        /// `text` in at most `lines` lines of `width`, broken between words; the last line cut with an
        /// ellipsis when the text does not fit.
        func wrapped(_ text: String, width: Float, size: Float, lines: Int) throws -> [String] {
            let words = String(text.prefix(HaruPage.longestLine)).split(separator: " ").map(String.init)
            var result: [String] = []
            var current = ""
            var index = 0
            while index < words.count {
                let candidate = current.isEmpty ? words[index] : current + " " + words[index]
                let fits = try current.isEmpty || self.width(candidate, size: size) <= width
                if fits {
                    current = candidate
                    index += 1
                    continue
                }
                if result.count == lines - 1 { break }
                result.append(current)
                current = ""
            }
            if index < words.count {
                current += " " + words[index...].joined(separator: " ")
            }
            if !current.isEmpty { result.append(try fitted(current, width: width, size: size)) }
            return result
        }
    }
}

/// Windows-1252, the single-byte encoding of libharu's "CP1252": ASCII, Latin-1's letters (every
/// Spanish one among them) and a few signs in 0x80-0x9F. nil when a character is not in it.
enum WindowsLatin1 {
    static let extra: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    static func bytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x80, 0xA0...0xFF: bytes.append(UInt8(scalar.value))
            default:
                guard let byte = extra[scalar.value] else { return nil }
                bytes.append(byte)
            }
        }
        return bytes
    }
}

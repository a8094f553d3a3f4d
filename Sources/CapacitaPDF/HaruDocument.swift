import CHaru

/// What went wrong while libharu wrote a document: the step, and libharu's error and detail
/// numbers (hpdf_error.h lists them).
public struct PDFError: Error, Sendable, CustomStringConvertible {
    public var step: String
    public var status: UInt
    public var detail: UInt

    public var description: String {
        "no se pudo escribir el PDF (\(step): error libharu 0x\(String(status, radix: 16, uppercase: true)), detalle \(detail))"
    }
}

/// The first error libharu reports for a document. libharu calls its handler and then returns an
/// error status to the caller; the default handler of many bindings jumps or exits instead, so
/// this one only writes down what it was told, and every call's status is checked after.
final class HaruErrors {
    var status: UInt = 0
    var detail: UInt = 0
}

/// One libharu document, freed when the value goes: the calls the renderers need, each checked.
final class HaruDocument {
    let pdf: HPDF_Doc
    private let errors: HaruErrors

    /// The document with its error handler installed, compressing every stream (the embedded
    /// fonts are most of a list's bytes) and reading text as UTF-8.
    init() throws {
        let errors = HaruErrors()
        let handler: HPDF_Error_Handler = { status, detail, data in
            guard let data else { return }
            let errors = Unmanaged<HaruErrors>.fromOpaque(data).takeUnretainedValue()
            // The first error is the cause; later ones follow from it.
            if errors.status == 0 {
                errors.status = UInt(status)
                errors.detail = UInt(detail)
            }
        }
        guard let pdf = HPDF_New(handler, Unmanaged.passUnretained(errors).toOpaque()) else {
            throw PDFError(step: "crear el documento", status: 0, detail: 0)
        }
        self.pdf = pdf
        self.errors = errors
        try check(HPDF_SetCompressionMode(pdf, HPDF_UINT(HPDF_COMP_ALL)), "comprimir")
        try check(HPDF_UseUTFEncodings(pdf), "UTF-8")
    }

    deinit {
        HPDF_Free(pdf)
    }

    /// Throws when `status` is not HPDF_OK or the handler saw an error since the document began.
    func check(_ status: HPDF_STATUS, _ step: String) throws {
        guard status == HPDF_STATUS(HPDF_OK), errors.status == 0 else {
            throw PDFError(step: step, status: errors.status == 0 ? UInt(status) : errors.status, detail: errors.detail)
        }
    }

    /// Throws when the handler saw an error: for the calls that answer a value, not a status.
    func checkErrors(_ step: String) throws {
        try check(HPDF_STATUS(HPDF_OK), step)
    }

    /// A TrueType font embedded in the document, read as UTF-8 (or as `encoding`, one of libharu's
    /// single-byte encodings such as "CP1252").
    func embedFont(_ path: String, encoding: String = "UTF-8") throws -> HPDF_Font {
        guard let name = HPDF_LoadTTFontFromFile(pdf, path, HPDF_BOOL(HPDF_TRUE)) else {
            throw PDFError(step: "cargar la fuente \(path)", status: errors.status, detail: errors.detail)
        }
        try checkErrors("cargar la fuente \(path)")
        guard let font = HPDF_GetFont(pdf, name, encoding) else {
            throw PDFError(step: "usar la fuente \(path)", status: errors.status, detail: errors.detail)
        }
        try checkErrors("usar la fuente \(path)")
        return font
    }

    /// A new letter-size page, portrait unless `landscape`.
    func addLetterPage(landscape: Bool = false) throws -> HaruPage {
        guard let page = HPDF_AddPage(pdf) else {
            throw PDFError(step: "agregar una página", status: errors.status, detail: errors.detail)
        }
        try check(
            HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_LETTER, landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT),
            "tamaño carta")
        return HaruPage(page: page, document: self)
    }

    func setTitle(_ title: String) throws {
        try check(HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, title), "título")
        try check(HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "capacita"), "creador")
    }

    /// The document's bytes, written to libharu's memory stream and read back whole.
    func bytes() throws -> [UInt8] {
        try check(HPDF_SaveToStream(pdf), "escribir")
        let size = Int(HPDF_GetStreamSize(pdf))
        try checkErrors("medir")
        try check(HPDF_ResetStream(pdf), "releer")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < size {
            var read = HPDF_UINT32(min(chunk.count, size - bytes.count))
            let status = chunk.withUnsafeMutableBufferPointer { buffer in
                HPDF_ReadFromStream(pdf, buffer.baseAddress, &read)
            }
            // libharu answers HPDF_STREAM_EOF with the last bytes read: the end, not an error.
            let atEnd = status == HPDF_STATUS(HPDF_STREAM_EOF)
            if !atEnd { try check(status, "leer") }
            guard read > 0 else { break }
            bytes.append(contentsOf: chunk[0..<Int(read)])
            if atEnd { break }
        }
        guard bytes.count == size else { throw PDFError(step: "leer", status: 0, detail: UInt(bytes.count)) }
        return bytes
    }
}

/// A page of a `HaruDocument`; each drawing call checked.
struct HaruPage {
    let page: HPDF_Page
    let document: HaruDocument

    /// `text` with its left end at (x, y), in points from the page's lower left corner.
    func text(_ text: String, x: Float, y: Float, font: HPDF_Font, size: Float) throws {
        guard !text.isEmpty else { return }
        try document.check(HPDF_Page_BeginText(page), "texto")
        try document.check(HPDF_Page_SetFontAndSize(page, font, size), "fuente")
        try document.check(HPDF_Page_TextOut(page, x, y, text), "texto")
        try document.check(HPDF_Page_EndText(page), "texto")
    }

    /// The width of `text` in the page's current font and size.
    func width(_ text: String, font: HPDF_Font, size: Float) throws -> Float {
        try document.check(HPDF_Page_SetFontAndSize(page, font, size), "fuente")
        let width = HPDF_Page_TextWidth(page, text)
        try document.checkErrors("medir texto")
        return width
    }

    /// `text` cut to fit `width` points, with an ellipsis when it was cut.
    func fitted(_ text: String, width: Float, font: HPDF_Font, size: Float) throws -> String {
        // No line of a letter page holds more than a few hundred characters at any size used here,
        // so a longer value is cut first: the cost below never grows with what a file carried.
        let characters = Array(text.prefix(Self.longestLine + 1))
        if characters.count <= Self.longestLine, try self.width(text, font: font, size: size) <= width { return text }
        func candidate(_ count: Int) -> String { String(characters.prefix(count)).trimmingTrailingSpaces() + "…" }
        // The longest prefix that fits with its ellipsis, by halving (widths grow with length).
        var low = 0
        var high = characters.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if try self.width(candidate(middle), font: font, size: size) <= width {
                low = middle
            } else {
                high = middle - 1
            }
        }
        if low == 0 { return try self.width("…", font: font, size: size) <= width ? "…" : "" }
        return candidate(low)
    }

    static let longestLine = 400

    func strokeRectangle(x: Float, y: Float, width: Float, height: Float, lineWidth: Float = 0.6) throws {
        try document.check(HPDF_Page_SetLineWidth(page, lineWidth), "línea")
        try document.check(HPDF_Page_Rectangle(page, x, y, width, height), "rectángulo")
        try document.check(HPDF_Page_Stroke(page), "trazo")
    }

    func line(from: (Float, Float), to: (Float, Float), lineWidth: Float = 0.6) throws {
        try document.check(HPDF_Page_SetLineWidth(page, lineWidth), "línea")
        try document.check(HPDF_Page_MoveTo(page, from.0, from.1), "línea")
        try document.check(HPDF_Page_LineTo(page, to.0, to.1), "línea")
        try document.check(HPDF_Page_Stroke(page), "trazo")
    }

    /// Black rectangles filled as one path: a QR symbol's dark runs.
    func fill(_ rectangles: [(x: Float, y: Float, width: Float, height: Float)]) throws {
        guard !rectangles.isEmpty else { return }
        try document.check(HPDF_Page_SetGrayFill(page, 0), "relleno")
        for r in rectangles {
            try document.check(HPDF_Page_Rectangle(page, r.x, r.y, r.width, r.height), "rectángulo")
        }
        try document.check(HPDF_Page_Fill(page), "relleno")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

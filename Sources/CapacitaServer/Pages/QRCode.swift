import CQRencode

/// The two-factor enrollment's otpauth:// URI as a QR code, encoded by Debian's libqrencode and
/// drawn on the server as an SVG the page inlines: no script, no image request, nothing a strict
/// Content-Security-Policy would block. The page also shows the key as text for who cannot scan.
enum QRCode {
    /// An otpauth:// URI is well under 200 bytes; the bound keeps a symbol small enough to scan
    /// from a screen and the work per request small, whatever reaches this function.
    static let maximumBytes = 512

    /// Modules of light margin on every side: the four the QR specification asks for, so a reader
    /// finds the symbol whatever the page's background is.
    static let quietZone = 4

    /// The symbol's modules, row by row (`true` is dark), without the quiet zone; nil when `text`
    /// is empty, longer than `maximumBytes` in UTF-8, or libqrencode cannot encode it.
    static func modules(_ text: String) -> [[Bool]]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumBytes else { return nil }
        // Byte mode takes the UTF-8 as it is (a NUL included, unlike the C-string functions);
        // level M survives a smudged or partly reflective screen; version 0 picks the smallest.
        let encoded = bytes.withUnsafeBufferPointer { buffer -> UnsafeMutablePointer<QRcode>? in
            guard let base = buffer.baseAddress else { return nil }
            return QRcode_encodeData(Int32(buffer.count), base, 0, QR_ECLEVEL_M)
        }
        guard let code = encoded else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Versions 1 to 40 are 21 to 177 modules wide; anything else is not read as a matrix.
        guard (21...177).contains(width), (width - 17) % 4 == 0, let data = code.pointee.data else { return nil }
        return (0..<width).map { row in
            (0..<width).map { column in data[row * width + column] & 1 == 1 }
        }
    }

    /// A standalone SVG of `text`'s symbol, scaled by its viewBox (one unit per module, the quiet
    /// zone included) to whatever size the page gives it; nil where `modules` is nil.
    static func svg(_ text: String) -> String? {
        guard let matrix = modules(text) else { return nil }
        let side = matrix.count + 2 * quietZone
        // Each row's dark runs as rectangles one module high: the same squares as one per module,
        // a third of the bytes, and no seams between neighbours for a renderer to antialias.
        var path = ""
        for (row, modules) in matrix.enumerated() {
            var column = 0
            while column < modules.count {
                guard modules[column] else {
                    column += 1
                    continue
                }
                let start = column
                while column < modules.count, modules[column] { column += 1 }
                path += "M\(start + quietZone) \(row + quietZone)h\(column - start)v1h-\(column - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 \(side) \(side)" \
            role="img" aria-label="Código QR para la aplicación de autenticación" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#ffffff"/>\
            <path fill="#000000" d="\(path)"/></svg>
            """
    }
}

import CapacitaQR

/// The two-factor enrollment's otpauth:// URI as a QR code, encoded by Debian's libqrencode
/// (`CapacitaQR`, shared with the PDF documents) and drawn on the server as an SVG the page
/// inlines: no script, no image request, nothing a strict Content-Security-Policy would block. The
/// page also shows the key as text for who cannot scan.
enum QRCode {
    static let maximumBytes = QRMatrix.maximumBytes
    static let quietZone = QRMatrix.quietZone

    /// The symbol's modules (`QRMatrix.modules`).
    static func modules(_ text: String) -> [[Bool]]? {
        QRMatrix.modules(text, maximumBytes: maximumBytes)
    }

    /// A standalone SVG of `text`'s symbol, scaled by its viewBox (one unit per module, the quiet
    /// zone included) to whatever size the page gives it; nil where `modules` is nil.
    static func svg(_ text: String) -> String? {
        guard let matrix = modules(text) else { return nil }
        let side = matrix.count + 2 * quietZone
        let path = QRMatrix.runs(matrix).map { run in
            "M\(run.column + quietZone) \(run.row + quietZone)h\(run.length)v1h-\(run.length)z"
        }.joined()
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 \(side) \(side)" \
            role="img" aria-label="Código QR para la aplicación de autenticación" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#ffffff"/>\
            <path fill="#000000" d="\(path)"/></svg>
            """
    }
}

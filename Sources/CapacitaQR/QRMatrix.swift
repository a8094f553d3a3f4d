import CQRencode

/// A QR symbol's modules, encoded by Debian's libqrencode: what the pages draw as SVG and the PDF
/// documents draw as filled squares, so both show the same symbol for the same text.
public enum QRMatrix {
    /// The default bound: an otpauth:// URI or a session's code is well under it, and a symbol for
    /// this many bytes still scans from a screen or a printed page.
    public static let maximumBytes = 512

    /// Modules of light margin on every side: the four the QR specification asks for, so a reader
    /// finds the symbol whatever surrounds it.
    public static let quietZone = 4

    /// The symbol's modules, row by row (`true` is dark), without the quiet zone; nil when `text`
    /// is empty, longer than `maximumBytes` in UTF-8, or libqrencode cannot encode it.
    public static func modules(_ text: String, maximumBytes: Int = QRMatrix.maximumBytes) -> [[Bool]]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumBytes else { return nil }
        // Byte mode takes the UTF-8 as it is (a NUL included, unlike the C-string functions);
        // level M survives a smudged screen or a creased page; version 0 picks the smallest.
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

    /// Each row's dark runs as (row, first column, length): the same squares as one per module,
    /// far fewer shapes, and no seams between neighbours for a renderer to antialias.
    public static func runs(_ matrix: [[Bool]]) -> [(row: Int, column: Int, length: Int)] {
        var runs: [(row: Int, column: Int, length: Int)] = []
        for (row, modules) in matrix.enumerated() {
            var column = 0
            while column < modules.count {
                guard modules[column] else {
                    column += 1
                    continue
                }
                let start = column
                while column < modules.count, modules[column] { column += 1 }
                runs.append((row, start, column - start))
            }
        }
        return runs
    }
}

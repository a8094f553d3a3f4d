import CHaru
import Capacita
import CapacitaQR

/// Listas de asistencia as one PDF, letter size: for each session a set of pages, each with the
/// header that names the session, numbered rows to sign, and a footer with "Página i de n" (of
/// that session's set), the session's code and the code as a QR symbol, so a scanned page is
/// matched to its session.
public enum AttendanceSheetPDF {
    /// The fonts embedded (Debian's fonts-dejavu-core): every Spanish letter, and free to embed.
    public static let regularFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    public static let boldFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    // Letter is 612 × 792 points; half an inch of margin leaves room for a printer's edge.
    static let pageWidth: Float = 612
    static let pageHeight: Float = 792
    static let margin: Float = 36
    static let rowHeight: Float = 24
    /// Where the table starts below the header and where it must end above the footer.
    static let tableTop: Float = 596
    static let tableBottom: Float = 124
    /// One QR module in points: 2 pt is 4 pixels at 150 dpi and about 0.7 mm on paper, well above
    /// what a phone or a desk scanner resolves.
    static let qrModule: Float = 2

    /// Rows a page holds under the table's heading row.
    static var rowsPerPage: Int { Int((tableTop - tableBottom) / rowHeight) - 1 }

    /// The columns: the row's number, the name, the agency, the tier, the signature box.
    static let columns: [(title: String, width: Float)] = [
        ("Núm.", 32), ("Nombre", 218), ("Dependencia", 92), ("Nivel de mando", 86), ("Firma", 112),
    ]

    /// The pages each sheet takes: its rows and blank rows, never less than one page.
    public static func pageCount(_ sheet: AttendanceSheet) -> Int {
        let lines = sheet.rows.count + sheet.blankRows
        return max(1, (lines + rowsPerPage - 1) / rowsPerPage)
    }

    /// The PDF of `sheets`, one page set after another.
    public static func render(_ sheets: [AttendanceSheet]) throws -> [UInt8] {
        let document = try HaruDocument()
        let regular = try document.embedFont(regularFont)
        let bold = try document.embedFont(boldFont)
        try document.setTitle(
            sheets.count == 1 ? "Lista de asistencia \(sheets[0].sessionCode)" : "Listas de asistencia")
        for sheet in sheets {
            let pages = pageCount(sheet)
            let symbol = QRMatrix.modules(sheet.sessionCode)
            for index in 0..<pages {
                let page = try document.addLetterPage()
                try header(sheet, on: page, regular: regular, bold: bold)
                let first = index * rowsPerPage
                try table(sheet, from: first, on: page, regular: regular, bold: bold)
                try footer(
                    sheet, page: index + 1, of: pages, symbol: symbol, on: page, regular: regular, bold: bold)
            }
        }
        return try document.bytes()
    }

    static func header(_ sheet: AttendanceSheet, on page: HaruPage, regular: HPDF_Font, bold: HPDF_Font) throws {
        let width = pageWidth - 2 * margin
        var y = pageHeight - margin - 10
        try page.text(
            try page.fitted(AttendanceSheet.programme, width: width, font: bold, size: 10), x: margin, y: y,
            font: bold, size: 10)
        y -= 22
        try page.text("Lista de asistencia", x: margin, y: y, font: bold, size: 16)
        y -= 22
        let fields: [(String, String)] = [
            ("Curso", sheet.course.isEmpty ? "—" : sheet.course),
            ("Grupo", sheet.groupCode),
            ("Fecha y horario", sheet.when),
            ("Lugar", sheet.place.isEmpty ? "—" : sheet.place),
            (
                sheet.instructors.count > 1 ? "Instructores" : "Instructor",
                sheet.instructors.isEmpty
                    ? "—" : sheet.instructors.joined(separator: ", ")
            ),
        ]
        let labelWidth: Float = 96
        for (label, value) in fields {
            try page.text(label + ":", x: margin, y: y, font: bold, size: 9.5)
            try page.text(
                try page.fitted(value, width: width - labelWidth, font: regular, size: 9.5), x: margin + labelWidth,
                y: y, font: regular, size: 9.5)
            y -= 15
        }
    }

    static func table(
        _ sheet: AttendanceSheet, from first: Int, on page: HaruPage, regular: HPDF_Font, bold: HPDF_Font
    ) throws {
        let total = sheet.rows.count + sheet.blankRows
        let last = min(first + rowsPerPage, total)
        var y = tableTop
        // The heading row.
        var x = margin
        for column in columns {
            try page.strokeRectangle(x: x, y: y - rowHeight, width: column.width, height: rowHeight, lineWidth: 0.8)
            try page.text(column.title, x: x + 4, y: y - rowHeight + 8, font: bold, size: 8.5)
            x += column.width
        }
        y -= rowHeight
        for line in first..<max(first, last) {
            x = margin
            let row = line < sheet.rows.count ? sheet.rows[line] : nil
            let cells = [
                String(line + 1), row?.name ?? "", row?.agencyCode ?? "", row.map { tierLabel($0.tier) } ?? "", "",
            ]
            for (column, cell) in zip(columns, cells) {
                try page.strokeRectangle(x: x, y: y - rowHeight, width: column.width, height: rowHeight)
                let text = try page.fitted(cell, width: column.width - 8, font: regular, size: 9)
                try page.text(text, x: x + 4, y: y - rowHeight + 8, font: regular, size: 9)
                x += column.width
            }
            y -= rowHeight
        }
    }

    static func footer(
        _ sheet: AttendanceSheet, page number: Int, of pages: Int, symbol: [[Bool]]?, on page: HaruPage,
        regular: HPDF_Font, bold: HPDF_Font
    ) throws {
        let base = margin
        try page.line(from: (margin, tableBottom - 8), to: (pageWidth - margin, tableBottom - 8), lineWidth: 0.4)
        try page.text("Página \(number) de \(pages)", x: margin, y: base + 44, font: bold, size: 10)
        try page.text("Sesión: \(sheet.sessionCode)", x: margin, y: base + 28, font: regular, size: 9)
        try page.text(
            "Quien firma confirma su asistencia a esta sesión.", x: margin, y: base + 12, font: regular, size: 8)
        guard let symbol else { return }
        // The symbol in the lower right corner, its quiet zone inside the margin.
        let side = Float(symbol.count) * qrModule
        let left = pageWidth - margin - side
        let top = base + side
        try page.fill(
            QRMatrix.runs(symbol).map { run in
                (
                    x: left + Float(run.column) * qrModule, y: top - Float(run.row + 1) * qrModule,
                    width: Float(run.length) * qrModule, height: qrModule
                )
            })
    }

    /// The tier as the lists print it.
    static func tierLabel(_ tier: Tier) -> String {
        switch tier {
        case .alto: return "Alto"
        case .medio: return "Medio"
        case .operativo: return "Operativo"
        }
    }
}

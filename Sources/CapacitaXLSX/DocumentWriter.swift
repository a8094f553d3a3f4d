import Capacita
import CapacitaOutput
import Foundation

/// Writes a `WorkbookDocument` as an .xlsx file: a Spanish header row, frozen and filtered;
/// numbers as numbers, percentages as fractions with a percent format, days as dates; column
/// widths fitted to what they hold.
public enum DocumentWriter {
    /// Column widths in characters: at least a short header's, at most what a screen shows.
    static let minimumWidth = 6
    static let maximumWidth = 60

    public static func write(_ document: WorkbookDocument, to path: String) throws {
        for sheet in document.sheets {
            if case .table(let table) = sheet.content, table.rows.count + 1 > XLSXBook.maxRows {
                throw WorkbookWriteError.tooManyRows(sheet: sheet.name, rows: table.rows.count + 1)
            }
        }
        // Rows go out in order, so the book streams them: a long list does not sit in memory twice.
        let book = try XLSXBook(path: path, streaming: true)
        for sheet in document.sheets {
            let target = try book.addSheet(sheet.name)
            switch sheet.content {
            case .table(let table): try write(table, on: target, labelled: !sheet.headerAsWritten)
            case .fields(let title, let fields): try write(fields, title: title, on: target)
            }
        }
        try book.close()
    }

    /// The same document as bytes, for a response body: written to a temporary file first
    /// (libxlsxwriter writes files only), which is removed before returning.
    public static func data(_ document: WorkbookDocument) throws -> Data {
        let path = XLSXBook.temporaryFolder + "/respuesta-\(UUID().uuidString).xlsx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(document, to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    private static func write(_ table: Table, on sheet: XLSXSheet, labelled: Bool) throws {
        let headers = labelled ? table.columns.map(Labels.header) : table.columns
        var widths = headers.map { $0.count }
        for (column, header) in headers.enumerated() {
            try sheet.write(header, row: 0, column: column, style: .header)
        }
        for (index, row) in table.rows.enumerated() {
            for (column, cell) in row.enumerated() {
                let shown = try write(cell, on: sheet, row: index + 1, column: column)
                if column < widths.count { widths[column] = max(widths[column], shown) }
            }
        }
        // Widths are column settings, not cells, so they may follow the rows even when streaming.
        for (column, width) in widths.enumerated() {
            try sheet.width(fitted(width), columns: column...column)
        }
        sheet.freezeHeader()
        try sheet.printSetup(headerRows: 1)
        if !table.columns.isEmpty { try sheet.filter(lastRow: table.rows.count, lastColumn: table.columns.count - 1) }
    }

    private static func write(_ fields: [WorkbookSheet.Field], title: String?, on sheet: XLSXSheet) throws {
        var row = 0
        if let title {
            try sheet.write(title, row: 0, column: 0, style: .title)
            row = 2
        }
        try sheet.write(Labels.header("field"), row: row, column: 0, style: .header)
        try sheet.write(Labels.header("value"), row: row, column: 1, style: .header)
        var widths = [Labels.header("field").count, Labels.header("value").count]
        for field in fields {
            row += 1
            let label = Labels.header(field.key)
            try sheet.write(label, row: row, column: 0, style: .text)
            widths[0] = max(widths[0], label.count)
            widths[1] = max(widths[1], try write(field.value, on: sheet, row: row, column: 1))
        }
        try sheet.width(fitted(widths[0]), columns: 0...0)
        try sheet.width(fitted(widths[1]), columns: 1...1)
        sheet.freezeHeader(rows: title == nil ? 1 : 3)
        try sheet.printSetup(headerRows: 0)
    }

    /// Writes one cell by its type; returns how many characters it shows, for the width.
    @discardableResult
    static func write(_ cell: Cell, on sheet: XLSXSheet, row: Int, column: Int) throws -> Int {
        switch cell {
        case .int(let value):
            try sheet.write(number: Double(value), row: row, column: column, style: .integer)
        case .decimal(let value):
            try sheet.write(
                number: double(value.value), row: row, column: column, style: .decimal(places: value.places))
        case .percentage(let value):
            // 12.50 (per cent) is the fraction 0.125 shown as «12.50%».
            try sheet.write(
                number: double(value.value) / 100, row: row, column: column, style: .percent(places: value.places))
            return cell.display.count + 1
        case .amount(let value):
            try sheet.write(number: double(value.value), row: row, column: column)
        case .bool(let value):
            try sheet.write(bool: value, row: row, column: column)
            return 10
        case .date(let text):
            // Excel's serial days start in 1900: an earlier day stays its text, never «####».
            if let day = CalendarDate.parse(text), day.year >= 1900 {
                try sheet.write(year: day.year, month: day.month, day: day.day, row: row, column: column)
            } else {
                try sheet.write(text, row: row, column: column)
            }
        case .null:
            return 0
        case .text, .code, .list, .codes, .nd, .na:
            // Written as text cells, never as formulas: a name beginning with «=» stays a name.
            try sheet.write(cell.display, row: row, column: column)
        }
        return cell.display.count
    }

    static func fitted(_ characters: Int) -> Double {
        Double(min(max(characters, minimumWidth), maximumWidth) + 2)
    }

    static func double(_ value: Decimal) -> Double {
        NSDecimalNumber(decimal: value).doubleValue
    }
}

import CXLSXWriter
import Foundation

/// What went wrong writing a workbook, in Spanish, naming the file or the sheet.
public enum WorkbookWriteError: Error, Equatable, CustomStringConvertible {
    case cannotCreate(path: String)
    case tooManyRows(sheet: String, rows: Int)
    case library(String, sheet: String?)

    public var description: String {
        switch self {
        case .cannotCreate(let path): return "no se pudo crear el libro «\(path)»"
        case .tooManyRows(let sheet, let rows):
            return
                "la hoja «\(sheet)» tendría \(rows) filas y un libro admite \(XLSXBook.maxRows); use --format csv"
        case .library(let message, let sheet):
            return "no se pudo escribir el libro" + (sheet.map { " (hoja «\($0)»)" } ?? "") + ": \(message)"
        }
    }

    /// libxlsxwriter's error, said in Spanish (its own text is English).
    static func from(_ code: lxw_error, sheet: String?) -> WorkbookWriteError {
        let message: String
        switch code {
        case LXW_ERROR_MEMORY_MALLOC_FAILED: message = "no hay memoria suficiente"
        case LXW_ERROR_CREATING_TMPFILE, LXW_ERROR_READING_TMPFILE:
            message = "no se pudo usar un archivo temporal (¿hay espacio en disco?)"
        case LXW_ERROR_ZIP_FILE_OPERATION, LXW_ERROR_ZIP_FILE_ADD, LXW_ERROR_ZIP_CLOSE, LXW_ERROR_ZIP_INTERNAL_ERROR,
            LXW_ERROR_ZIP_PARAMETER_ERROR, LXW_ERROR_ZIP_BAD_ZIP_FILE:
            message = "no se pudo escribir el archivo comprimido (¿hay espacio en disco?)"
        case LXW_ERROR_SHEETNAME_ALREADY_USED: message = "dos hojas tendrían el mismo nombre"
        case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED, LXW_ERROR_INVALID_SHEETNAME_CHARACTER,
            LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
            message = "el nombre de la hoja no es válido en Excel"
        case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED, LXW_ERROR_32_STRING_LENGTH_EXCEEDED,
            LXW_ERROR_128_STRING_LENGTH_EXCEEDED, LXW_ERROR_255_STRING_LENGTH_EXCEEDED:
            message = "un texto pasa del largo que admite Excel"
        case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE: message = "una celda queda fuera de las filas o columnas de Excel"
        default: message = "error \(code.rawValue) de libxlsxwriter"
        }
        return .library(message, sheet: sheet)
    }
}

/// The cell formats a sheet uses, each made once per workbook.
enum CellStyle: Hashable {
    case header
    case text
    case integer
    /// Fixed places.
    case decimal(places: Int)
    /// A fraction shown as a percentage with fixed places.
    case percent(places: Int)
    case date
    /// Long text that wraps (the explanation sheet).
    case wrapped
    case title
}

/// One workbook written by libxlsxwriter, a thin layer that keeps C pointers and error codes out
/// of the rest. One task writes it from `init` to `close`; nothing is on disk until `close`.
public final class XLSXBook {
    /// Excel's limits: rows per sheet, characters per cell, characters in a sheet name.
    public static let maxRows = 1_048_576
    static let maxCellCharacters = 32_767
    static let maxSheetName = 31

    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var closed = false
    let path: String
    /// libxlsxwriter writes here, beside `path`; only a workbook that closed whole is renamed to
    /// `path`, so a failure never leaves half a file, nor replaces the one already there.
    private let partial: String

    /// `streaming` writes each row to a temporary file as it goes (libxlsxwriter's constant
    /// memory mode): rows must then come in order, which a table's do.
    init(path: String, streaming: Bool) throws {
        self.path = path
        // Checked first so the error is ours, in Spanish, rather than libxlsxwriter's line on stderr.
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
            throw WorkbookWriteError.cannotCreate(path: path)
        }
        let partial = (folder.isEmpty ? "" : folder + "/") + ".capacita-\(UUID().uuidString).xlsx.part"
        self.partial = partial
        let made: UnsafeMutablePointer<lxw_workbook>? = XLSXBook.temporaryFolder.withCString { tmp in
            var options = lxw_workbook_options(
                constant_memory: streaming ? 1 : 0, tmpdir: UnsafeMutablePointer(mutating: tmp), use_zip64: 1)
            return workbook_new_opt(partial, &options)
        }
        guard let made else { throw WorkbookWriteError.cannotCreate(path: path) }
        workbook = made
    }

    deinit {
        // Abandoned after an error: freed without writing anything.
        if !closed { lxw_workbook_free(workbook) }
    }

    /// Where libxlsxwriter keeps a streaming sheet's rows and a response's workbook is written:
    /// a folder of this process's own, readable by its user only (the rows may hold CURPs).
    static let temporaryFolder: String = {
        let folder = NSTemporaryDirectory() + "capacita-xlsx-\(getpid())"
        try? FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }()

    func addSheet(_ name: String) throws -> XLSXSheet {
        let safe = XLSXBook.sheetName(name)
        let valid = workbook_validate_sheet_name(workbook, safe)
        guard valid == LXW_NO_ERROR else { throw WorkbookWriteError.from(valid, sheet: safe) }
        guard let sheet = workbook_add_worksheet(workbook, safe) else {
            throw WorkbookWriteError.from(LXW_ERROR_CREATING_TMPFILE, sheet: safe)
        }
        return XLSXSheet(sheet: sheet, name: safe, book: self)
    }

    func close() throws {
        closed = true
        let result = workbook_close(workbook)
        guard result == LXW_NO_ERROR else {
            try? FileManager.default.removeItem(atPath: partial)
            if result == LXW_ERROR_CREATING_XLSX_FILE { throw WorkbookWriteError.cannotCreate(path: path) }
            throw WorkbookWriteError.from(result, sheet: nil)
        }
        if rename(partial, path) != 0 {
            try? FileManager.default.removeItem(atPath: partial)
            throw WorkbookWriteError.cannotCreate(path: path)
        }
    }

    func format(_ style: CellStyle) -> UnsafeMutablePointer<lxw_format> {
        if let made = formats[style] { return made }
        let format = workbook_add_format(workbook)!
        switch style {
        case .header:
            format_set_bold(format)
            format_set_bg_color(format, 0xDDE4EE)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .text: format_set_num_format(format, "@")
        case .integer: format_set_num_format(format, "0")
        case .decimal(let places): format_set_num_format(format, places > 0 ? "0." + zeros(places) : "0")
        case .percent(let places): format_set_num_format(format, (places > 0 ? "0." + zeros(places) : "0") + "%")
        case .date: format_set_num_format(format, "yyyy-mm-dd")
        case .wrapped:
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .title:
            format_set_bold(format)
            format_set_font_size(format, 13)
        }
        formats[style] = format
        return format
    }

    private func zeros(_ count: Int) -> String { String(repeating: "0", count: count) }

    /// Excel refuses `[]:*?/\` in a sheet name, an apostrophe at either end and more than 31
    /// characters.
    static func sheetName(_ name: String) -> String {
        let banned: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        let ends = CharacterSet.whitespaces.union(["'"])
        let cleaned = String(name.map { banned.contains($0) ? "-" : $0 }).trimmingCharacters(in: ends)
        let short = prefix(cleaned, units: maxSheetName).trimmingCharacters(in: ends)
        return short.isEmpty ? "Hoja1" : short
    }

    /// The longest start of `text` within `units` UTF-16 code units (Excel's measure, never
    /// smaller than libxlsxwriter's count of code points), whole characters only.
    static func prefix(_ text: String, units: Int) -> String {
        guard text.utf16.count > units else { return text }
        var kept = ""
        var used = 0
        for character in text {
            let size = character.utf16.count
            if used + size > units { break }
            kept.append(character)
            used += size
        }
        return kept
    }
}

/// A worksheet of an `XLSXBook`. Row and column numbers start at 0, as in libxlsxwriter.
struct XLSXSheet {
    let sheet: UnsafeMutablePointer<lxw_worksheet>
    let name: String
    unowned let book: XLSXBook

    private func check(_ result: lxw_error) throws {
        guard result == LXW_NO_ERROR else { throw WorkbookWriteError.from(result, sheet: name) }
    }

    func write(_ text: String, row: Int, column: Int, style: CellStyle? = nil) throws {
        // A longer cell would make the whole workbook fail to open; the rest is cut, not the file.
        let cell = XLSXBook.prefix(text, units: XLSXBook.maxCellCharacters)
        try check(
            worksheet_write_string(
                sheet, lxw_row_t(row), lxw_col_t(column), cell, style.map(book.format)))
    }

    func write(number: Double, row: Int, column: Int, style: CellStyle? = nil) throws {
        try check(worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), number, style.map(book.format)))
    }

    func write(bool: Bool, row: Int, column: Int) throws {
        try check(worksheet_write_boolean(sheet, lxw_row_t(row), lxw_col_t(column), bool ? 1 : 0, nil))
    }

    func write(year: Int, month: Int, day: Int, row: Int, column: Int) throws {
        var value = lxw_datetime(year: Int32(year), month: Int32(month), day: Int32(day), hour: 0, min: 0, sec: 0)
        try check(worksheet_write_datetime(sheet, lxw_row_t(row), lxw_col_t(column), &value, book.format(.date)))
    }

    func note(_ text: String, row: Int, column: Int) throws {
        try check(worksheet_write_comment(sheet, lxw_row_t(row), lxw_col_t(column), text))
    }

    func width(_ width: Double, columns: ClosedRange<Int>, style: CellStyle? = nil) throws {
        try check(
            worksheet_set_column(
                sheet, lxw_col_t(columns.lowerBound), lxw_col_t(columns.upperBound), width, style.map(book.format)))
    }

    func freezeHeader(rows: Int = 1) {
        worksheet_freeze_panes(sheet, lxw_row_t(rows), 0)
    }

    func filter(lastRow: Int, lastColumn: Int) throws {
        try check(worksheet_autofilter(sheet, 0, 0, lxw_row_t(lastRow), lxw_col_t(lastColumn)))
    }

    func hide() { worksheet_hide(sheet) }

    /// Prints as the annual report needs it: landscape, one page wide, the header on every page.
    func printSetup(headerRows: Int) throws {
        worksheet_set_landscape(sheet)
        worksheet_fit_to_pages(sheet, 1, 0)
        if headerRows > 0 { try check(worksheet_repeat_rows(sheet, 0, lxw_row_t(headerRows - 1))) }
    }

    func activate() { worksheet_activate(sheet) }

    /// A drop-down list: the cells must hold one of the values in `source` (a range such as
    /// `=Listas!$A$2:$A$40`), with a Spanish message when they do not.
    func dropDown(
        rows: ClosedRange<Int>, column: Int, source: String, title: String, message: String
    ) throws {
        try validate(rows: rows, column: column, title: title, message: message) { rule in
            rule.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            return source
        }
    }

    /// A whole number or a decimal between bounds.
    func range(
        rows: ClosedRange<Int>, column: Int, minimum: Double, maximum: Double, integer: Bool, title: String,
        message: String
    ) throws {
        try validate(rows: rows, column: column, title: title, message: message) { rule in
            rule.validate = UInt8((integer ? LXW_VALIDATION_TYPE_INTEGER : LXW_VALIDATION_TYPE_DECIMAL).rawValue)
            rule.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            rule.minimum_number = minimum
            rule.maximum_number = maximum
            return nil
        }
    }

    /// Any date (Excel then refuses text that is not one).
    func dateOnly(rows: ClosedRange<Int>, column: Int, title: String, message: String) throws {
        try validate(rows: rows, column: column, title: title, message: message) { rule in
            rule.validate = UInt8(LXW_VALIDATION_TYPE_DATE.rawValue)
            rule.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            rule.minimum_datetime = lxw_datetime(year: 1900, month: 1, day: 1, hour: 0, min: 0, sec: 0)
            rule.maximum_datetime = lxw_datetime(year: 9999, month: 12, day: 31, hour: 0, min: 0, sec: 0)
            return nil
        }
    }

    /// libxlsxwriter copies the rule's strings, so they only need to live through the call.
    private func validate(
        rows: ClosedRange<Int>, column: Int, title: String, message: String,
        _ configure: (inout lxw_data_validation) -> String?
    ) throws {
        var rule = lxw_data_validation()
        let formula = configure(&rule)
        let owned = [formula, XLSXBook.prefix(title, units: 32), XLSXBook.prefix(message, units: 255)].map {
            $0.flatMap { strdup($0) }
        }
        defer { owned.forEach { free($0) } }
        rule.value_formula = owned[0]
        rule.error_title = owned[1]
        rule.error_message = owned[2]
        rule.input_title = owned[1]
        rule.input_message = owned[2]
        try check(
            worksheet_data_validation_range(
                sheet, lxw_row_t(rows.lowerBound), lxw_col_t(column), lxw_row_t(rows.upperBound), lxw_col_t(column),
                &rule))
    }
}

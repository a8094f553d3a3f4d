/// Files that are not text, told apart by their first bytes, so their contents never reach a
/// report or a terminal. Each comes with what the person should do instead, in Spanish.
public enum BinaryFileKind: Sendable, Equatable, CustomStringConvertible {
    /// A ZIP archive that is not an .xlsx workbook.
    case zipArchive
    /// An OpenDocument spreadsheet (.ods, LibreOffice's own format).
    case openDocument
    /// An archive that cannot be read whole: damaged, cut short, or not XML inside.
    case corruptArchive
    /// An archive whose contents expand out of all proportion to its size (a zip bomb).
    case zipBomb
    /// An OLE compound file: an .xls from Excel 97-2003, or a password-protected workbook.
    case oleContainer
    /// NUL bytes: some other binary file.
    case binary

    /// How many leading bytes `detect` needs to see.
    public static let sniffLength = 65_536

    public static func detect(_ start: [UInt8]) -> BinaryFileKind? {
        if start.starts(with: [0x50, 0x4B, 0x03, 0x04]) || start.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .zipArchive
        }
        if start.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .oleContainer }
        // UTF-16 text (Excel's "Texto Unicode") is text, though full of NUL bytes: InputFile reads it.
        if UTF16Transcoder.order(of: start) != nil { return nil }
        if start.prefix(sniffLength).contains(0) { return .binary }
        return nil
    }

    public var description: String {
        switch self {
        case .zipArchive:
            return "es un archivo comprimido que no es un libro de Excel (.xlsx); envíe la hoja como .xlsx o como "
                + "«CSV UTF-8 (delimitado por comas)»"
        case .openDocument:
            return "es una hoja de LibreOffice (.ods); guárdela como «Libro de Excel (.xlsx)» o como "
                + "«CSV UTF-8 (delimitado por comas)»"
        case .corruptArchive:
            return
                "es un libro de Excel dañado o incompleto; ábralo en Excel o LibreOffice y guárdelo de nuevo como .xlsx"
        case .zipBomb:
            return "es un archivo comprimido cuyo contenido crece fuera de toda proporción con su tamaño; no se leyó"
        case .oleContainer:
            return "es un libro de Excel 97-2003 (.xls) o un libro protegido con contraseña; quite la contraseña y "
                + "guárdelo como «Libro de Excel (.xlsx)» o como «CSV UTF-8 (delimitado por comas)»"
        case .binary:
            return "no es un archivo de texto (contiene bytes nulos); envíe la hoja como .xlsx o como CSV"
        }
    }
}

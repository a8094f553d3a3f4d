import Foundation
import ZIPFoundation

/// One part of a written workbook as text (`xl/worksheets/sheet1.xml`), for tests that check
/// what lives in the XML (formats, frozen panes, validations) rather than in cell values.
public enum WorkbookPart {
    public static func text(_ path: String, _ name: String) throws -> String {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        guard let entry = archive[name] else { return "" }
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }
}

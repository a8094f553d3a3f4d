import ArgumentParser
import Capacita
import CapacitaFiles
import Foundation
import SampleData
import ZIPFoundation

/// The same enrollment rows imported from a CSV file and from an .xlsx workbook, each into a fresh
/// database with the same groups: seconds, rows per second, the ratio (goal: within 2×) and each
/// import's own peak memory (goal for the workbook: under 300 MB).
struct WorkbookBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbook", abstract: "Times capacita enroll import of an .xlsx against the same rows as CSV.")

    @Option(help: "Row counts, comma-separated.") var sizes: String = "100000,1000000"
    @Option(help: "Folder for the generated files.") var data: String = "bench/data"

    func run() throws {
        let tools = try Tools.locate()
        print("enrollment import: .xlsx vs CSV of the same rows (same server, same run)")
        print("rows      csv_s  csv_rows/s  csv_peak_MB  xlsx_s  xlsx_rows/s  xlsx_peak_MB  ratio  xlsx_MB")
        var phases = ""
        for size in sizes.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            let files = SampleFiles(rows: size)
            let folder = "\(data)/workbook-\(size)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try files.writeGroups(to: "\(folder)/groups.csv")
            try files.writeEnrollment(to: "\(folder)/enrollment.csv")
            let workbook = "\(folder)/enrollment.xlsx"
            try SampleWorkbook.write(csv: "\(folder)/enrollment.csv", to: workbook)
            var runs: [Child.Measure] = []
            for file in ["\(folder)/enrollment.csv", workbook] {
                let database = try tools.freshDatabase("capacita_bench_workbook")
                try tools.prepare(database, groups: "\(folder)/groups.csv")
                runs.append(
                    try Child.must(
                        tools.capacita, ["enroll", "import", file],
                        environment: ["DATABASE_URL": database, "CAPACITA_TIMINGS": "1"]))
                try tools.dropDatabase("capacita_bench_workbook")
            }
            let megabytes =
                Double((try FileManager.default.attributesOfItem(atPath: workbook)[.size] as? Int) ?? 0) / 1e6
            print(
                String(
                    format: "%-9d %5.2f  %10.0f  %11.1f  %6.2f  %11.0f  %12.1f  %5.2f  %7.1f", size, runs[0].seconds,
                    Double(size) / runs[0].seconds, runs[0].ownPeakMegabytes, runs[1].seconds,
                    Double(size) / runs[1].seconds, runs[1].ownPeakMegabytes, runs[1].seconds / runs[0].seconds,
                    megabytes))
            phases = "phases of the \(size)-row .xlsx import (CAPACITA_TIMINGS=1):\n" + runs[1].standardError
        }
        print(phases, terminator: "")
    }
}

/// Writes a CSV file's rows as an .xlsx workbook the way Excel stores such a list: every cell a
/// shared string, one sheet, the archive deflated.
enum SampleWorkbook {
    static func write(csv: String, to path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: csv)))
        var parser = CSVParser(delimiter: 44)
        var strings: [String: Int] = [:]
        var order: [String] = []
        let folder = URL(fileURLWithPath: path + ".parts")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("xl/worksheets"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("xl/_rels"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("_rels"), withIntermediateDirectories: true)
        let sheetURL = folder.appendingPathComponent("xl/worksheets/sheet1.xml")
        _ = FileManager.default.createFile(atPath: sheetURL.path, contents: nil)
        let sheet = try FileHandle(forWritingTo: sheetURL)
        var buffer = Array(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                .utf8)
        var row = 0
        func column(_ index: Int) -> String { SheetRows.letters(of: index) }
        func take(_ record: CSVRawRecord) {
            row += 1
            buffer += Array("<row r=\"\(row)\">".utf8)
            for (index, field) in record.fields.enumerated() {
                let text = String(decoding: field, as: UTF8.self)
                guard !text.isEmpty else { continue }
                let id: Int
                if let known = strings[text] {
                    id = known
                } else {
                    id = order.count
                    strings[text] = id
                    order.append(text)
                }
                buffer += Array("<c r=\"\(column(index))\(row)\" t=\"s\"><v>\(id)</v></c>".utf8)
            }
            buffer += Array("</row>".utf8)
        }
        parser.feed(bytes[...]) { record in
            take(record)
            if buffer.count > 1 << 20 {
                sheet.write(Data(buffer))
                buffer = []
            }
        }
        parser.finish { take($0) }
        buffer += Array("</sheetData></worksheet>".utf8)
        sheet.write(Data(buffer))
        try sheet.close()
        var shared = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        shared +=
            "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" uniqueCount=\"\(order.count)\">"
        for text in order { shared += "<si><t>\(escape(text))</t></si>" }
        shared += "</sst>"
        let parts: [(String, String)] = [
            ("xl/sharedStrings.xml", shared),
            (
                "[Content_Types].xml",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
                </Types>
                """
            ),
            (
                "_rels/.rels",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """
            ),
            (
                "xl/workbook.xml",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                <sheets><sheet name="Inscripción" sheetId="1" r:id="rId1"/></sheets></workbook>
                """
            ),
            (
                "xl/_rels/workbook.xml.rels",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
                </Relationships>
                """
            ),
        ]
        for (name, text) in parts {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for name in [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
        ] {
            try archive.addEntry(with: name, relativeTo: folder, compressionMethod: .deflate, bufferSize: 1 << 20)
        }
        try FileManager.default.removeItem(at: folder)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

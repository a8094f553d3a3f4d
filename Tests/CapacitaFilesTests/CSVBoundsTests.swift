import CapacitaFiles
import Testing

/// Hostile or broken files are refused by line, bounded in memory, and never echo personal data.
@Suite struct CSVBoundsTests {
    private func document(_ text: String) -> CSVDocument {
        CSVDocument(bytes: Array(text.utf8), specs: [ColumnSpec("curp"), ColumnSpec("nombre")])
    }

    @Test func anUnclosedQuoteIsReportedWhereItOpened() {
        let doc = document(
            "curp,nombre\nHEGG560427MVZRRL04,Gloria\nGOMC800101HDFMRR09,\"Carlos\nXIMC900101HDFCRR07,Otra\n")
        let issue = doc.issues.first { $0.message.contains("comilla") }
        #expect(issue?.line == 3)
        // The swallowed rows' CURPs do not come back in any report of this file.
        for issue in doc.issues { #expect(!issue.description.contains("XIMC900101")) }
    }

    @Test func aRecordPastTheLimitIsCutAndRefusedByLine() {
        var parser = CSVParser(delimiter: 44)
        var records: [CSVRawRecord] = []
        let huge = "curp,nombre\nA,\"" + String(repeating: "x", count: CSVParser.maxRecordBytes + 10) + "\"\nB,ok\n"
        parser.feed(Array(huge.utf8)) { records.append($0) }
        parser.finish { records.append($0) }
        #expect(records.count == 3)
        #expect(records[1].oversized && records[1].bytes.count <= CSVParser.maxRecordBytes)
        #expect(!records[2].oversized && records[2].line == 3)
        let doc = document(huge)
        #expect(doc.issues.contains { $0.line == 2 && $0.message.contains("máximo") })
    }

    @Test func tooManyColumnsIsOversized() {
        var parser = CSVParser(delimiter: 44)
        var records: [CSVRawRecord] = []
        parser.feed(Array((String(repeating: "a,", count: CSVParser.maxFields + 5) + "\n").utf8)) { records.append($0) }
        #expect(records.first?.oversized == true)
        #expect((records.first?.count ?? 0) <= CSVParser.maxFields)
    }

    @Test func aNulByteInAnyCellIsALineNumberedRefusal() {
        let doc = document("curp,nombre\nA,Carlos\nB,Car\u{0}los\n")
        #expect(doc.issues.contains { $0.line == 3 && $0.message.contains("nulo") })
    }
}

@Suite struct IssueRedactionTests {
    @Test func importIssuesMaskAndCutWhateverTheColumn() {
        let swapped = ImportIssue(line: 4, column: "nivel", value: "GOMC800101HDFMRR09", message: "nivel desconocido")
        #expect(swapped.value == "GOMC**************")
        let swallowed = ImportIssue(
            line: 2, column: "nombre", value: String(repeating: "Carlos\nGOMC800101HDFMRR09,", count: 50), message: "x")
        #expect(swallowed.value.count <= ImportIssue.valueLimit)
        #expect(!swallowed.value.contains("800101HDF"))
    }
}

import CapacitaFiles
import Testing

@Suite struct XMLScannerTests {
    static func events(_ xml: String, chunk: Int) throws -> [XMLScanner.Event] {
        var scanner = XMLScanner()
        var events: [XMLScanner.Event] = []
        let bytes = Array(xml.utf8)
        var start = 0
        while start < bytes.count {
            try scanner.feed(Array(bytes[start..<min(start + chunk, bytes.count)])) { events.append($0) }
            start += chunk
        }
        try scanner.finish { events.append($0) }
        return events
    }

    @Test func elementsAttributesEntitiesAndCDATAInChunksOfAnySize() throws {
        let xml = """
            <?xml version="1.0"?><!-- nota --><x:row r="2" spans='1:3'><c t="s"/><t>a &amp; b &lt;&#233;&#x1F642;&gt; &bogus;</t>\
            <t><![CDATA[<no es etiqueta>]]></t></x:row>
            """
        let whole = try Self.events(xml, chunk: xml.utf8.count)
        #expect(
            whole == [
                .start(
                    name: "row",
                    attributes: [XMLAttribute(name: "r", value: "2"), XMLAttribute(name: "spans", value: "1:3")],
                    selfClosing: false),
                .start(name: "c", attributes: [XMLAttribute(name: "t", value: "s")], selfClosing: true),
                .start(name: "t", attributes: [], selfClosing: false), .text(Array("a & b <é🙂> &bogus;".utf8)),
                .end(name: "t"),
                .start(name: "t", attributes: [], selfClosing: false), .text(Array("<no es etiqueta>".utf8)),
                .end(name: "t"), .end(name: "row"),
            ])
        for size in [1, 2, 5, 13] { #expect(try Self.events(xml, chunk: size) == whole, "chunks of \(size)") }
    }

    @Test func columnLettersAndNumbersAreInverses() {
        #expect(SheetRows.letters(of: 0) == "A" && SheetRows.letters(of: 25) == "Z")
        #expect(SheetRows.letters(of: 26) == "AA" && SheetRows.letters(of: 16383) == "XFD")
        for column in [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383] {
            #expect(SheetRows.column(of: SheetRows.letters(of: column) + "1") == column)
        }
    }

    @Test func aDoctypeAndAnUnclosedTagAreRefused() {
        #expect(throws: XMLScanner.Failure.self) { try Self.events("<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", chunk: 100) }
        #expect(throws: XMLScanner.Failure.self) { try Self.events("<row r=\"1\"", chunk: 100) }
    }
}

@Suite struct SheetRowsTests {
    static func rows(_ sheet: String, strings: String = "", styles: String = "", date1904: Bool = false) throws
        -> [SheetRows.Row]
    {
        var shared = SharedStrings()
        var scanner = XMLScanner()
        try scanner.feed(Array(strings.utf8)) { shared.take($0) }
        var cellStyles = CellStyles()
        try scanner.feed(Array(styles.utf8)) { cellStyles.take($0) }
        var reader = SheetRows(strings: shared, styles: cellStyles, date1904: date1904)
        var rows: [SheetRows.Row] = []
        try scanner.feed(Array(sheet.utf8)) { event in try reader.take(event) { rows.append($0) } }
        return rows
    }

    @Test func everyKindOfCellReadsAsItsText() throws {
        let strings = """
            <sst><si><t>curp</t></si><si><r><t>Hern</t></r><r><rPr><b/></rPr><t>ández</t></r><rPh><t>ヘルナンデス</t></rPh></si></sst>
            """
        let styles = """
            <styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0.00&quot; d&quot;"/>\
            </numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="165"/></cellXfs></styleSheet>
            """
        let sheet = """
            <worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>\
            <row r="3"><c r="A3"><v>5.6042704E+17</v></c><c r="B3"><v>40.0</v></c><c r="C3"><v>0.125</v></c>\
            <c r="D3" s="1"><v>45355</v></c><c r="E3" s="2"><v>45357.75</v></c><c r="F3" s="3"><v>2.5</v></c>\
            <c r="G3" t="b"><v>1</v></c><c r="H3" t="inlineStr"><is><t>en línea</t></is></c>\
            <c r="I3" t="str"><f>A1&amp;"x"</f><v>curpx</v></c><c r="J3" t="e"><v>#N/A</v></c><c r="K3" t="s"/></row>\
            <row r="4"/></sheetData></worksheet>
            """
        let rows = try Self.rows(sheet, strings: strings, styles: styles)
        #expect(rows.map(\.number) == [1, 3, 4])
        #expect(rows[0].cells == ["curp", "", "Hernández"])
        #expect(
            rows[1].cells == [
                "560427040000000000", "40", "0.125", "2024-03-04", "2024-03-06", "2.5", "VERDADERO", "en línea",
                "curpx",
                "#N/A",
            ])
        #expect(rows[2].cells.isEmpty)
        // The same serials in a 1904 workbook are four years and a day later.
        let late = try Self.rows(sheet, strings: strings, styles: styles, date1904: true)
        #expect(late[1].cells[3] == "2028-03-05")
    }

    /// A session's hours typed into time-formatted cells (built-in "h:mm", a custom "hh:mm") are
    /// fractions of a day; they read as the times they show, a date cell as before.
    @Test func timeCellsReadAsTimesOfDay() throws {
        let styles = """
            <styleSheet><numFmts><numFmt numFmtId="164" formatCode="hh:mm"/></numFmts>\
            <cellXfs><xf numFmtId="0"/><xf numFmtId="20"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>
            """
        let sheet = """
            <worksheet><sheetData><row r="2"><c r="A2" s="1"><v>0.375</v></c><c r="B2" s="2"><v>0.5625</v></c>\
            <c r="C2" s="1"><v>0</v></c><c r="D2" s="3"><v>45355</v></c><c r="E2"><v>0.375</v></c></row></sheetData></worksheet>
            """
        let rows = try Self.rows(sheet, styles: styles)
        #expect(rows.first?.cells == ["09:00", "13:30", "00:00", "2024-03-04", "0.375"])
        #expect(SerialDate.timeOfDay(serial: 1) == nil && SerialDate.timeOfDay(serial: -0.1) == nil)
    }

    @Test func aReferencePastTheLastColumnOrRowIsRefused() {
        #expect(throws: SheetRows.Failure.self) {
            try Self.rows("<row r=\"1\"><c r=\"ZZZZZ1\"><v>1</v></c></row>")
        }
        #expect(throws: SheetRows.Failure.self) {
            try Self.rows("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>")
        }
        // A row number past Excel's last row would have a small file padded with a line per row.
        #expect(throws: SheetRows.Failure.self) { try Self.rows("<row r=\"999999999999\"/>") }
        #expect(throws: SheetRows.Failure.self) { try Self.rows("<row r=\"0\"/>") }
    }

    @Test func serialDatesInBothSystems() {
        #expect(SerialDate.date(serial: 1, date1904: false)?.description == "1900-01-01")
        #expect(SerialDate.date(serial: 59, date1904: false)?.description == "1900-02-28")
        #expect(SerialDate.date(serial: 60, date1904: false) == nil)  // Excel's 1900-02-29
        #expect(SerialDate.date(serial: 61, date1904: false)?.description == "1900-03-01")
        #expect(SerialDate.date(serial: 45355.99, date1904: false)?.description == "2024-03-04")
        #expect(SerialDate.date(serial: 0, date1904: true)?.description == "1904-01-01")
        #expect(SerialDate.date(serial: 43893, date1904: true)?.description == "2024-03-04")
        #expect(SerialDate.date(serial: -1, date1904: false) == nil)
    }

    @Test func dateFormatsAreToldFromOthers() {
        for code in ["dd/mm/yyyy", "yyyy-mm-dd", "[$-80A]d \"de\" mmmm \"de\" yyyy", "m/d/yy h:mm"] {
            #expect(CellStyles.isDateFormat(code), "\(code)")
        }
        for code in ["General", "0.00", "#,##0\" días\"", "[Red]0.0", "0%", "@"] {
            #expect(!CellStyles.isDateFormat(code), "\(code)")
        }
    }

    @Test func integersReadAsTheirDigits() {
        #expect(SheetNumber.text("1.2345678901234E+13") == "12345678901234")
        #expect(SheetNumber.text("3") == "3")
        #expect(SheetNumber.text("-2.50") == "-2.5")
        #expect(SheetNumber.text("1E-3") == "0.001")
        #expect(SheetNumber.text("abc") == "abc")
    }
}

import CapacitaFiles
import Testing

@Suite struct CSVParserTests {
    private func records(_ text: [UInt8], delimiter: UInt8 = 44, chunk: Int = 3) -> [CSVRawRecord] {
        var parser = CSVParser(delimiter: delimiter)
        var out: [CSVRawRecord] = []
        var index = 0
        while index < text.count {
            parser.feed(text[index..<min(index + chunk, text.count)]) { out.append($0) }
            index += chunk
        }
        parser.finish { out.append($0) }
        return out
    }

    private func strings(_ record: CSVRawRecord) -> [String] {
        record.fields.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func quotedFieldsKeepSeparatorsQuotesAndLineBreaks() {
        let text = Array("a,b\r\n\"x, y\",\"di \"\"hola\"\"\"\r\n\"dos\r\nlíneas\",z\r\nlast,row".utf8)
        let parsed = records(text)
        #expect(
            parsed.map(strings) == [["a", "b"], ["x, y", "di \"hola\""], ["dos\nlíneas", "z"], ["last", "row"]])
        // The record with an embedded line break starts on line 3; the next one on line 5.
        #expect(parsed.map(\.line) == [1, 2, 3, 5])
    }

    @Test func emptyLinesAreSkippedButCounted() {
        let parsed = records(Array("h1;h2\n\n;\nv1;v2\n\n".utf8), delimiter: 59)
        #expect(parsed.map(strings) == [["h1", "h2"], ["", ""], ["v1", "v2"]])
        #expect(parsed.map(\.line) == [1, 3, 4])
    }

    @Test func delimiterIsDetectedFromTheHeaderOutsideQuotes() {
        #expect(CSVParser.detectDelimiter(Array("curp;nombre;\"a,b,c\"\nx,y,z,w".utf8)) == 59)
        #expect(CSVParser.detectDelimiter(Array("curp,nombre;x,y".utf8)) == 44)
        #expect(CSVParser.detectDelimiter(Array("curp\tnombre".utf8)) == 9)
        #expect(CSVParser.detectDelimiter(Array("curp".utf8)) == 44)
    }

    @Test func windows1252IsDetectedAndDecodedWithItsOwnHighRange() {
        // "Peña “Núñez” – 5€" in Windows-1252.
        let bytes: [UInt8] = [
            0x50, 0x65, 0xF1, 0x61, 0x20, 0x93, 0x4E, 0xFA, 0xF1, 0x65, 0x7A, 0x94, 0x20, 0x96, 0x20, 0x35, 0x80,
        ]
        #expect(TextEncoding.detect(bytes) == .windows1252)
        #expect(TextEncoding.windows1252.decode(bytes) == "Peña “Núñez” – 5€")
        #expect(TextEncoding.detect(Array("Peña “Núñez”".utf8)) == .utf8)
        #expect(TextEncoding.detect(TextEncoding.utf8BOM + [0x41]) == .utf8)
    }

    @Test func truncatedOverlongAndSurrogateSequencesAreNotUTF8() {
        for bytes: [UInt8] in [[0x41, 0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80]] {
            var survey = EncodingSurvey()
            survey.feed(bytes)
            #expect(survey.verdict != .utf8, "\(bytes)")
        }
    }

    @Test func documentMatchesHeadersAndStripsBOM() {
        let bytes = TextEncoding.utf8BOM + Array(" Código ;NOMBRE;Extra;;\n sepa ; Nombre ;x;;\n".utf8)
        let document = CSVDocument(
            bytes: bytes, specs: [ColumnSpec("codigo", required: true), ColumnSpec("nombre", required: true)])
        #expect(document.issues.isEmpty)
        #expect(document.format.delimiter == 59)
        #expect(document.columns.unknown == ["Extra"])
        #expect(document.rows.first?["codigo"] == "sepa")
        #expect(document.rows.first?["nombre"] == "Nombre")
    }

    @Test func documentReportsMissingColumnsAndUnclosedQuotes() {
        let document = CSVDocument(
            bytes: Array("nombre\n\"sin cerrar\n".utf8), specs: [ColumnSpec("codigo", required: true)])
        #expect(document.issues.contains { $0.line == 1 && $0.column == "codigo" })
        #expect(document.issues.contains { $0.message.contains("comilla") })
    }
}

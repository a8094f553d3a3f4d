import CapacitaFiles
import Testing

@Suite struct HeaderLocatorTests {
    static let specs = [ColumnSpec("curp", required: true), ColumnSpec("nombre", required: true), ColumnSpec("grupo")]

    @Test func theHeaderIsTheFirstRowThatHoldsTheRequiredColumns() {
        var locator = HeaderLocator(specs: Self.specs)
        #expect(locator.offer(line: 1, cells: ["Lista de inscripción — SICT", ""]) == .skip)
        #expect(locator.offer(line: 2, cells: ["CURP", "Grupo"]) == .skip)  // nombre is missing
        #expect(
            locator.offer(line: 4, cells: ["CURP", "Nombre", "Grupo"])
                == .header(line: 4, cells: ["CURP", "Nombre", "Grupo"]))
    }

    @Test func withoutAQualifyingRowTheMostHeaderLikeOfTheFirstTenIsTaken() {
        var locator = HeaderLocator(specs: Self.specs)
        #expect(locator.offer(line: 1, cells: ["Lista"]) == .skip)
        #expect(locator.offer(line: 2, cells: ["nombre", "grupo"]) == .skip)
        for line in 3..<HeaderLocator.searchedRows {
            #expect(locator.offer(line: line, cells: ["Ana", "G1"]) == .skip)
        }
        #expect(locator.offer(line: 10, cells: ["Luis", "G1"]) == .header(line: 2, cells: ["nombre", "grupo"]))
        #expect(!locator.foundNoHeader)  // row 2 has known columns: its missing ones are named
    }

    @Test func aHeaderBelowTheSearchedRowsIsSaidToBeMissing() {
        var locator = HeaderLocator(specs: Self.specs)
        for line in 1...HeaderLocator.searchedRows - 1 {
            #expect(locator.offer(line: line, cells: ["nota \(line)"]) == .skip)
        }
        #expect(locator.offer(line: 10, cells: ["nota 10"]) == .header(line: 1, cells: ["nota 1"]))
        #expect(locator.foundNoHeader)
        var short = HeaderLocator(specs: Self.specs)
        #expect(short.offer(line: 1, cells: ["Lista"]) == .skip)
        #expect(short.takeFallback() == .header(line: 1, cells: ["Lista"]) && short.foundNoHeader)
    }

    @Test func onlySeparatorsOrSpacesIsBlank() {
        #expect(HeaderLocator.isBlank(["", "", ""]))
        #expect(HeaderLocator.isBlank([""]))
        #expect(!HeaderLocator.isBlank(["", "x"]))
    }

    @Test func theDelimiterIsFoundBelowATitle() {
        let text = "Lista de inscripción\ncurp;nombre;grupo\nA;B;C\n"
        #expect(CSVParser.detectDelimiter(Array(text.utf8)) == 59)
        #expect(CSVParser.detectDelimiter(Array("curp\tnombre\tgrupo\n".utf8)) == 9)
    }
}

@Suite struct EncodingSurveyTests {
    static func verdict(_ chunks: [[UInt8]]) -> EncodingSurvey.Verdict {
        var survey = EncodingSurvey()
        for chunk in chunks { survey.feed(chunk) }
        return survey.verdict
    }

    @Test func utf8EvenWhenACharacterIsSplitBetweenChunks() {
        let bytes = Array("José\nMaría\n".utf8)
        #expect(Self.verdict([bytes]) == .utf8)
        #expect(Self.verdict([Array(bytes[..<4]), Array(bytes[4...])]) == .utf8)  // é is bytes 3-4
    }

    @Test func windows1252WhenNoByteSequenceIsUTF8() {
        #expect(Self.verdict([Array("Jos".utf8) + [0xE9] + Array("\nPe".utf8) + [0xF1, 0x61]]) == .windows1252)
    }

    @Test func strayBytesInUTF8TextAreMixedAndNamedByLine() {
        let bytes = Array("José\nbien\nMar".utf8) + [0xED] + Array("a\nok\n".utf8) + [0xF1] + Array("\n".utf8)
        #expect(Self.verdict([bytes]) == .mixed(lines: [3, 5]))
        // A sequence cut off by the end of the file is stray too.
        #expect(Self.verdict([Array("José\n".utf8) + [0xC3]]) == .mixed(lines: [2]))
        // With a UTF-8 byte-order mark, one stray byte is enough.
        #expect(Self.verdict([TextEncoding.utf8BOM + Array("Jos".utf8) + [0xE9]]) == .mixed(lines: [1]))
    }

    @Test func bytesWindows1252LeavesUndefinedAreRefused() {
        for byte: UInt8 in [0x81, 0x8D, 0x8F, 0x90, 0x9D] {
            #expect(Self.verdict([Array("Jos".utf8) + [0xE9, 0x0A, byte]]) == .undefinedBytes(lines: [2]))
        }
        if case .failure(let problems) = EncodingSurvey.Verdict.undefinedBytes(lines: [2]).encoding {
            #expect(problems.issues.map(\.line) == [2])
        } else {
            Issue.record("undefined bytes were accepted")
        }
    }
}

@Suite struct UTF16TranscoderTests {
    static func encode(_ text: String, bigEndian: Bool) -> [UInt8] {
        (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE])
            + text.utf16.flatMap {
                bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)]
            }
    }

    @Test func bothByteOrdersInChunksOfAnySizeGiveTheSameUTF8() {
        let text = "curp\tnombre\r\nHEGG560427MVZRRL04\tMaría Ñúñez 🙂\r\n"
        for bigEndian in [false, true] {
            let bytes = Self.encode(text, bigEndian: bigEndian)
            #expect(UTF16Transcoder.order(of: bytes) == (bigEndian ? .bigEndian : .littleEndian))
            for size in [1, 3, 7, bytes.count] {
                var transcoder = UTF16Transcoder(order: bigEndian ? .bigEndian : .littleEndian)
                var output: [UInt8] = []
                var start = 0
                while start < bytes.count {
                    output += transcoder.transcode(Array(bytes[start..<min(start + size, bytes.count)]))
                    start += size
                }
                output += transcoder.finish()
                #expect(String(decoding: output, as: UTF8.self) == text, "chunks of \(size)")
            }
        }
    }

    @Test func anUnpairedSurrogateOrAnOddLastByteIsNeverValidText() {
        var transcoder = UTF16Transcoder(order: .littleEndian)
        var output = transcoder.transcode([0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x42, 0x00, 0x43])
        output += transcoder.finish()
        var survey = EncodingSurvey(declaredUTF8: true)
        survey.feed(output)
        #expect(survey.verdict == .mixed(lines: [1]))
        var unmarked = EncodingSurvey()
        unmarked.feed(output)
        #expect(unmarked.verdict == .windows1252)
        #expect(output.contains(0x41) && output.contains(0x42))
    }
}

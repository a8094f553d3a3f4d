import Capacita
import CapacitaOutput
import Foundation
import Testing

@Suite struct TableOutputTests {
    let table = Table(
        columns: ["line", "column", "value", "error"],
        rows: [[.int(3), .text("curp"), .text("HEGG**************"), .text("el dígito verificador no corresponde")]])

    @Test func tableHeadersAreSpanishWhileCSVAndJSONKeepTheKeys() throws {
        let text = table.render(.table)
        #expect(text.hasPrefix("línea  columna  valor               motivo"))
        #expect(table.render(.csv).hasPrefix("line,column,value,error\n"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(table.render(.json).utf8)) as? [[String: Any]])
        #expect(Set(json[0].keys) == ["line", "column", "value", "error"])
    }

    @Test func codesReadAsSpanishWordsOnlyForPeople() throws {
        let codes = Table(
            columns: ["status", "rule", "window", "tier_meets"],
            rows: [[.code("no_acreditado"), .code("each-tier"), .code("cumulative"), .bool(true)]])
        #expect(codes.render(.table).contains("no acreditado  cada nivel  acumulado  sí"))
        #expect(codes.render(.csv).hasSuffix("no_acreditado,each-tier,cumulative,true"))
        #expect(codes.render(.json).contains("\"status\" : \"no_acreditado\""))
        #expect(codes.render(.json).contains("\"tier_meets\" : true"))
    }

    @Test func unknownDataIsNDForPeopleAndNullInJSON() {
        let nd = Table(columns: ["headcount"], rows: [[.nd]])
        #expect(nd.render(.table).hasSuffix("ND"))
        #expect(nd.render(.csv) == "headcount\nND")
        #expect(nd.render(.json).contains("\"headcount\" : null"))
    }

    @Test func everyColumnKeyOfTheCommandsHasASpanishHeader() {
        // A key without an entry would show itself (in English) in a table.
        for key in [
            "agency", "tier", "headcount", "trained", "percent", "missing", "tier_meets", "agency_meets", "curp",
            "name", "attendance", "final", "status", "holder", "revoked_at", "without_data", "formula",
        ] {
            #expect(Labels.headers[key] != nil, "\(key)")
        }
    }

    /// OWASP's rule: a text cell that a spreadsheet would run as a formula is written as text;
    /// numbers, negative ones included, stay numbers.
    @Test func csvTextThatLooksLikeAFormulaIsMadeInert() {
        let hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
        let table = Table(
            columns: ["nombre", "n"], rows: hostile.map { [.text($0), .int(-5)] } + [[.text("Ana"), .int(-15)]])
        let lines = table.render(.csv).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-5")
        #expect(lines[2] == "\"'+1\",-5")
        #expect(lines[3] == "\"'-2+3\",-5")
        #expect(lines[4] == "\"'@SUM(A1)\",-5")
        #expect(lines[5] == "\"'\tx\",-5")
        #expect(lines.last == "Ana,-15")
        #expect(CSVText.neutralized("Ana") == "Ana" && CSVText.neutralized("") == "")
    }
}

@Suite struct TerminalTextTests {
    @Test func escapeSequencesAreShownEscapedNeverSent() {
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J"
        let cell = TerminalText.cell(hostile)
        #expect(cell == "\\u{1B}]0;pwned\\u{7}\\u{1B}[2J")
        #expect(!cell.unicodeScalars.contains { $0.value < 0x20 })
        let table = Table(columns: ["value"], rows: [[.text(hostile)]]).render(.table)
        #expect(!table.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test func c1ControlsAndBidirectionalOverridesAreEscaped() {
        #expect(TerminalText.cell("a\u{9B}2Jb") == "a\\u{9B}2Jb")
        #expect(TerminalText.cell("Pérez\u{202E}orolF") == "Pérez\\u{202E}orolF")
        #expect(TerminalText.cell("G\u{200B}ZW") == "G\\u{200B}ZW")
    }

    @Test func messagesKeepTheirLineBreaksButNotTheirEscapes() {
        #expect(TerminalText.lines("uno\ndos\u{1B}[2J") == "uno\ndos\\u{1B}[2J")
        #expect(TerminalText.cell("uno\ndos") == "uno\\u{A}dos")
    }

    @Test func longValuesAreCutWithAnEllipsis() {
        let long = String(repeating: "x", count: 5_000)
        let cut = TerminalText.cell(long)
        #expect(cut.count == TerminalText.cellLimit)
        #expect(cut.hasSuffix("…"))
        #expect(TerminalText.cell("corto") == "corto")
    }

    @Test func listsWrapAtTheWidth() {
        let lines = TerminalText.wrapped(Array(repeating: "BIENESTAR", count: 20), width: 40, indent: "  ")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines.joined(separator: " ").components(separatedBy: "BIENESTAR").count == 21)
    }
}

@Suite struct PluralTests {
    @Test func countsAgreeWithTheirNoun() {
        #expect(Plural.count(1, "nueva", "nuevas") == "1 nueva")
        #expect(Plural.count(0, "nueva", "nuevas") == "0 nuevas")
        #expect(Plural.count(2, "grupo", "grupos") == "2 grupos")
        #expect(Plural.count(1, "problema", "problemas") == "1 problema")
    }
}

@Suite struct ExactJSONNumberTests {
    /// The decimal text of `units / 10^places`, written from integers alone.
    private func expected(_ units: Int, places: Int) -> String {
        let scale = Int(pow(10.0, Double(places)))
        let whole = units / scale
        var fraction = String(units % scale)
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }

    private func json(_ cell: Cell) -> String {
        JSONOutput.string(["v": cell]).replacingOccurrences(of: "\n", with: "")
            .replacingOccurrences(of: " ", with: "")
    }

    @Test func percentagesAndScoresReachJSONAsExactDecimals() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let units = Int.random(in: 0...1_000_000, using: &generator)
            // Division and multiplication by 0.01 both leave binary artefacts in a Double.
            for value in [Double(units) / 100, Double(units) * 0.01] {
                #expect(json(.score(value)) == "{\"v\":\(expected(units, places: 2))}", "\(value)")
            }
        }
        #expect(json(.score(5.5600000000000005)) == "{\"v\":5.56}")
    }

    @Test func ratiosReachJSONWithFourPlaces() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let units = Int.random(in: 0...10_000, using: &generator)
            #expect(json(.ratio(Double(units) / 10_000)) == "{\"v\":\(expected(units, places: 4))}")
        }
        #expect(json(.ratio(0.6366736438165008)) == "{\"v\":0.6367}")
    }

    @Test func peopleReadAFixedNumberOfPlaces() {
        #expect(Cell.percent(Decimal(5)).display == "5.00")
        #expect(Cell.percent(Decimal(string: "4.4399999999999995")).display == "4.44")
        #expect(Cell.number(72.5).display == "72.5")
        #expect(Cell.number(40).display == "40")
        #expect(Cell.percent(nil).display == "ND")
    }
}

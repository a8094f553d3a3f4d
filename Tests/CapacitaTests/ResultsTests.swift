import Capacita
import CapacitaFiles
import Testing

@Suite struct PassingRuleTests {
    @Test func statusAtTheBoundaries() {
        let rule = PassingRule(minScore: 80, minAttendance: 80)
        #expect(rule.status(score: 80, attendance: 80) == .acreditado)
        #expect(rule.status(score: 79.99, attendance: 100) == .noAcreditado)
        #expect(rule.status(score: 100, attendance: 79.99) == .noAcreditado)
        #expect(rule.status(score: nil, attendance: 100) == .inscrito)
        #expect(rule.status(score: 90, attendance: nil) == .inscrito)
    }

    @Test func workshopWithoutScoreIsPassedOnAttendance() {
        let workshop = PassingRule(minScore: 0, minAttendance: 80)
        #expect(workshop.status(score: nil, attendance: 80) == .acreditado)
        #expect(workshop.status(score: nil, attendance: 79) == .noAcreditado)
    }
}

@Suite struct ResultsValidatorTests {
    private func validate(_ cells: [String: String], group: String? = nil) -> (ResultRow?, [ImportIssue]) {
        let header = ["curp", "grupo"] + ResultMeasure.allCases.map(\.rawValue)
        var issues: [ImportIssue] = []
        let columns = CSVColumns(header: header, specs: ResultsValidator.columns, issues: &issues)
        let row = CSVRow(line: 7, cells: header.map { cells[$0] ?? "" }, columns: columns)
        let result = ResultsValidator(group: group, groups: ["G1"]).validate(row, issues: &issues)
        return (result, issues)
    }

    @Test func readsDecimalCommasKeepsEmptyCellsAndClearsOnRequest() throws {
        let (row, issues) = validate([
            "curp": "HEGG560427MVZRRL04", "grupo": "g1", "asistencia": "87,5", "pre": "40.5",
            "post": "BORRAR", "reaccion_contenidos": "4",
        ])
        #expect(issues.isEmpty)
        let result = try #require(row)
        #expect(result.change(.asistencia) == .set(87.5))
        #expect(result.change(.pre) == .set(40.5))
        #expect(result.change(.post) == .clear)
        #expect(result.change(.calificacion) == .keep)
        #expect(result.change(.reaccionContenidos) == .set(4))
    }

    @Test func outOfRangeValuesAreReportedByColumn() {
        let (row, issues) = validate([
            "curp": "HEGG560427MVZRRL04", "grupo": "G1", "asistencia": "101", "pre": "-1",
            "calificacion": "ochenta", "reaccion_metodologia": "6", "reaccion_instructores": "4,5",
        ])
        #expect(row == nil)
        #expect(
            issues.map(\.column) == [
                "asistencia", "pre", "calificacion", "reaccion_metodologia", "reaccion_instructores",
            ])
        #expect(issues.allSatisfy { $0.line == 7 })
    }

    @Test func groupOptionFillsAndMustAgree() {
        #expect(validate(["curp": "HEGG560427MVZRRL04"], group: "G1").0?.groupCode == "G1")
        #expect(validate(["curp": "HEGG560427MVZRRL04", "grupo": "G2"], group: "G1").1.map(\.column) == ["grupo"])
        #expect(validate(["curp": "HEGG560427MVZRRL04"]).1.map(\.column) == ["grupo"])
    }
}

@Suite struct ResultStatisticsTests {
    @Test func gainsAreComputedBothWaysAndPreOfOneHundredIsLeftOutOfIndividualGains() throws {
        let participants = [
            ParticipantResult(agencyCode: "A", status: .acreditado, pre: 50, post: 75),
            ParticipantResult(agencyCode: "A", status: .acreditado, pre: 100, post: 100),
            ParticipantResult(agencyCode: "A", status: .noAcreditado, pre: 0, post: 40),
            ParticipantResult(agencyCode: "A", status: .baja, pre: 0, post: 0),
            ParticipantResult(agencyCode: "A", status: .inscrito, pre: 30),
        ]
        let s = ResultStatistics.of(participants)
        #expect(s.enrolled == 5 && s.acreditados == 2 && s.noAcreditados == 1 && s.bajas == 1 && s.inscritos == 1)
        #expect(s.passRate == 2.0 / 3.0)
        #expect(s.paired == 3)
        // mean pre 50, mean post 71.666…: (71.666 − 50) / 50
        let classGain = try #require(s.classGain)
        let expected: Double = (215.0 / 3.0 - 50.0) / 50.0
        #expect(abs(classGain - expected) < 1e-12)
        // individual: 0.5 and 0.4 (pre = 100 has no gain)
        #expect(s.meanIndividualGain == 0.45)
        #expect(s.individualGainCount == 2)
    }

    @Test func classGainIsUndefinedWhenEveryoneStartsAtOneHundred() {
        let s = ResultStatistics.of([ParticipantResult(agencyCode: "A", status: .acreditado, pre: 100, post: 100)])
        #expect(s.classGain == nil && s.meanIndividualGain == nil && s.paired == 1)
    }

    @Test func reactionHasMeanAndDistribution() {
        let s = ResultStatistics.of([
            ParticipantResult(agencyCode: "A", status: .acreditado, reactions: [.reaccionContenidos: 5]),
            ParticipantResult(agencyCode: "A", status: .acreditado, reactions: [.reaccionContenidos: 2]),
        ])
        #expect(s.reaction["reaccion_contenidos"] == ReactionSummary([5, 2]))
        #expect(s.reaction["reaccion_contenidos"]?.mean == 3.5)
        #expect(s.reaction["reaccion_contenidos"]?.distribution == [0, 1, 0, 0, 1])
        #expect(s.reaction["reaccion_metodologia"]?.mean == nil)
        #expect(s.passRate == 1)
    }
}

@Suite struct ConstanciaTests {
    @Test func folioIsReadableAndSequential() {
        #expect(Constancia.folio(year: 2024, sequence: 123) == "PNC-2024-000123")
        #expect(Constancia.folio(year: 2025, sequence: 1_234_567) == "PNC-2025-1234567")
    }

    @Test func codesUseTheAlphabetWithoutLookAlikes() {
        var random = SystemRandomNumberGenerator()
        let codes = (0..<2000).map { _ in Constancia.code(using: &random) }
        #expect(Set(codes).count == codes.count)
        for code in codes {
            #expect(code.count == 12)
            #expect(code.allSatisfy { Constancia.codeAlphabet.contains($0) })
            #expect(!code.contains { "01OIL".contains($0) })
        }
        #expect(Constancia.normalizeCode("ab2c-de3f 4ghj") == "AB2CDE3F4GHJ")
    }

    @Test func holderNameShowsOnlySurnameInitials() {
        #expect(
            PersonName(givenNames: "Gloria", firstSurname: "Hernández", secondSurname: "García").withSurnameInitials
                == "Gloria H. G.")
        #expect(
            PersonName(givenNames: "Joaquín", firstSurname: "Ibáñez", secondSurname: nil).withSurnameInitials
                == "Joaquín I.")
    }
}

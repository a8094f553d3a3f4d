import Capacita
import Foundation
import Testing

@Suite struct CatalogTests {
    static let coursesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../Courses")

    static func repositoryFiles() throws -> [(path: String, yaml: String)] {
        let walker = try #require(FileManager.default.enumerator(atPath: coursesFolder.path))
        var files: [(path: String, yaml: String)] = []
        for case let path as String in walker where path.hasSuffix(".yaml") {
            files.append((path, try String(contentsOf: coursesFolder.appendingPathComponent(path), encoding: .utf8)))
        }
        return files
    }

    static let valid = """
        code: PNC22-TEST
        program: pnc-2022
        level: basico
        title: Curso de prueba
        modalities: [presencial]
        hours: 6
        audience: Quien sea
        objectives: [Aprender]
        temario:
          - topic: Uno
            hours: 2.5
          - topic: Dos
            hours: 3.5
        evaluation: [pre, post]
        passing:
          min_score: 80
          min_attendance: 80
        max_group_size: 40
        prerequisites: []
        counts_for_indicator: true
        """

    private func issues(_ yaml: String, file: String = "pnc-2022/prueba.yaml") -> [CatalogIssue] {
        switch CourseDecoder.decode(yaml: yaml, file: file) {
        case .success: return []
        case .failure(let failure): return failure.issues
        }
    }

    @Test func repositoryCatalogHoldsTheFourteenCoursesOfDesign() throws {
        let catalog = try Catalog.build(files: try Self.repositoryFiles()).get()
        #expect(
            catalog.courses.map(\.code) == [
                "PNC18-CAP", "PNC18-ESP", "PNC18-FOR", "PNC22-BAS", "PNC22-ESP-AV", "PNC22-ESP-ID", "PNC22-ESP-MP",
                "PNC22-ESP-PER", "PNC22-ESP-POL", "PNC22-ESP-PP", "PNC22-ESP-TF", "PNC22-FOR", "PNC22-INT",
                "PNC22-SENS",
            ])
        #expect(catalog.course("PNC22-INT")?.prerequisites == ["PNC22-BAS"])
        #expect(catalog.course("PNC22-SENS")?.kind == .sensibilizacion)
        #expect(catalog.course("PNC22-BAS")?.kind == .capacitacion)
        #expect(catalog.sourceFiles["PNC22-BAS"] == "pnc-2022/basico.yaml")
    }

    @Test func validCourseDecodesEveryField() throws {
        let course = try CourseDecoder.decode(yaml: Self.valid, file: "pnc-2022/prueba.yaml").get()
        #expect(course.temario == [Topic(topic: "Uno", hours: 2.5), Topic(topic: "Dos", hours: 3.5)])
        #expect(course.passing == PassingRule(minScore: 80, minAttendance: 80))
        #expect(course.evaluation == [.pre, .post])
        #expect(course.program == .pnc2022)
    }

    /// A classroom holds 40; an online course for a whole agency, more. One number still works.
    @Test func groupSizeMayBeGivenPerModality() throws {
        let perModality = Self.valid.replacingOccurrences(
            of: "modalities: [presencial]", with: "modalities: [presencial, en_linea]"
        )
        .replacingOccurrences(of: "max_group_size: 40", with: "max_group_size:\n  presencial: 40\n  en_linea: 200")
        let course = try CourseDecoder.decode(yaml: perModality, file: "pnc-2022/prueba.yaml").get()
        #expect(course.maxGroupSize(for: .enLinea) == 200 && course.maxGroupSize(for: .presencial) == 40)
        #expect(course.maxGroupSize(for: .mixta) == 40 && course.maxGroupSize(for: nil) == 40)  // the smallest
        let single = try CourseDecoder.decode(yaml: Self.valid, file: "pnc-2022/prueba.yaml").get()
        #expect(single.maxGroupSize(for: .enLinea) == 40 && single.groupSizes == nil)
        // A modality the course is not given in, or a size of zero: named by path.
        let wrong = Self.valid.replacingOccurrences(of: "max_group_size: 40", with: "max_group_size:\n  en_linea: 0")
        #expect(issues(wrong).map(\.field).sorted() == ["max_group_size.en_linea", "max_group_size.en_linea"])
        // The repository's Curso Básico: 40 in a classroom, 200 online.
        let catalog = try Catalog.build(files: try Self.repositoryFiles()).get()
        #expect(catalog.course("PNC22-BAS")?.maxGroupSize(for: .enLinea) == 200)
    }

    @Test func unknownAndMissingFieldsAreNamed() {
        let yaml = Self.valid.replacingOccurrences(of: "audience: Quien sea", with: "publico: Quien sea")
        let found = issues(yaml)
        #expect(
            found.contains(CatalogIssue(file: "pnc-2022/prueba.yaml", field: "publico", message: "campo desconocido")))
        #expect(
            found.contains(CatalogIssue(file: "pnc-2022/prueba.yaml", field: "audience", message: "falta el campo")))
    }

    @Test func levelMustExistInTheCoursesProgram() {
        #expect(
            issues(Self.valid.replacingOccurrences(of: "level: basico", with: "level: avanzado")).map(\.field) == [
                "level"
            ])
        #expect(
            issues(Self.valid.replacingOccurrences(of: "level: basico", with: "level: capacitacion")).map(\.field) == [
                "level"
            ])
    }

    @Test func temarioHoursMustAddUpToTheCourseHours() {
        let found = issues(Self.valid.replacingOccurrences(of: "hours: 6", with: "hours: 8"))
        #expect(found.map(\.field) == ["temario"])
        #expect(found.first?.message == "las horas del temario suman 6 y el curso declara 8")
    }

    @Test func badValuesAreReportedByFieldPath() {
        var yaml = Self.valid.replacingOccurrences(
            of: "modalities: [presencial]", with: "modalities: [presencial, radio]")
        yaml = yaml.replacingOccurrences(of: "hours: 3.5", with: "hours: tres")
        yaml = yaml.replacingOccurrences(of: "min_score: 80", with: "min_score: 120")
        yaml = yaml.replacingOccurrences(of: "max_group_size: 40", with: "max_group_size: 0")
        yaml = yaml.replacingOccurrences(of: "counts_for_indicator: true", with: "counts_for_indicator: quizás")
        let fields = Set(issues(yaml).map(\.field))
        #expect(
            fields == [
                "modalities[2]", "temario[2].hours", "passing.min_score", "max_group_size", "counts_for_indicator",
            ])
    }

    @Test func programMustMatchItsFolder() {
        #expect(issues(Self.valid, file: "pnc-2018/prueba.yaml").map(\.field) == ["program"])
    }

    @Test func invalidYAMLIsReportedForTheFile() {
        let found = issues("code: [unclosed")
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("YAML inválido") == true)
    }

    @Test func prerequisiteMustNameACourse() {
        let yaml = Self.valid.replacingOccurrences(of: "prerequisites: []", with: "prerequisites: [PNC22-NADA]")
        guard case .failure(let failure) = Catalog.build(files: [("pnc-2022/prueba.yaml", yaml)]) else {
            Issue.record("a dangling prerequisite was accepted")
            return
        }
        #expect(
            failure.issues.map(\.description) == [
                "pnc-2022/prueba.yaml: prerequisites[1]: el requisito PNC22-NADA no es un curso del catálogo"
            ])
    }

    @Test func prerequisiteCycleIsRefused() {
        func course(_ code: String, requires: String) -> (String, String) {
            (
                "pnc-2022/\(code).yaml",
                Self.valid.replacingOccurrences(of: "PNC22-TEST", with: code)
                    .replacingOccurrences(of: "prerequisites: []", with: "prerequisites: [\(requires)]")
            )
        }
        let files = [
            course("PNC22-A", requires: "PNC22-B"), course("PNC22-B", requires: "PNC22-C"),
            course("PNC22-C", requires: "PNC22-A"),
        ]
        guard case .failure(let failure) = Catalog.build(files: files.map { (path: $0.0, yaml: $0.1) }) else {
            Issue.record("a cycle was accepted")
            return
        }
        #expect(failure.issues.count == 1)
        #expect(failure.issues.first?.message == "ciclo de requisitos: PNC22-A → PNC22-B → PNC22-C → PNC22-A")
    }

    @Test func duplicateCodeIsRefused() {
        guard
            case .failure(let failure) = Catalog.build(files: [
                ("pnc-2022/a.yaml", Self.valid), ("pnc-2022/b.yaml", Self.valid),
            ])
        else {
            Issue.record("a duplicate code was accepted")
            return
        }
        #expect(
            failure.issues.map(\.description) == [
                "pnc-2022/b.yaml: code: el código PNC22-TEST ya está en pnc-2022/a.yaml"
            ])
    }

    @Test func passingRuleAcceptsExactlyTheMinimum() {
        let rule = PassingRule(minScore: 80, minAttendance: 80)
        #expect(rule.passes(score: 80, attendance: 80))
        #expect(!rule.passes(score: 79.99, attendance: 100))
        #expect(!rule.passes(score: 100, attendance: 79.9))
    }
}

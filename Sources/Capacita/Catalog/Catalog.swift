/// The whole course catalog: every carta descriptiva, checked together.
public struct Catalog: Sendable, Equatable {
    public var courses: [Course]
    /// The file each course came from, relative to the catalog folder, by course code.
    public var sourceFiles: [String: String]

    public init(courses: [Course], sourceFiles: [String: String] = [:]) {
        self.courses = courses.sorted { $0.code < $1.code }
        self.sourceFiles = sourceFiles
    }

    public func course(_ code: String) -> Course? {
        courses.first { $0.code == code }
    }

    /// Decodes and validates a set of files (path relative to the catalog folder → YAML text).
    /// Either every course, or every problem in every file: the catalog loads all or nothing.
    public static func build(files: [(path: String, yaml: String)]) -> Result<Catalog, CatalogIssues> {
        var issues: [CatalogIssue] = []
        var courses: [(path: String, course: Course)] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            switch CourseDecoder.decode(yaml: file.yaml, file: file.path) {
            case .success(let course): courses.append((file.path, course))
            case .failure(let problems): issues += problems.issues
            }
        }
        if files.isEmpty {
            issues.append(CatalogIssue(file: ".", field: "", message: "no hay archivos de cursos (*.yaml)"))
        }
        var pathOfCode: [String: String] = [:]
        for (path, course) in courses {
            if let earlier = pathOfCode[course.code] {
                issues.append(
                    CatalogIssue(file: path, field: "code", message: "el código \(course.code) ya está en \(earlier)"))
            } else {
                pathOfCode[course.code] = path
            }
        }
        for (path, course) in courses {
            for (index, prerequisite) in course.prerequisites.enumerated() {
                if prerequisite == course.code {
                    issues.append(
                        CatalogIssue(
                            file: path, field: "prerequisites[\(index + 1)]",
                            message: "un curso no puede requerirse a sí mismo"))
                } else if pathOfCode[prerequisite] == nil {
                    issues.append(
                        CatalogIssue(
                            file: path, field: "prerequisites[\(index + 1)]",
                            message: "el requisito \(prerequisite) no es un curso del catálogo"))
                }
            }
        }
        issues += cycles(in: courses.map(\.course), paths: pathOfCode)
        guard issues.isEmpty else { return .failure(CatalogIssues(issues)) }
        return .success(Catalog(courses: courses.map(\.course), sourceFiles: pathOfCode))
    }

    /// Prerequisite cycles (A requires B requires A), each reported once on its first course.
    static func cycles(in courses: [Course], paths: [String: String]) -> [CatalogIssue] {
        let requires = Dictionary(courses.map { ($0.code, $0.prerequisites) }, uniquingKeysWith: { first, _ in first })
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var stack: [String] = []
        var issues: [CatalogIssue] = []
        func visit(_ code: String) {
            marks[code] = .visiting
            stack.append(code)
            for next in requires[code] ?? [] where next != code && requires[next] != nil {
                switch marks[next] {
                case .visiting:
                    // A course being visited is on the stack.
                    let cycle = stack[(stack.lastIndex(of: next) ?? 0)...] + [next]
                    issues.append(
                        CatalogIssue(
                            file: paths[next] ?? next, field: "prerequisites",
                            message: "ciclo de requisitos: \(cycle.joined(separator: " → "))"))
                case .done: continue
                case nil: visit(next)
                }
            }
            stack.removeLast()
            marks[code] = .done
        }
        for code in requires.keys.sorted() where marks[code] == nil {
            visit(code)
        }
        return issues
    }
}

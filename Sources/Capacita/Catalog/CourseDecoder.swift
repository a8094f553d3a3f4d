import CapacitaFiles
import Yams

/// Decodes one carta descriptiva from YAML, collecting every problem instead of stopping at the
/// first, each named by its field path (`temario[2].hours`).
public struct CourseDecoder {
    public static let fields: Set<String> = [
        "code", "program", "level", "title", "modalities", "hours", "audience", "objectives",
        "temario", "evaluation", "passing", "max_group_size", "prerequisites", "counts_for_indicator", "history",
    ]
    static let optionalFields: Set<String> = ["prerequisites", "history"]

    private let file: String
    private var issues: [CatalogIssue] = []

    /// `file` is the path shown in messages, relative to the catalog folder (`pnc-2022/basico.yaml`).
    public static func decode(yaml: String, file: String) -> Result<Course, CatalogIssues> {
        var decoder = CourseDecoder(file: file)
        let course = decoder.decode(yaml)
        if let course, decoder.issues.isEmpty { return .success(course) }
        return .failure(CatalogIssues(decoder.issues))
    }

    private init(file: String) {
        self.file = file
    }

    private mutating func fail(_ field: String, _ message: String) {
        issues.append(CatalogIssue(file: file, field: field, message: message))
    }

    private mutating func decode(_ yaml: String) -> Course? {
        // Catalog files are read like any untrusted YAML: bounded before and after libyaml.
        let root: Node
        switch BoundedYAML.read(yaml) {
        case .success(let node?):
            root = node
        case .success(nil):
            fail("", "el archivo está vacío")
            return nil
        case .failure(let refusal):
            fail("", refusal.kind == .invalid ? "YAML inválido: \(refusal.reason)" : refusal.description)
            return nil
        }
        guard let mapping = root.mapping else {
            fail("", "se esperaba un mapa de campos (clave: valor)")
            return nil
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.string ?? "?"
            if !Self.fields.contains(name) {
                fail(name, "campo desconocido")
                continue
            }
            values[name] = value
        }
        for field in Self.fields.subtracting(Self.optionalFields).sorted() where values[field] == nil {
            fail(field, "falta el campo")
        }

        let code = values["code"].flatMap { text($0, "code") }
        if let code,
            !code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        {
            fail("code", "el código solo admite letras mayúsculas, dígitos y guiones: \(code)")
        }
        let program = values["program"].flatMap { enumValue($0, "program", Program.self) }
        if let program, let folder = file.split(separator: "/").dropLast().last,
            let folderProgram = Program(rawValue: String(folder)), folderProgram != program
        {
            fail("program", "el archivo está en la carpeta \(folder) pero declara el programa \(program.rawValue)")
        }
        var level = values["level"].flatMap { enumValue($0, "level", Level.self) }
        if let program, let chosen = level, !program.levels.contains(chosen) {
            fail(
                "level",
                "el nivel \(chosen.rawValue) no existe en \(program.rawValue) (niveles: \(program.levels.map(\.rawValue).joined(separator: ", ")))"
            )
            level = nil
        }
        let title = values["title"].flatMap { text($0, "title") }
        let modalities = values["modalities"].flatMap {
            list($0, "modalities") { decoder, node, path in decoder.enumValue(node, path, Modality.self) }
        }
        if let modalities, modalities.isEmpty { fail("modalities", "indique al menos una modalidad") }
        let hours = values["hours"].flatMap { number($0, "hours") }
        if let hours, hours <= 0 { fail("hours", "las horas deben ser mayores que cero") }
        let audience = values["audience"].flatMap { text($0, "audience") }
        let objectives = values["objectives"].flatMap {
            list($0, "objectives") { decoder, node, path in decoder.text(node, path) }
        }
        if let objectives, objectives.isEmpty { fail("objectives", "indique al menos un objetivo") }
        let temario = values["temario"].flatMap {
            list($0, "temario") { decoder, node, path in decoder.topic(node, path) }
        }
        if let temario, temario.isEmpty { fail("temario", "el temario no tiene temas") }
        if let temario, let hours, !temario.isEmpty {
            let sum = temario.reduce(0) { $0 + $1.hours }
            if abs(sum - hours) > 0.001 {
                fail(
                    "temario",
                    "las horas del temario suman \(Self.format(sum)) y el curso declara \(Self.format(hours))")
            }
        }
        let evaluation = values["evaluation"].flatMap {
            list($0, "evaluation") { decoder, node, path in decoder.enumValue(node, path, Instrument.self) }
        }
        let passing = values["passing"].flatMap { passingRule($0) }
        // One number for every modality, or a mapping per modality (presencial: 40, en_linea: 200);
        // a modality the mapping leaves out takes its smallest size.
        var groupSizes: [String: Int]?
        var maxGroupSize: Int?
        if let node = values["max_group_size"] {
            if let mapping = node.mapping {
                var sizes: [String: Int] = [:]
                for (key, value) in mapping {
                    let path = "max_group_size.\(key.string ?? "")"
                    guard let modality = enumValue(key, path, Modality.self), let size = integer(value, path) else {
                        continue
                    }
                    if let modalities, !modalities.contains(modality) {
                        fail(path, "el curso no se imparte en modalidad \(modality.rawValue)")
                    }
                    if size <= 0 { fail(path, "el cupo máximo debe ser mayor que cero") }
                    sizes[modality.rawValue] = size
                }
                if mapping.count == 0 { fail("max_group_size", "falta el cupo de alguna modalidad") }
                groupSizes = sizes
                maxGroupSize = sizes.values.min()
            } else {
                maxGroupSize = integer(node, "max_group_size")
                if let maxGroupSize, maxGroupSize <= 0 {
                    fail("max_group_size", "el cupo máximo debe ser mayor que cero")
                }
            }
        }
        let prerequisites =
            values["prerequisites"].map { node in
                list(node, "prerequisites") { decoder, node, path in decoder.text(node, path) } ?? []
            } ?? []
        let counts = values["counts_for_indicator"].flatMap { flag($0, "counts_for_indicator") }
        let history =
            values["history"].map { node in
                list(node, "history") { decoder, node, path in decoder.event(node, path) } ?? []
            } ?? []

        guard issues.isEmpty, let code, let program, let level, let title, let modalities, let hours, let audience,
            let objectives, let temario, let evaluation, let passing, let maxGroupSize, let counts
        else { return nil }
        var course = Course(
            code: code, program: program, level: level, title: title, modalities: modalities, hours: hours,
            audience: audience, objectives: objectives, temario: temario, evaluation: evaluation,
            passing: passing, maxGroupSize: maxGroupSize, prerequisites: prerequisites, countsForIndicator: counts)
        course.groupSizes = groupSizes
        course.history = history.sorted { ($0.date, $0.kind.rawValue) < ($1.date, $1.kind.rawValue) }
        return course
    }

    /// One event of `history`: `date` (AAAA-MM-DD), `event` (aprobacion, actualizacion), and
    /// optionally the plenary's `session` and the `source` it is taken from.
    private mutating func event(_ node: Node, _ path: String) -> CourseEvent? {
        guard let mapping = node.mapping else {
            fail(path, "se esperaba un mapa con date, event, session y source")
            return nil
        }
        var date: CalendarDate?
        var kind: CourseEvent.Kind?
        var session: String?
        var source: String?
        for (key, value) in mapping {
            let name = key.string ?? "?"
            switch name {
            case "date":
                if let text = text(value, "\(path).date") {
                    date = CalendarDate.parse(text)
                    if date == nil { fail("\(path).date", "no es una fecha (AAAA-MM-DD): \(text.prefix(20))") }
                }
            case "event": kind = enumValue(value, "\(path).event", CourseEvent.Kind.self)
            case "session": session = text(value, "\(path).session")
            case "source": source = text(value, "\(path).source")
            default: fail("\(path).\(name)", "campo desconocido")
            }
        }
        if mapping["date"] == nil { fail("\(path).date", "falta el campo") }
        if mapping["event"] == nil { fail("\(path).event", "falta el campo") }
        guard let date, let kind else { return nil }
        return CourseEvent(date: date, kind: kind, session: session, source: source)
    }

    // MARK: - Typed fields

    private mutating func text(_ node: Node, _ path: String) -> String? {
        guard let scalar = node.scalar else {
            fail(path, "se esperaba un texto")
            return nil
        }
        let value = scalar.string.trimmingSpaces()
        if value.isEmpty { fail(path, "está vacío") }
        return value.isEmpty ? nil : value
    }

    private mutating func number(_ node: Node, _ path: String) -> Double? {
        guard let string = node.scalar?.string, let value = Double(string), value.isFinite else {
            fail(path, "se esperaba un número")
            return nil
        }
        return value
    }

    private mutating func integer(_ node: Node, _ path: String) -> Int? {
        guard let string = node.scalar?.string, let value = Int(string) else {
            fail(path, "se esperaba un número entero")
            return nil
        }
        return value
    }

    private mutating func flag(_ node: Node, _ path: String) -> Bool? {
        guard let value = node.scalar.flatMap(Bool.construct) else {
            fail(path, "se esperaba true o false")
            return nil
        }
        return value
    }

    private mutating func enumValue<T: RawRepresentable>(_ node: Node, _ path: String, _ type: T.Type) -> T?
    where T.RawValue == String, T: CaseIterable {
        guard let raw = node.scalar?.string else {
            fail(path, "se esperaba un texto")
            return nil
        }
        guard let value = T(rawValue: raw) else {
            fail(path, "valor no válido «\(raw)» (válidos: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        return value
    }

    /// Decodes every element; nil when the node is not a list or any element failed.
    private mutating func list<T>(_ node: Node, _ path: String, _ element: (inout CourseDecoder, Node, String) -> T?)
        -> [T]?
    {
        guard let sequence = node.sequence else {
            fail(path, "se esperaba una lista")
            return nil
        }
        var values: [T] = []
        var failed = false
        for (index, item) in sequence.enumerated() {
            if let value = element(&self, item, "\(path)[\(index + 1)]") { values.append(value) } else { failed = true }
        }
        return failed ? nil : values
    }

    private mutating func topic(_ node: Node, _ path: String) -> Topic? {
        guard let mapping = node.mapping else {
            fail(path, "se esperaba un tema con topic y hours")
            return nil
        }
        var topic: String?
        var hours: Double?
        for (key, value) in mapping {
            switch key.string {
            case "topic": topic = text(value, "\(path).topic")
            case "hours":
                hours = number(value, "\(path).hours")
                if let given = hours, given <= 0 {
                    fail("\(path).hours", "las horas deben ser mayores que cero")
                    hours = nil
                }
            default: fail("\(path).\(key.string ?? "?")", "campo desconocido")
            }
        }
        if mapping["topic"] == nil { fail("\(path).topic", "falta el campo") }
        if mapping["hours"] == nil { fail("\(path).hours", "falta el campo") }
        guard let topic, let hours else { return nil }
        return Topic(topic: topic, hours: hours)
    }

    private mutating func passingRule(_ node: Node) -> PassingRule? {
        guard let mapping = node.mapping else {
            fail("passing", "se esperaba min_score y min_attendance")
            return nil
        }
        var score: Double?
        var attendance: Double?
        // Optional: a course that does not say takes the documented default.
        var justified: JustifiedAbsences? = .default
        for (key, value) in mapping {
            switch key.string {
            case "min_score": score = percent(value, "passing.min_score")
            case "min_attendance": attendance = percent(value, "passing.min_attendance")
            case "justified_absences":
                justified = enumValue(value, "passing.justified_absences", JustifiedAbsences.self)
            default: fail("passing.\(key.string ?? "?")", "campo desconocido")
            }
        }
        if mapping["min_score"] == nil { fail("passing.min_score", "falta el campo") }
        if mapping["min_attendance"] == nil { fail("passing.min_attendance", "falta el campo") }
        guard let score, let attendance, let justified else { return nil }
        return PassingRule(minScore: score, minAttendance: attendance, justifiedAbsences: justified)
    }

    private mutating func percent(_ node: Node, _ path: String) -> Double? {
        guard let value = number(node, path) else { return nil }
        guard (0...100).contains(value) else {
            fail(path, "debe estar entre 0 y 100")
            return nil
        }
        return value
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

import CapacitaFiles
import Yams

extension FichaReader {
    /// Collects one ficha's values and problems from a YAML node or a CSV row.
    struct Builder {
        let prefix: String
        let line: Int
        var issues: [ImportIssue] = []

        mutating func fail(_ path: String, _ value: String, _ message: String) {
            issues.append(ImportIssue(line: line, column: prefix + path, value: value, message: message))
        }

        // MARK: Values

        mutating func count(_ text: String?, _ path: String, required: Bool = true) -> Int? {
            guard let text, !text.isEmpty else {
                if required { fail(path, "", "falta el campo") }
                return required ? nil : 0
            }
            guard let value = CellParsing.count(text) else {
                fail(path, text, "debe ser un número entero no negativo")
                return nil
            }
            return value
        }

        mutating func agency(_ text: String?, registry: AgencyRegistry) -> String? {
            guard let text, !text.isEmpty else {
                fail("dependencia", "", "falta el campo")
                return nil
            }
            switch registry.lookup(text) {
            case .success(let agency): return agency.code
            case .failure(let failure):
                fail("dependencia", text, failure.message)
                return nil
            }
        }

        mutating func year(_ text: String?, years: ClosedRange<Int>) -> Int? {
            guard let value = count(text, "anio") else { return nil }
            guard years.contains(value) else {
                fail("anio", String(value), "año no plausible (\(years.lowerBound)-\(years.upperBound))")
                return nil
            }
            return value
        }

        /// A breakdown: every known category, each a count; unknown categories refused.
        mutating func breakdown(_ values: [String: String], _ group: String, keys: [String], optional: Set<String> = [])
            -> [String: Int]?
        {
            var result: [String: Int] = [:]
            var failed = false
            for (key, text) in values where !keys.contains(key) {
                fail("\(group).\(key)", text, "categoría desconocida (válidas: \(keys.joined(separator: ", ")))")
                failed = true
            }
            for key in keys {
                if let value = count(values[key], "\(group).\(key)", required: !optional.contains(key)) {
                    result[key] = value
                } else {
                    failed = true
                }
            }
            return failed ? nil : result
        }

        // MARK: Whole ficha

        mutating func assemble(
            agency: String?, year: Int?, total: Int?, hombres: Int?, mujeres: Int?, otro: Int?,
            edad: [String: Int]?, escolaridad: [String: Int]?, area: [String: Int]?, puestos: [Ficha.Position]?,
            cursos: [Ficha.PriorCourse]?, necesidades: [String: Int]?, observaciones: String?
        ) -> Ficha? {
            if let total, let hombres, let mujeres, let otro, hombres + mujeres + otro != total {
                fail("total", String(total), "hombres + mujeres + otro suman \(hombres + mujeres + otro), no \(total)")
            }
            for (group, values) in [("edad", edad), ("escolaridad", escolaridad), ("area", area)] {
                if let total, let values {
                    let sum = values.values.reduce(0, +)
                    if sum != total { fail(group, String(sum), "\(group) suma \(sum) y el total es \(total)") }
                }
            }
            if let total, let puestos {
                let sum = puestos.reduce(0) { $0 + $1.personas }
                if sum > total {
                    fail("puestos", String(sum), "los puestos suman \(sum) personas, más que el total (\(total))")
                }
            }
            guard issues.isEmpty, let agency, let year, let total, let hombres, let mujeres, let otro, let edad,
                let escolaridad,
                let area, let puestos, let cursos, let necesidades
            else { return nil }
            return Ficha(
                agencyCode: agency, year: year, total: total, hombres: hombres, mujeres: mujeres, otro: otro,
                edad: edad,
                escolaridad: escolaridad, area: area, puestos: puestos, cursosPrevios: cursos, necesidades: necesidades,
                observaciones: observaciones.flatMap { $0.isEmpty ? nil : $0 })
        }

        // MARK: YAML / JSON

        mutating func build(from node: Node, reader: FichaReader) -> Ficha? {
            guard let mapping = node.mapping else {
                fail("", "", "se esperaba un mapa de campos")
                return nil
            }
            var values: [String: Node] = [:]
            for (key, value) in mapping {
                let name = key.string ?? "?"
                if FichaReader.fields.contains(name) {
                    values[name] = value
                } else {
                    fail(name, "", "campo desconocido")
                }
            }
            func scalar(_ name: String) -> String? { values[name]?.scalar?.string }
            func map(_ name: String) -> [String: String] {
                guard let node = values[name] else { return [:] }
                guard let mapping = node.mapping else {
                    fail(name, "", "se esperaba un mapa de categorías")
                    return [:]
                }
                var result: [String: String] = [:]
                for (key, value) in mapping { result[key.string ?? "?"] = value.scalar?.string ?? "" }
                return result
            }
            let agency = agency(scalar("dependencia"), registry: reader.registry)
            let year = year(scalar("anio"), years: reader.years)
            let total = count(scalar("total"), "total")
            let hombres = count(scalar("hombres"), "hombres")
            let mujeres = count(scalar("mujeres"), "mujeres")
            let otro = count(scalar("otro"), "otro", required: false)
            if values["edad"] == nil { fail("edad", "", "falta el campo") }
            if values["escolaridad"] == nil { fail("escolaridad", "", "falta el campo") }
            if values["area"] == nil { fail("area", "", "falta el campo") }
            let edad = breakdown(map("edad"), "edad", keys: FichaShape.ageRanges)
            let escolaridad = breakdown(map("escolaridad"), "escolaridad", keys: FichaShape.education)
            let area = breakdown(map("area"), "area", keys: FichaShape.areas, optional: ["otra"])
            let necesidades = breakdown(
                map("necesidades"), "necesidades", keys: FichaShape.needs, optional: Set(FichaShape.needs))
            var puestos: [Ficha.Position]? = []
            if let list = values["puestos"] {
                puestos = positions(
                    list.sequence?.map { item in
                        (item.mapping.map { m in
                            Dictionary(
                                m.map { ($0.key.string ?? "?", $0.value.scalar?.string ?? "") },
                                uniquingKeysWith: { a, _ in a })
                        }) ?? [:]
                    } ?? [], isList: list.sequence != nil)
            }
            var cursos: [Ficha.PriorCourse]? = []
            if let list = values["cursos_previos"] {
                cursos = priorCourses(
                    list.sequence?.map { item in
                        (item.mapping.map { m in
                            Dictionary(
                                m.map { ($0.key.string ?? "?", $0.value.scalar?.string ?? "") },
                                uniquingKeysWith: { a, _ in a })
                        }) ?? [:]
                    } ?? [], isList: list.sequence != nil)
            }
            return assemble(
                agency: agency, year: year, total: total, hombres: hombres, mujeres: mujeres, otro: otro, edad: edad,
                escolaridad: escolaridad, area: area, puestos: puestos, cursos: cursos, necesidades: necesidades,
                observaciones: scalar("observaciones"))
        }

        mutating func positions(_ items: [[String: String]], isList: Bool) -> [Ficha.Position]? {
            guard isList else {
                fail("puestos", "", "se esperaba una lista de {puesto, nivel, personas}")
                return nil
            }
            var result: [Ficha.Position] = []
            var failed = false
            for (index, item) in items.enumerated() {
                let path = "puestos[\(index + 1)]"
                for key in item.keys where !["puesto", "nivel", "personas"].contains(key) {
                    fail("\(path).\(key)", "", "campo desconocido")
                }
                let name = item["puesto"] ?? ""
                if name.isEmpty { fail("\(path).puesto", "", "falta el puesto") }
                let tier = Tier(rawValue: NameKey.make(item["nivel"] ?? ""))
                if tier == nil { fail("\(path).nivel", item["nivel"] ?? "", "debe ser alto, medio u operativo") }
                let people = count(item["personas"], "\(path).personas")
                if let tier, let people, !name.isEmpty {
                    result.append(Ficha.Position(puesto: name, nivel: tier, personas: people))
                } else {
                    failed = true
                }
            }
            return failed ? nil : result
        }

        mutating func priorCourses(_ items: [[String: String]], isList: Bool) -> [Ficha.PriorCourse]? {
            guard isList else {
                fail("cursos_previos", "", "se esperaba una lista de {curso, personas}")
                return nil
            }
            var result: [Ficha.PriorCourse] = []
            var failed = false
            for (index, item) in items.enumerated() {
                let path = "cursos_previos[\(index + 1)]"
                for key in item.keys where !["curso", "personas"].contains(key) {
                    fail("\(path).\(key)", "", "campo desconocido")
                }
                let name = item["curso"] ?? ""
                if name.isEmpty { fail("\(path).curso", "", "falta el curso") }
                let people = count(item["personas"], "\(path).personas")
                if let people, !name.isEmpty {
                    result.append(Ficha.PriorCourse(curso: name, personas: people))
                } else {
                    failed = true
                }
            }
            return failed ? nil : result
        }

        // MARK: CSV

        mutating func build(from row: CSVRow, reader: FichaReader) -> Ficha? {
            func cell(_ name: String) -> String? { row.has(name) ? row[name] : nil }
            func group(_ name: String, _ keys: [String]) -> [String: String] {
                var values: [String: String] = [:]
                for key in keys { if let text = cell(FichaShape.csvColumn(name, key)) { values[key] = text } }
                return values
            }
            let agency = agency(cell("dependencia"), registry: reader.registry)
            let year = year(cell("anio"), years: reader.years)
            let total = count(cell("total"), "total")
            let hombres = count(cell("hombres"), "hombres")
            let mujeres = count(cell("mujeres"), "mujeres")
            let otro = count(cell("otro"), "otro", required: false)
            let edad = breakdown(group("edad", FichaShape.ageRanges), "edad", keys: FichaShape.ageRanges)
            let escolaridad = breakdown(
                group("escolaridad", FichaShape.education), "escolaridad", keys: FichaShape.education)
            let area = breakdown(group("area", FichaShape.areas), "area", keys: FichaShape.areas, optional: ["otra"])
            let necesidades = breakdown(
                group("necesidades", FichaShape.needs), "necesidades", keys: FichaShape.needs,
                optional: Set(FichaShape.needs))
            let puestos = positions(
                split(cell("puestos")).map { parts in
                    ["puesto": parts[safe: 0] ?? "", "nivel": parts[safe: 1] ?? "", "personas": parts[safe: 2] ?? ""]
                }, isList: true)
            let cursos = priorCourses(
                split(cell("cursos_previos")).map { parts in
                    [
                        "curso": parts.dropLast().joined(separator: ":"),
                        "personas": parts.count > 1 ? parts.last ?? "" : "",
                    ]
                }, isList: true)
            return assemble(
                agency: agency, year: year, total: total, hombres: hombres, mujeres: mujeres, otro: otro, edad: edad,
                escolaridad: escolaridad, area: area, puestos: puestos, cursos: cursos, necesidades: necesidades,
                observaciones: cell("observaciones"))
        }

        /// `a:b:c|d:e:f` into [[a, b, c], [d, e, f]].
        private func split(_ text: String?) -> [[String]] {
            guard let text, !text.isEmpty else { return [] }
            return text.split(separator: "|").map {
                $0.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            }
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

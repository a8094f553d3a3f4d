/// An agency's ficha diagnóstica for a year (Anexo I of the 2018 program): an aggregate profile of
/// the people it will send to training, not a list of people.
public struct Ficha: Sendable, Equatable, Codable {
    public var agencyCode: String
    public var year: Int
    public var total: Int
    public var hombres: Int
    public var mujeres: Int
    public var otro: Int
    /// Counts per age range, keyed as `FichaShape.ageRanges`.
    public var edad: [String: Int]
    /// Counts per education level, keyed as `FichaShape.education`.
    public var escolaridad: [String: Int]
    /// Counts per area of knowledge, keyed as `FichaShape.areas`.
    public var area: [String: Int]
    public var puestos: [Position]
    public var cursosPrevios: [PriorCourse]
    /// People the agency asks to train per level, keyed as `FichaShape.needs`.
    public var necesidades: [String: Int]
    public var observaciones: String?

    public struct Position: Sendable, Equatable, Codable {
        public var puesto: String
        public var nivel: Tier
        public var personas: Int

        public init(puesto: String, nivel: Tier, personas: Int) {
            self.puesto = puesto
            self.nivel = nivel
            self.personas = personas
        }
    }

    public struct PriorCourse: Sendable, Equatable, Codable {
        public var curso: String
        public var personas: Int

        public init(curso: String, personas: Int) {
            self.curso = curso
            self.personas = personas
        }
    }

    enum CodingKeys: String, CodingKey {
        case agencyCode = "dependencia"
        case year = "anio"
        case total, hombres, mujeres, otro, edad, escolaridad, area, puestos
        case cursosPrevios = "cursos_previos"
        case necesidades, observaciones
    }

    /// People in the puestos of each tier: who is to be trained, by tier.
    public var peopleByTier: [Tier: Int] {
        var counts: [Tier: Int] = [:]
        for position in puestos { counts[position.nivel, default: 0] += position.personas }
        return counts
    }
}

/// The categories of each breakdown, as Anexo I lists them.
public enum FichaShape {
    public static let ageRanges = ["18-29", "30-44", "45-59", "60+"]
    public static let education = ["secundaria", "medio_superior", "licenciatura_o_superior"]
    public static let areas = [
        "economico_administrativo", "leyes", "ingenierias", "tecnologias_de_la_informacion",
        "ciencias_sociales", "medicina_general", "otra",
    ]
    /// The levels of the 2018 design the ficha asks about.
    public static let needs = ["capacitacion", "especializacion", "formador"]

    /// The CSV column of a category: edad_18_29, edad_60_mas, escolaridad_secundaria, …
    public static func csvColumn(_ group: String, _ key: String) -> String {
        group + "_" + key.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: "+", with: "_mas")
    }
}

import CapacitaFiles

/// What a blank workbook for an agency to fill in holds (`capacita template …`): the import's own
/// columns, in its order, each with what it means, an example and what a cell may hold, so a
/// spreadsheet prevents the errors an import would otherwise report after the fact.
public enum TemplateKind: String, Sendable, CaseIterable {
    case enroll, groups, results, headcounts

    /// The columns the import reads, from its own specification: a template can never ask for a
    /// column the import does not know.
    public var columns: [ColumnSpec] {
        switch self {
        case .enroll: return EnrollmentValidator.columns
        case .groups: return GroupFile.columns
        case .results: return ResultsValidator.columns
        case .headcounts: return HeadcountFile.columns
        }
    }

    public var title: String {
        switch self {
        case .enroll: return "Inscripción de participantes"
        case .groups: return "Grupos y eventos"
        case .results: return "Resultados de un grupo"
        case .headcounts: return "Plantilla de personal por nivel de mando"
        }
    }

    /// The command that imports a filled-in copy.
    public var importCommand: String {
        switch self {
        case .enroll: return "capacita enroll import plantilla.xlsx --group CLAVE"
        case .groups: return "capacita group import plantilla.xlsx"
        case .results: return "capacita results import plantilla.xlsx --group CLAVE"
        case .headcounts: return "capacita headcount import plantilla.xlsx"
        }
    }
}

/// What a cell of a column may hold, as a spreadsheet can check it.
public enum TemplateCheck: Sendable, Equatable {
    case none
    /// Kept as text, so a spreadsheet does not turn a CURP or a code into a number.
    case text
    /// One of a list of values.
    case list(TemplateList)
    case date
    case whole(ClosedRange<Int>)
    case number(ClosedRange<Double>)
}

/// The lists a template offers in drop-downs; their values come from the registry, the catalog
/// and the tier mapping when the template is written.
public enum TemplateList: String, Sendable, CaseIterable {
    case tiers, sexes, agencies, groups, courses, kinds, modalities, states, formats
}

public struct TemplateColumn: Sendable, Equatable {
    public var name: String
    public var required: Bool
    public var meaning: String
    public var example: String
    public var check: TemplateCheck
}

/// The values of each list for one template, and who it is for.
public struct TemplateLists: Sendable {
    public var values: [TemplateList: [String]]
    /// The names beside the agency codes, so a person can find their own.
    public var agencyNames: [String: String]
    /// The agency a template was made for (`--agency`): the only dependencia it offers.
    public var agency: String?

    public init(values: [TemplateList: [String]], agencyNames: [String: String] = [:], agency: String?) {
        self.values = values
        self.agencyNames = agencyNames
        self.agency = agency
    }

    public subscript(list: TemplateList) -> [String] { values[list] ?? [] }
}

public enum TemplateGuide {
    /// Every column of a kind's import, in its order.
    public static func columns(_ kind: TemplateKind) -> [TemplateColumn] {
        kind.columns.map { spec in
            let help = help(kind, spec.name)
            return TemplateColumn(
                name: spec.name, required: spec.required, meaning: help.meaning, example: help.example,
                check: help.check)
        }
    }

    /// How to fill in and send back a template, for its explanation sheet.
    public static func instructions(_ kind: TemplateKind) -> [String] {
        [
            "Llene una fila por registro en la primera hoja, debajo del encabezado; no cambie los nombres de las columnas.",
            "Las columnas marcadas como obligatorias no pueden quedar vacías; las demás pueden dejarse en blanco.",
            "Donde hay una lista desplegable, elija un valor de ella: la hoja no acepta otro.",
            "Puede agregar un título o notas arriba del encabezado (hasta 10 filas) y dejar filas vacías: se ignoran.",
            "Guarde el archivo como libro de Excel (.xlsx) y súbalo, o impórtelo con: \(kind.importCommand)",
            "Si una fila tiene un problema no se importa nada y el informe dice la fila, la columna y el motivo: corrija y vuelva a subir el mismo archivo (la importación es idempotente).",
        ]
    }

    private struct Help {
        var meaning: String
        var example: String
        var check: TemplateCheck
    }

    private static func help(_ kind: TemplateKind, _ column: String) -> Help {
        let measure = ResultMeasure(rawValue: column)
        switch (kind, column) {
        case (_, "curp"):
            return Help(
                meaning: "CURP de 18 caracteres de la persona; se verifica su estructura y su dígito.",
                example: "GOMC850101MDFRRR09", check: .text)
        case (.enroll, "nombre"): return Help(meaning: "Nombre o nombres.", example: "María Fernanda", check: .text)
        case (.enroll, "primer_apellido"): return Help(meaning: "Primer apellido.", example: "Gómez", check: .text)
        case (.enroll, "segundo_apellido"):
            return Help(meaning: "Segundo apellido, si lo tiene.", example: "Cruz", check: .text)
        case (.enroll, "sexo"):
            return Help(
                meaning: "H, M o X; debe coincidir con el de la CURP. Vacío: se toma de la CURP.", example: "M",
                check: .list(.sexes))
        case (.enroll, "correo"):
            return Help(meaning: "Correo institucional.", example: "mfgomez@dependencia.gob.mx", check: .text)
        case (_, "dependencia"):
            return Help(
                meaning: "Instancia integrante, por su código (la lista de la hoja Listas tiene sus nombres).",
                example: "SICT", check: .list(.agencies))
        case (.enroll, "nivel"):
            return Help(
                meaning: "Grado o puesto, tal como lo reconoce la tabla de niveles de mando (alto, medio u operativo).",
                example: "enlace", check: .list(.tiers))
        case (.enroll, "puesto"):
            return Help(meaning: "Nombre del puesto, libre.", example: "Analista de normatividad", check: .text)
        case (.enroll, "grupo"), (.results, "grupo"):
            return Help(
                meaning: "Clave del grupo; puede omitirse si se indica el grupo al importar (--group).",
                example: "SICT-BAS-2026-01", check: .list(.groups))
        case (.groups, "grupo"):
            return Help(meaning: "Clave única del grupo o evento.", example: "SICT-BAS-2026-01", check: .text)
        case (.groups, "curso"):
            return Help(
                meaning: "Código del curso del catálogo; vacío para un evento fuera del catálogo.",
                example: "PNC22-BAS", check: .list(.courses))
        case (.groups, "tipo"):
            return Help(
                meaning: "capacitacion o sensibilizacion; vacío: se deduce del curso.", example: "capacitacion",
                check: .list(.kinds))
        case (.groups, "inicio"): return Help(meaning: "Fecha de inicio.", example: "2026-03-02", check: .date)
        case (.groups, "fin"): return Help(meaning: "Fecha de término, si la hay.", example: "2026-03-06", check: .date)
        case (.groups, "modalidad"):
            return Help(meaning: "presencial, en_linea o mixta.", example: "presencial", check: .list(.modalities))
        case (.groups, "entidad"):
            return Help(meaning: "Clave de la entidad federativa.", example: "DF", check: .list(.states))
        case (.groups, "cupo"):
            return Help(
                meaning: "Lugares del grupo; vacío: el cupo máximo del curso para su modalidad.", example: "40",
                check: .whole(1...Int(Int32.max)))
        case (.groups, "publico_general"), (.groups, "servidores_publicos"):
            return Help(
                meaning: "Personas alcanzadas en un evento de sensibilización (conteo, sin lista).", example: "120",
                check: .whole(0...Int(Int32.max)))
        case (.groups, "formato"):
            return Help(
                meaning:
                    "Cómo se impartió el evento: platica, curso, taller, conferencia, obra_de_teatro, video u otro; puede quedar vacío.",
                example: "platica", check: .list(.formats))
        case (.groups, "aliado"):
            return Help(
                meaning:
                    "Organización que impartió el evento con la instancia, si la hubo (texto libre, hasta 200 caracteres).",
                example: "Organización Internacional para las Migraciones (OIM)", check: .text)
        case (.results, _) where measure != nil:
            let range = measure!.range
            if measure!.isReaction {
                return Help(
                    meaning:
                        "Evaluación de reacción, número entero de \(Int(range.lowerBound)) a \(Int(range.upperBound)).",
                    example: "4", check: .whole(Int(range.lowerBound)...Int(range.upperBound)))
            }
            return Help(
                meaning:
                    "\(measureMeaning(measure!)), de \(Int(range.lowerBound)) a \(Int(range.upperBound)); vacío: no se cambia lo registrado.",
                example: "85", check: .number(range))
        case (.headcounts, "anio"):
            return Help(meaning: "Año de la plantilla.", example: "2026", check: .whole(HeadcountFile.years))
        case (.headcounts, "alto"), (.headcounts, "medio"), (.headcounts, "operativo"):
            return Help(
                meaning: "Personas de la instancia en el nivel de mando \(column) ese año.", example: "25",
                check: .whole(0...Int(Int32.max)))
        default:
            return Help(meaning: "", example: "", check: .none)
        }
    }

    private static func measureMeaning(_ measure: ResultMeasure) -> String {
        switch measure {
        case .asistencia: return "Porcentaje de asistencia"
        case .pre: return "Calificación de la evaluación diagnóstica (antes del curso)"
        case .post: return "Calificación de la evaluación final (después del curso)"
        default: return "Calificación final"
        }
    }
}

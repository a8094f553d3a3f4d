/// Everything capacita holds about one person (the right of access): each table's rows about them,
/// column by column as the table keeps them. It is the person's own data, given to them: it holds
/// their CURP, names and e-mail in full, and goes to a file or to the Secretaría Técnica's download,
/// never to a log.
public struct PersonExport: Sendable, Equatable {
    /// A value as the table holds it, typed as JSON types it.
    public enum Value: Sendable, Hashable {
        case text(String)
        /// A number as PostgreSQL wrote it (`85.50`, `3`).
        case number(String)
        case bool(Bool)
        /// An object or an array (an audit row's detail, a ficha's document), as JSON text.
        case json(String)
        case null
    }

    public struct Section: Sendable, Equatable {
        /// The table's name in the database.
        public var source: String
        public var columns: [String]
        public var rows: [[Value]]

        public init(source: String, columns: [String] = [], rows: [[Value]] = []) {
            self.source = source
            self.columns = columns
            self.rows = rows
        }

        public var title: String { PersonExport.title(of: source) }
    }

    /// The CURP asked for (the person's own, in full).
    public var curp: String
    /// When the export was drawn, as the database's clock gave it (UTC).
    public var generatedAt: String
    /// Every source, in `sources` order, empty ones included (the person learns what is not held).
    public var sections: [Section]

    public init(curp: String, generatedAt: String, sections: [Section]) {
        self.curp = curp
        self.generatedAt = generatedAt
        self.sections = sections
    }

    /// Whether capacita holds anything about the CURP at all.
    public var isEmpty: Bool { sections.allSatisfy { $0.rows.isEmpty } }

    public func section(_ source: String) -> Section? { sections.first { $0.source == source } }

    /// The tables an export reads, in order (`person_export`: db/migrations/0037, 0039), with what each
    /// holds in Spanish. A ficha names no one (its observaciones are free text): the export says
    /// so when none does.
    public static let sources: [(source: String, title: String)] = [
        ("person", "Registro compartido de la persona"),
        ("person_agency", "Registro de cada instancia"),
        ("person_history", "Valores anteriores del registro"),
        ("enrollment", "Inscripciones y resultados"),
        ("result_history", "Resultados anteriores"),
        ("attendance_mark", "Asistencia por sesión"),
        ("constancia", "Constancias"),
        ("constancia_pdf", "PDF emitidos de sus constancias (su SHA-256)"),
        ("trained_year", "Resumen de capacitación por año (Parámetro 4.2)"),
        ("account_person", "Cuenta de instructor vinculada"),
        ("account", "Cuenta vinculada"),
        ("group_instructor", "Grupos asignados a la cuenta vinculada"),
        ("mail_outbox", "Correos dirigidos a sus direcciones (sin el texto)"),
        ("person_mail_opt_out", "Oposición a recibir correo"),
        ("arco_request", "Solicitudes de derechos ARCO"),
        ("ficha", "Fichas diagnósticas que la nombran"),
        ("audit_log", "Bitácora: registros que le conciernen"),
        ("participant_access", "Enlaces y sesiones de su página (/mis-constancias)"),
    ]

    public static func title(of source: String) -> String {
        sources.first { $0.source == source }?.title ?? source
    }
}

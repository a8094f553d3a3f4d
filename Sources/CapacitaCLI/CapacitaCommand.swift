import ArgumentParser

struct CapacitaCommand: ParsableCommand {
    /// Printed by `--version`; raised with each release that changes what users see.
    static let version = "0.5.0"

    static let configuration = CommandConfiguration(
        commandName: "capacita",
        abstract: "Programa Nacional de Capacitación en materia de trata de personas.",
        discussion: """
            La base de datos es DATABASE_URL; sin ella, la base local que inicia scripts/dev-db.
            Estado de salida: 0 éxito; 1 entrada rechazada (no se escribió nada); 2 uso incorrecto; \
            3 la base de datos no respondió o falló.
            """,
        version: "capacita \(version)",
        subcommands: [
            DBCommand.self, CatalogCommand.self, AgencyCommand.self, TiersCommand.self, GroupCommand.self,
            EnrollCommand.self, AttendanceCommand.self,
            ResultsCommand.self, ConstanciaCommand.self, HeadcountCommand.self, FichaCommand.self, ReportCommand.self,
            TemplateCommand.self, AuditCommand.self, TokenCommand.self, UserCommand.self, MailCommand.self,
            PersonaCommand.self, ArcoCommand.self,
            ServeCommand.self,
        ]
    )
}

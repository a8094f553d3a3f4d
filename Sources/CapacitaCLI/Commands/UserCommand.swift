import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaServer
import CapacitaStore
import Foundation

/// Accounts from the command line: how the first administrator of a new installation is made.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Cuentas de personas: se crean con una invitación por correo, se listan, se desactivan.",
        subcommands: [Create.self, List.self, Invite.self, Deactivate.self, Reactivate.self, LinkPerson.self]
    )

    /// The links' address and lifetimes, as the service reads them.
    static func settings() throws -> AccountSettings {
        do {
            return try AccountSettings.fromEnvironment(fallbackURL: "http://127.0.0.1:8080")
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Whether mail goes out: without a server, the link is printed for the operator to pass on.
    static var mailConfigured: Bool {
        !(ProcessInfo.processInfo.environment["CAPACITA_SMTP_URL"] ?? "").isEmpty
    }

    static func delivered(_ link: String, to email: String) {
        if mailConfigured {
            Failure.printError(
                "Invitación para \(email) en la cola de correo; sale con `capacita mail send` o con el servicio.")
        } else {
            Failure.printError(
                "No hay servidor de correo (CAPACITA_SMTP_URL): entregue este enlace a \(email); sirve una vez.")
            print(link)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crea una cuenta y le envía su invitación (o imprime el enlace si no hay correo).")

        @Option(name: .long, help: ArgumentHelp("Correo de la persona (único).", valueName: "correo")) var email: String
        @Option(name: .long, help: ArgumentHelp("Nombre completo.", valueName: "nombre")) var name: String
        @Option(
            name: .long, help: ArgumentHelp("admin, enlace o instructor.", valueName: "rol"),
            transform: { text in
                guard let role = Identity.Role(rawValue: text.lowercased()) else {
                    throw ValidationError("roles válidos: admin, enlace o instructor")
                }
                return role
            })
        var role: Identity.Role
        @Option(
            name: .long,
            help: ArgumentHelp("Instancia del enlace (código, nombre o nombre anterior).", valueName: "instancia"))
        var agency: String?
        @Option(name: .long, help: ArgumentHelp("Grupo que imparte el instructor (se repite).", valueName: "grupo"))
        var group: [String] = []
        @Option(
            name: .long,
            help: ArgumentHelp(
                "CURP de la persona que es el instructor (para el reporte de multiplicadores).", valueName: "curp"))
        var curp: String?

        func validate() throws { _ = try CurpArgument.parse(curp) }

        func run() throws {
            let curp = try CurpArgument.parse(self.curp)
            let settings = try UserCommand.settings()
            let connection = try Database.connect()
            let code = try agency.map { try ReferenceData.agencyCode($0, connection: connection, option: "--agency") }
            do {
                let created = try AccountStore(connection: connection).create(
                    .init(email: email, name: name, role: role, agency: code, groups: group, curp: curp),
                    linkLifetime: settings.invitationLifetime, link: settings.invitationLink, invitedBy: nil)
                Failure.printError("Cuenta \(created.id) creada para \(email.lowercased()) (\(role.rawValue)).")
                UserCommand.delivered(settings.invitationLink(created.secret), to: email.lowercased())
            } catch let problem as AccountStore.Problem {
                throw Refused(message: problem.description)
            }
        }
    }

    struct Invite: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Envía una invitación nueva a una cuenta que aún no elige su contraseña (la anterior deja de servir).")

        @Argument(help: ArgumentHelp("Correo de la cuenta.", valueName: "correo")) var email: String

        func run() throws {
            let settings = try UserCommand.settings()
            do {
                guard
                    let secret = try AccountStore(connection: try Database.connect()).reinvite(
                        email: email, linkLifetime: settings.invitationLifetime, link: settings.invitationLink,
                        invitedBy: nil)
                else {
                    throw Refused(message: "no hay una cuenta activa sin contraseña con ese correo")
                }
                UserCommand.delivered(settings.invitationLink(secret), to: email.lowercased())
            } catch let problem as AccountStore.Problem {
                throw Refused(message: problem.description)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista las cuentas (nunca contraseñas ni claves).")

        @OptionGroup var output: FormatOption

        func run() throws {
            let accounts = try AccountStore(connection: try Database.connect()).list()
            try output.emit(AccountTable.table(accounts), sheet: "Cuentas")
        }
    }

    struct Deactivate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Desactiva una cuenta: sus sesiones y sus tokens terminan en ese momento.")

        @Argument(help: ArgumentHelp("Correo de la cuenta.", valueName: "correo")) var email: String

        func run() throws { try UserCommand.setActive(email, false) }
    }

    struct Reactivate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Vuelve a activar una cuenta desactivada.")

        @Argument(help: ArgumentHelp("Correo de la cuenta.", valueName: "correo")) var email: String

        func run() throws { try UserCommand.setActive(email, true) }
    }

    static func setActive(_ email: String, _ active: Bool) throws {
        do {
            guard try AccountStore(connection: try Database.connect()).setActive(email: email, active) else {
                throw Refused(message: "no hay una cuenta con ese correo")
            }
            print("Cuenta \(TerminalText.cell(email.lowercased(), limit: 254)) \(active ? "activada" : "desactivada").")
        } catch let problem as AccountStore.Problem {
            throw Refused(message: problem.description)
        }
    }
}

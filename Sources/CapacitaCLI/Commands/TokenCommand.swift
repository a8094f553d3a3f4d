import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Tokens del servicio: se muestran una sola vez y se guarda solo su SHA-256.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crea un token e imprime el token completo, la única vez que se verá.",
            discussion: """
                Con --user, el token es de esa cuenta: actúa con su rol, su instancia y sus grupos, y termina con \
                ella. Sin --user, es un token propio, con --role (y --agency o --group); así se crearon antes de las \
                cuentas.
                """)

        @Option(
            name: .long,
            help: ArgumentHelp("La cuenta (su correo) en cuyo nombre actúa el token.", valueName: "correo"))
        var user: String?

        @Option(
            name: .long, help: ArgumentHelp("admin, enlace o instructor.", valueName: "rol"),
            transform: { text in
                guard let role = Identity.Role(rawValue: text.lowercased()) else {
                    throw ValidationError("roles válidos: admin, enlace o instructor")
                }
                return role
            })
        var role: Identity.Role?
        @Option(
            name: .long,
            help: ArgumentHelp("Instancia del enlace (código, nombre o nombre anterior).", valueName: "instancia"))
        var agency: String?
        @Option(name: .long, help: ArgumentHelp("Grupo asignado al instructor (se repite).", valueName: "grupo"))
        var group: [String] = []
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Nombre del token, una etiqueta como enlace-sict-2026 (único; es su usuario en la bitácora y en el registro del servicio; no ponga el nombre de una persona).",
                valueName: "nombre"))
        var name: String
        @Option(
            name: .long,
            help: ArgumentHelp("Vence al terminar este día (AAAA-MM-DD); sin ella, no vence.", valueName: "fecha"),
            transform: { text in
                guard let date = CalendarDate.parse(text) else { throw ValidationError("«\(text)» no es una fecha") }
                return date
            })
        var expires: CalendarDate?
        @OptionGroup var output: FormatOption

        func validate() throws {
            if user != nil, role != nil || agency != nil || !group.isEmpty {
                throw ValidationError(TokenStore.Problem.accountDecides.description)
            }
            if user == nil, role == nil {
                throw ValidationError("falta --role (o --user, para un token de una cuenta)")
            }
            // A secret shown once does not belong in a spreadsheet that is passed around.
            if output.format == .xlsx { throw ValidationError("un token no se escribe en un libro: use table o json") }
        }

        func run() throws {
            let connection = try Database.connect()
            let code = try agency.map { try ReferenceData.agencyCode($0, connection: connection, option: "--agency") }
            do {
                let tokens = TokenStore(connection: connection)
                let created =
                    if let user {
                        try tokens.create(account: user, name: name, expiresOn: expires, createdBy: Operator.name)
                    } else {
                        try tokens.create(
                            role: role ?? .instructor, agency: code, groups: group, name: name, expiresOn: expires,
                            createdBy: Operator.name)
                    }
                switch output.format {
                case .json:
                    try output.emit(JSONOutput.string(CreatedToken(token: created.token, record: created.record)))
                case .table, .csv, .xlsx:
                    try output.emit(created.token)
                    FileHandle.standardError.write(
                        Data("Token «\(created.record.name)» creado; guárdelo ahora: no se volverá a mostrar.\n".utf8))
                }
            } catch let problem as TokenStore.Problem {
                throw Refused(message: problem.description)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista los tokens (nunca el token ni su hash).")

        @OptionGroup var output: FormatOption

        func run() throws {
            let tokens = try TokenStore(connection: try Database.connect()).list()
            switch output.format {
            case .json: try output.emit(JSONOutput.string(tokens))
            case .table, .csv, .xlsx:
                try output.emit(
                    Table(
                        columns: [
                            "id", "name", "account", "role", "agency", "groups", "hint", "created_at", "expires_on",
                            "revoked_at",
                        ],
                        rows: tokens.map { token in
                            [
                                .int(Int(token.id)), .text(token.name), token.account.map(Cell.text) ?? .null,
                                .code(token.role),
                                token.agency.map(Cell.text) ?? .null, .list(token.groups), .text(token.hint + "…"),
                                .text(token.createdAt), token.expiresOn.map(Cell.date) ?? .null,
                                token.revokedAt.map(Cell.text) ?? .null,
                            ]
                        }
                    ), sheet: "Tokens")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoca un token por su nombre o id; se rechaza desde la siguiente petición.",
            discussion: "Los tokens de una cuenta se revocan por su id (capacita token list lo muestra).")

        @Argument(help: ArgumentHelp("Nombre o id del token.", valueName: "nombre")) var token: String

        func run() throws {
            do {
                try TokenStore(connection: try Database.connect()).revoke(token)
                print("Token «\(TerminalText.cell(token, limit: 100))» revocado.")
            } catch let problem as TokenStore.Problem {
                throw Refused(message: problem.description)
            }
        }
    }
}

/// The JSON of a created token: the token itself, once, beside its record.
struct CreatedToken: Encodable {
    var token: String
    var record: TokenStore.Token
}

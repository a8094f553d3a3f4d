import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Bitácora de escrituras: quién, qué, sobre qué y cuándo (solo se agrega, nunca se cambia).",
        subcommands: [List.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lista la bitácora, lo más reciente primero.")

        @Option(
            name: .long, help: ArgumentHelp("Desde esta fecha (AAAA-MM-DD o DD/MM/AAAA).", valueName: "fecha"),
            transform: { text in
                guard let date = CalendarDate.parse(text) else { throw ValidationError("«\(text)» no es una fecha") }
                return date
            })
        var since: CalendarDate?
        @Option(name: .long, help: ArgumentHelp("Solo una instancia.", valueName: "instancia")) var agency: String?
        @Option(
            name: .long, help: ArgumentHelp("Cuántos registros a lo más (predeterminado: 1000).", valueName: "número"))
        var limit: Int = 1000
        @OptionGroup var output: FormatOption

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit va de 1 a 100000") }
        }

        func run() throws {
            let connection = try Database.connect()
            let code = try agency.map { try ReferenceData.agencyCode($0, connection: connection, option: "--agency") }
            let entries = try AuditStore(connection: connection).list(since: since, agency: code, limit: limit)
            switch output.format {
            case .json: try output.emit(JSONOutput.string(entries))
            case .table, .csv, .xlsx:
                try output.emit(AuditTable.table(entries), sheet: "Bitácora")
            }
        }
    }
}

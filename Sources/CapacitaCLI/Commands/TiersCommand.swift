import ArgumentParser
import Capacita
import CapacitaOutput

struct TiersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiers",
        abstract: "Tabla de niveles: grado o puesto → mando alto, medio u operativo (db/seed/tiers.csv).",
        subcommands: [Show.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra la tabla de niveles en vigor.")

        @OptionGroup var output: FormatOption

        func run() throws {
            let table = try ReferenceData.tierTable()
            let rows =
                table.entries.map { [Cell.text($0.label), .code($0.tier.rawValue)] }
                + Tier.allCases.map { [Cell.text($0.rawValue), .code($0.rawValue)] }
            try output.emit(Table(columns: ["nivel", "tier"], rows: rows), sheet: "Niveles de mando")
        }
    }
}

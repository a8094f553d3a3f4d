import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

/// A CURP given on the command line: checked in full, or a usage error that never echoes it whole
/// (read in `validate()`, not by the parser, whose message would repeat the value).
enum CurpArgument {
    static func parse(_ text: String?) throws -> Curp? {
        guard let text else { return nil }
        guard text.utf8.count <= 40 else { throw ValidationError("--curp: una CURP tiene 18 caracteres") }
        switch Curp.parse(text) {
        case .success(let curp): return curp
        case .failure(let problem): throw ValidationError("--curp \(Curp.mask(text)): \(problem.message)")
        }
    }
}

extension ReportCommand {
    struct Multipliers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "multiplicadores",
            abstract:
                "Multiplicadores: quienes acreditaron Formador y después impartieron grupos, y a cuántas personas llegaron."
        )

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Año en que iniciaron los grupos que impartieron (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int
        @OptionGroup var output: FormatOption

        func run() throws {
            // A terminal masks every CURP, as `report group` does: a screen is looked at over a shoulder.
            guard
                let report = try ReportLoader(connection: try Database.connect(), masksEveryCURP: true).multipliers(
                    period: .year(year))
            else { throw Refused(message: "el reporte de multiplicadores es de la Secretaría Técnica y los enlaces") }
            try output.emit(report)
        }
    }
}

extension UserCommand {
    struct LinkPerson: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link-person",
            abstract:
                "Vincula la cuenta de un instructor con la persona que es (su CURP), para el reporte de multiplicadores."
        )

        @Argument(help: ArgumentHelp("Correo de la cuenta del instructor.", valueName: "correo")) var email: String
        @Option(name: .long, help: ArgumentHelp("CURP de la persona.", valueName: "curp")) var curp: String?
        @Flag(name: .long, help: "Quita el vínculo de la cuenta con su persona.") var remove = false

        func validate() throws {
            guard (curp != nil) != remove else { throw ValidationError("indique --curp o --remove, uno de los dos") }
            _ = try CurpArgument.parse(curp)
        }

        func run() throws {
            let curp = try CurpArgument.parse(self.curp)
            let store = MultiplierStore(connection: try Database.connect())
            do {
                guard try store.link(email: email, to: remove ? nil : curp) else {
                    throw Refused(message: "no hay una cuenta con ese correo")
                }
            } catch let problem as MultiplierStore.Problem {
                throw Refused(message: problem.description)
            }
            let account = TerminalText.cell(email.lowercased(), limit: 254)
            if let curp, !remove {
                print("Cuenta \(account) vinculada con la CURP \(curp.masked).")
            } else {
                print("Cuenta \(account) sin persona vinculada.")
            }
        }
    }
}

import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

/// The register of ARCO requests (acceso, rectificación, cancelación, oposición): filed with the
/// day received, answered within 20 working days (the calendar is db/seed/dias-inhabiles.csv),
/// listed with what is due and what is overdue, and closed with what was done.
struct ArcoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arco",
        abstract: "Registro de solicitudes de derechos ARCO: su plazo legal, su estado y lo que se hizo.",
        subcommands: [File.self, List.self, Close.self]
    )

    static func refusal(_ problem: ArcoStore.Problem) -> Refused {
        Refused(message: problem.description.prefix(1).uppercased() + problem.description.dropFirst() + ".")
    }

    struct File: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "file",
            abstract: "Registra una solicitud; su plazo vence 20 días hábiles después del día en que se recibió.")

        @Argument(
            help: ArgumentHelp(
                "Tipo: acceso, rectificacion, cancelacion u oposicion.", valueName: "tipo"),
            transform: { text in
                guard let kind = ArcoRequest.Kind(rawValue: text.lowercased()) else {
                    throw ValidationError("el tipo es acceso, rectificacion, cancelacion u oposicion")
                }
                return kind
            })
        var kind: ArcoRequest.Kind
        @Argument(help: ArgumentHelp("CURP de la persona titular.", valueName: "curp")) var curp: String
        @Option(
            name: .long,
            help: ArgumentHelp("Día en que se recibió (AAAA-MM-DD; predeterminado: hoy).", valueName: "fecha"))
        var received: String?
        @Option(
            name: .long,
            help: ArgumentHelp("Medio: escrito, correo, pnt (predeterminado: escrito).", valueName: "medio"))
        var channel = "escrito"
        @Option(name: .long, help: ArgumentHelp("Qué pide, en pocas palabras.", valueName: "texto")) var detail: String?

        func validate() throws {
            _ = try PersonCurpArgument.parse(curp)
            if let received, CalendarDate.parse(received) == nil { throw ValidationError("--received: AAAA-MM-DD") }
            guard let medium = ArcoRequest.Channel(rawValue: channel.lowercased()), medium != .participante else {
                throw ValidationError("--channel es escrito, correo o pnt")
            }
        }

        func run() throws {
            let curp = try PersonCurpArgument.parse(self.curp)
            let day = received.flatMap(CalendarDate.parse) ?? ArcoStore.today
            let register = ArcoStore(connection: try Database.connect(), calendar: try ReferenceData.workingCalendar())
            do {
                let id = try register.file(
                    kind: kind, curp: curp, received: day, detail: detail,
                    channel: ArcoRequest.Channel(rawValue: channel.lowercased()) ?? .escrito)
                let due = ArcoDeadline.due(receivedOn: day, calendar: register.calendar)
                print(
                    "Solicitud \(id) de \(kind.label) de \(curp.masked), recibida el \(day); vence el \(due) "
                        + "(\(ArcoDeadline.workingDays) días hábiles).")
            } catch let problem as ArcoStore.Problem {
                throw ArcoCommand.refusal(problem)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Las solicitudes: las abiertas primero por su vencimiento, marcadas «vencida» al pasar su plazo.")

        @Flag(name: .long, help: "Solo las abiertas (recibidas o en proceso).") var open = false
        @OptionGroup var output: FormatOption

        func run() throws {
            let register = ArcoStore(connection: try Database.connect(), calendar: try ReferenceData.workingCalendar())
            let today = ArcoStore.today
            let requests = try register.list(openOnly: open)
            let overdue = requests.filter { $0.isOverdue(today: today) }.count
            if output.format == .table {
                Failure.printError(
                    "\(Plural.count(requests.filter(\.state.isOpen).count, "solicitud abierta", "solicitudes abiertas")), "
                        + "\(Plural.count(overdue, "vencida", "vencidas")) al \(today).")
            }
            try output.emit(ArcoTable.table(requests, today: today, calendar: register.calendar), sheet: "ARCO")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract: "Cierra una solicitud (atendida o improcedente) con lo que se hizo, o la pasa a «en proceso».")

        @Argument(help: ArgumentHelp("Número de la solicitud.", valueName: "n")) var id: Int64
        @Option(
            name: .long,
            help: ArgumentHelp("atendida, improcedente o en_proceso (predeterminado: atendida).", valueName: "estado"))
        var state = "atendida"
        @Option(name: .long, help: ArgumentHelp("Lo que se hizo o por qué no procede.", valueName: "texto"))
        var outcome: String?

        func validate() throws {
            guard let state = ArcoRequest.State(rawValue: state.lowercased()), state != .recibida else {
                throw ValidationError("--state es atendida, improcedente o en_proceso")
            }
            if !state.isOpen, (outcome ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--outcome: diga lo que se hizo")
            }
        }

        func run() throws {
            let register = ArcoStore(connection: try Database.connect(), calendar: WorkingCalendar())
            let newState = ArcoRequest.State(rawValue: state.lowercased()) ?? .atendida
            do {
                try register.setState(id, to: newState, outcome: outcome)
                print("Solicitud \(id): \(newState.label).")
            } catch let problem as ArcoStore.Problem {
                throw ArcoCommand.refusal(problem)
            }
        }
    }
}

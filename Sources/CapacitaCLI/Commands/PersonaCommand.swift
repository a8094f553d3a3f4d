import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation

/// A person's data on request (the ARCO rights) and retention, for the Secretaría Técnica. A CURP
/// typed here is checked in full and printed masked; the export file is the only place it is
/// written whole (it is the person's own data, for them).
struct PersonaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "persona",
        abstract: "Datos de una persona a petición suya (derechos ARCO) y plazo de conservación.",
        subcommands: [Export.self, Rectify.self, NoMail.self, Anonymize.self, Retention.self]
    )

    static func refusal(_ problem: PersonalDataStore.Problem) -> Refused {
        Refused(message: problem.description.prefix(1).uppercased() + problem.description.dropFirst() + ".")
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Escribe todo lo que capacita tiene de una persona (acceso): un libro .xlsx y/o JSON.",
            discussion: """
                --out F.xlsx escribe el libro (una hoja por tabla), --out F.json el JSON; un nombre sin una de \
                esas extensiones escribe los dos (F.xlsx y F.json). Con --request N la solicitud de acceso pasa \
                a «en proceso»; se cierra al entregarla (capacita arco close N).
                """)

        @Argument(help: ArgumentHelp("CURP de la persona.", valueName: "curp")) var curp: String
        @Option(name: .long, help: ArgumentHelp("Archivo que se escribe.", valueName: "archivo")) var out: String
        @Option(name: .long, help: ArgumentHelp("Número de la solicitud de acceso.", valueName: "n")) var request:
            Int64?

        func validate() throws {
            _ = try PersonCurpArgument.parse(curp)
            guard !out.isEmpty else { throw ValidationError("--out necesita el nombre de un archivo") }
        }

        /// The files `out` names: itself when it ends in .xlsx or .json, both otherwise.
        static func targets(_ out: String) -> (xlsx: String?, json: String?) {
            switch URL(fileURLWithPath: out).pathExtension.lowercased() {
            case "xlsx": return (out, nil)
            case "json": return (nil, out)
            default: return (out + ".xlsx", out + ".json")
            }
        }

        func run() throws {
            let curp = try PersonCurpArgument.parse(self.curp)
            let connection = try Database.connect()
            let export: PersonExport
            do {
                export = try connection.withTransaction { connection in
                    if let request {
                        let register = ArcoStore(connection: connection, calendar: WorkingCalendar())
                        guard let found = try register.find(request), found.kind == .acceso,
                            found.curp.value == curp.value, found.state.isOpen
                        else { throw PersonalDataStore.Problem.requestMismatch }
                        if found.state == .recibida { try register.setState(request, to: .enProceso, outcome: nil) }
                    }
                    return try PersonalDataStore(connection: connection).export(curp: curp)
                }
            } catch let problem as PersonalDataStore.Problem {
                throw PersonaCommand.refusal(problem)
            }
            let (xlsx, json) = Self.targets(out)
            do {
                if let xlsx { try DocumentWriter.write(export.workbook, to: xlsx) }
                if let json {
                    try Data((export.json + "\n").utf8).write(to: URL(fileURLWithPath: json), options: .atomic)
                }
            } catch let error as WorkbookWriteError {
                throw Refused(message: error.description)
            } catch {
                throw Refused(message: "no se pudo escribir «\(out)»: \(error.localizedDescription)")
            }
            let rows = export.sections.reduce(0) { $0 + $1.rows.count }
            let written = [xlsx, json].compactMap { $0 }.map { "«\($0)»" }.joined(separator: " y ")
            Failure.printError(
                "Datos de la CURP \(curp.masked): \(Plural.count(rows, "fila", "filas")) escritas en \(written).")
            for note in export.notes { Failure.printError(note) }
        }
    }

    struct Rectify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rectify",
            abstract:
                "Corrige el nombre, el sexo o el correo de una persona; los valores anteriores quedan en su historia.",
            discussion: """
                Corrige el registro compartido y el de cada instancia. Con --request N la historia queda ligada \
                a la solicitud de rectificación N, que se cierra como atendida.
                """)

        @Argument(help: ArgumentHelp("CURP de la persona.", valueName: "curp")) var curp: String
        @Option(name: .long, help: ArgumentHelp("Número de la solicitud de rectificación.", valueName: "n"))
        var request: Int64?
        @Option(name: .customLong("given-names"), help: ArgumentHelp("Nombre(s).", valueName: "nombre"))
        var givenNames: String?
        @Option(name: .customLong("first-surname"), help: ArgumentHelp("Primer apellido.", valueName: "apellido"))
        var firstSurname: String?
        @Option(
            name: .customLong("second-surname"),
            help: ArgumentHelp("Segundo apellido (vacío: sin segundo apellido).", valueName: "apellido"))
        var secondSurname: String?
        @Option(name: .long, help: ArgumentHelp("Sexo: H, M o X.", valueName: "sexo")) var sex: String?
        @Option(name: .long, help: ArgumentHelp("Correo (vacío: sin correo).", valueName: "correo")) var email: String?

        func validate() throws {
            _ = try PersonCurpArgument.parse(curp)
            guard givenNames != nil || firstSurname != nil || secondSurname != nil || sex != nil || email != nil else {
                throw ValidationError(
                    "indique qué se corrige: --given-names, --first-surname, --second-surname, --sex o --email")
            }
            if let sex, Sex(rawValue: sex.uppercased()) == nil { throw ValidationError("--sex es H, M o X") }
        }

        func run() throws {
            let curp = try PersonCurpArgument.parse(self.curp)
            let store = PersonalDataStore(connection: try Database.connect())
            do {
                guard var record = try store.record(curp: curp) else { throw PersonalDataStore.Problem.noSuchPerson }
                if let givenNames { record.givenNames = givenNames }
                if let firstSurname { record.firstSurname = firstSurname }
                if let secondSurname { record.secondSurname = secondSurname.isEmpty ? nil : secondSurname }
                if let sex { record.sex = Sex(rawValue: sex.uppercased()) ?? record.sex }
                if let email { record.email = email.isEmpty ? nil : email }
                let changed = try store.rectify(curp: curp, to: record, request: request)
                if changed.isEmpty {
                    print("Nada que corregir: el registro de \(curp.masked) ya tiene esos datos.")
                } else {
                    print(
                        "Registro de \(curp.masked) corregido (\(changed.map(Labels.header).joined(separator: ", ")));"
                            + " los valores anteriores quedan en su historia"
                            + (request.map { "; solicitud \($0) atendida." } ?? "."))
                }
            } catch let problem as PersonalDataStore.Problem {
                throw PersonaCommand.refusal(problem)
            }
        }
    }

    struct NoMail: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "no-mail",
            abstract: "Oposición: la persona no recibe ningún correo de capacita (--undo lo revierte).")

        @Argument(help: ArgumentHelp("CURP de la persona.", valueName: "curp")) var curp: String
        @Option(name: .long, help: ArgumentHelp("Número de la solicitud de oposición.", valueName: "n"))
        var request: Int64?
        @Flag(name: .long, help: "La persona vuelve a recibir correo.") var undo = false

        func validate() throws {
            _ = try PersonCurpArgument.parse(curp)
            if undo, request != nil { throw ValidationError("--undo no atiende una solicitud") }
        }

        func run() throws {
            let curp = try PersonCurpArgument.parse(self.curp)
            do {
                let changed = try PersonalDataStore(connection: try Database.connect()).setMailOptOut(
                    curp: curp, optedOut: !undo, request: request)
                switch (undo, changed) {
                case (false, true): print("\(curp.masked) no recibirá correo de capacita.")
                case (false, false): print("\(curp.masked) ya estaba marcada para no recibir correo.")
                case (true, true): print("\(curp.masked) vuelve a recibir correo de capacita.")
                case (true, false): print("\(curp.masked) no estaba marcada; nada que cambiar.")
                }
            } catch let problem as PersonalDataStore.Problem {
                throw PersonaCommand.refusal(problem)
            }
        }
    }

    struct Anonymize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anonymize",
            abstract: "Cancelación: quita la identidad de la persona (CURP, nombre, correo) de todas las tablas.",
            discussion: """
                Sus inscripciones, resultados y cifras quedan bajo una clave sustituta al azar que no lleva de \
                vuelta a ella, así que los reportes dan las mismas cifras; sus constancias quedan anuladas por \
                cancelación de datos. No se puede deshacer. El motivo no debe nombrar a la persona.
                """)

        @Argument(help: ArgumentHelp("CURP de la persona.", valueName: "curp")) var curp: String
        @Option(name: .long, help: ArgumentHelp("Motivo (queda en la bitácora).", valueName: "motivo")) var reason:
            String
        @Option(name: .long, help: ArgumentHelp("Número de la solicitud de cancelación.", valueName: "n"))
        var request: Int64?

        func validate() throws {
            _ = try PersonCurpArgument.parse(curp)
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason: indique el motivo")
            }
        }

        func run() throws {
            let curp = try PersonCurpArgument.parse(self.curp)
            do {
                let done = try PersonalDataStore(connection: try Database.connect()).anonymize(
                    curp: curp, reason: reason, request: request)
                print(
                    "Datos de \(curp.masked) cancelados: \(Plural.count(done.enrollments, "inscripción", "inscripciones")) "
                        + "y \(Plural.count(done.constancias, "constancia anulada", "constancias anuladas")) bajo una clave sustituta; "
                        + "\(Plural.count(done.history, "valor anterior borrado", "valores anteriores borrados")), "
                        + "\(Plural.count(done.messages, "correo borrado", "correos borrados"))"
                        + (request.map { "; solicitud \($0) atendida." } ?? "."))
            } catch let problem as PersonalDataStore.Problem {
                throw PersonaCommand.refusal(problem)
            }
        }
    }

    struct Retention: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retention",
            abstract: "Plazo de conservación: quién lo cumplió (--dry-run) o cancela sus datos (--apply).",
            discussion: """
                El plazo es db/seed/retencion.csv (o CAPACITA_RETENCION): años después de la última actividad de \
                la persona, con su fundamento. --apply cancela a cada persona como «persona anonymize», con el \
                motivo de la retención; quien tiene una cuenta o una solicitud abierta se lista y se deja.
                """)

        @Flag(name: .customLong("dry-run"), help: "Solo lista a quién le toca (CURP enmascarada).") var dryRun = false
        @Flag(name: .long, help: "Cancela los datos de quien cumplió el plazo.") var apply = false
        @OptionGroup var output: FormatOption

        func validate() throws {
            guard dryRun != apply else { throw ValidationError("indique --dry-run o --apply, uno de los dos") }
        }

        func run() throws {
            let policy = try ReferenceData.retentionPolicy()
            let store = PersonalDataStore(connection: try Database.connect())
            let today = ArcoStore.today
            let cutoff = policy.cutoff(today: today)
            do {
                if dryRun {
                    let due = try store.retentionDue(cutoff: cutoff)
                    Failure.printError(
                        "Plazo: \(policy.years) años; cumplieron el plazo quienes no tienen actividad desde el "
                            + "\(cutoff): \(Plural.count(due.count, "persona", "personas")).")
                    try output.emit(
                        Table(
                            columns: ["curp", "last_activity", "blocked"],
                            rows: due.map {
                                [
                                    .text($0.curp.masked), .date($0.lastActivity.description),
                                    $0.blocked.map { .code($0.rawValue) } ?? .null,
                                ]
                            }), sheet: "Retencion")
                } else {
                    let outcome = try store.applyRetention(policy: policy, today: today)
                    try output.emit(
                        Record([
                            ("cutoff", .date(outcome.cutoff.description)), ("cancelled", .int(outcome.cancelled)),
                            (
                                "skipped",
                                .list(outcome.skipped.map { "\($0.curp) (\(Labels.value($0.reason.rawValue)))" })
                            ),
                            ("failed", .int(outcome.failed)),
                        ]), sheet: "Retencion")
                }
            } catch let problem as PersonalDataStore.Problem {
                throw PersonaCommand.refusal(problem)
            }
        }
    }
}

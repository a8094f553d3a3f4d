import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

struct ConstanciaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "constancia",
        abstract: "Constancias de acreditación: folio anual y código de verificación.",
        subcommands: [List.self, Show.self, Verify.self, Render.self, PDF.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Constancias de un grupo, o las emitidas en un año o un periodo (--year, --period, o --from y --to), de un grupo o de todos."
        )

        @Option(name: .long, help: ArgumentHelp("Clave del grupo.", valueName: "grupo")) var group: String?
        @Option(
            name: .long, help: ArgumentHelp("Año en que se emitieron (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse)
        var year: Int?
        @OptionGroup var period: PeriodOptions
        @OptionGroup var output: FormatOption

        var asksPeriod: Bool { year != nil || period.period != nil || period.from != nil || period.to != nil }

        /// A usage error (exit 2) before connecting: a group or a period, and a period that reads.
        mutating func validate() throws {
            guard group != nil || asksPeriod else {
                throw ValidationError(
                    "indique el grupo (--group) o el periodo de emisión (--year, --period o --from y --to)")
            }
            if asksPeriod { _ = try period.chosen(year: year) }
        }

        func run() throws {
            let store = ConstanciaStore(connection: try Database.connect())
            // A period when one is given (by the issue date); a group's every constancia otherwise.
            let records =
                asksPeriod
                ? try store.list(group: group, period: try period.chosen(year: year))
                : try store.list(group: group ?? "")
            try output.emit(ConstanciaTable.table(records), sheet: "Constancias")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Muestra una constancia por su folio.")

        @Argument(help: ArgumentHelp("Folio (PNC-2024-000123).", valueName: "folio")) var folio: String
        @OptionGroup var output: FormatOption

        func run() throws {
            guard let record = try ConstanciaStore(connection: try Database.connect()).find(folio: folio) else {
                throw Refused(message: "no hay una constancia con el folio \(folio)")
            }
            let fields: [(String, Cell)] = [
                ("folio", .text(record.folio)), ("code", .text(record.code)), ("name", .text(record.name.full)),
                ("curp", .text(record.curp.masked)), ("agency", .text(record.agencyName)),
                ("course", .text(record.courseCode)),
                ("title", .text(record.courseTitle)), ("hours", .number(record.hours)),
                ("starts_on", .date(record.startsOn.description)),
                ("ends_on", record.endsOn.map { .date($0.description) } ?? .null), ("group", .text(record.groupCode)),
                ("issued_at", .text(record.issuedAt)), ("revoked_at", record.revokedAt.map(Cell.text) ?? .null),
                ("revoked_reason", record.revokedReason.map(Cell.text) ?? .null),
            ]
            try output.emit(Record(fields), sheet: "Constancia")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Verifica una constancia por su código: curso, fechas, horas y titular (apellidos solo con inicial, sin CURP)."
        )

        @Argument(help: ArgumentHelp("Código de verificación.", valueName: "código")) var code: String
        @OptionGroup var output: FormatOption

        func run() throws {
            guard let record = try ConstanciaStore(connection: try Database.connect()).verify(code: code) else {
                throw Refused(
                    message: "el código \(Constancia.normalizeCode(code)) no corresponde a ninguna constancia")
            }
            try output.emit(ConstanciaTable.verification(record), sheet: "Verificación")
        }
    }

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escribe la constancia como una página HTML imprimible.")

        @Argument(help: ArgumentHelp("Folio.", valueName: "folio")) var folio: String
        @Option(name: .long, help: ArgumentHelp("Archivo HTML de salida.", valueName: "archivo")) var out: String
        @Option(
            name: .customLong("verify-url"),
            help: ArgumentHelp(
                "Dirección pública donde se verifica el código (la página /verificar/ del servicio); por omisión CAPACITA_PUBLIC_URL seguida de /verificar/, y sin ella la página imprime solo el código.",
                valueName: "dirección")
        )
        var verifyURL: String?

        /// One public address for every link (CAPACITA_PUBLIC_URL, as the e-mails and the PDF use;
        /// the former CAPACITA_VERIFY_URL folded into it); --verify-url still wins when given.
        var verifyAddress: String? {
            let environment = ProcessInfo.processInfo.environment
            let nonEmpty = { (text: String?) in text.flatMap { $0.isEmpty ? nil : $0 } }
            if let given = nonEmpty(verifyURL) { return given }
            return nonEmpty(environment["CAPACITA_PUBLIC_URL"]).map {
                ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/verificar/"
            }
        }

        func run() throws {
            guard let record = try ConstanciaStore(connection: try Database.connect()).find(folio: folio) else {
                throw Refused(message: "no hay una constancia con el folio \(folio)")
            }
            guard
                FileManager.default.createFile(
                    atPath: out, contents: Data(CertificatePage.html(record, verifyAddress: verifyAddress).utf8))
            else {
                throw Refused(message: "\(out): no se puede escribir")
            }
            print("Constancia \(record.folio) escrita en \(out)" + (record.revokedAt == nil ? "" : " (REVOCADA)"))
        }
    }
}

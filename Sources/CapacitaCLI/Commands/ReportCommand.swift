import ArgumentParser
import Capacita
import CapacitaOutput
import CapacitaStore
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reportes: cobertura, Parámetro 4.2, eventos, grupo, curso.",
        subcommands: [Coverage.self, IndicatorReport.self, Events.self, Group.self, Course.self]
    )

    struct Group: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "group",
            abstract:
                "Lista del grupo con resultados, conteos, tasa de acreditación, reacción y ganancia de aprendizaje.")

        @Argument(help: ArgumentHelp("Clave del grupo.", valueName: "código")) var code: String
        @OptionGroup var output: FormatOption

        func run() throws {
            let connection = try Database.connect()
            guard let listing = try GroupStore(connection: connection).group(code: code) else {
                throw Refused(message: "no hay un grupo con la clave \(code)")
            }
            let roster = try EnrollmentStore(connection: connection).roster(group: code)
            let statistics = ResultStatistics.of(roster.map(\.result))
            switch output.format {
            case .json:
                try output.emit(
                    JSONOutput.string(
                        GroupReportJSON(
                            group: listing.group.code, course: listing.group.courseCode,
                            roster: roster.map { RosterJSON($0) }, statistics: statistics)))
            case .csv:
                try output.emit(RosterTable.table(roster).render(.csv))
            case .table:
                let title = listing.courseTitle ?? "evento sin curso"
                let dates = CalendarDate.spanishRange(listing.group.startsOn, listing.group.endsOn)
                try output.emit(
                    [
                        TerminalText.lines("Grupo \(listing.group.code) — \(title), \(dates)"),
                        RosterTable.table(roster).render(.table), "",
                        StatisticsText.lines(statistics).joined(separator: "\n"),
                    ].joined(separator: "\n"))
            case .xlsx:
                try output.emit(
                    GroupWorkbook.document(
                        code: listing.group.code, roster: RosterTable.table(roster), statistics: statistics))
            }
        }
    }

    struct Course: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "course",
            abstract: "Resultados de un curso en un año: en conjunto y por instancia.")

        @Argument(help: ArgumentHelp("Código del curso.", valueName: "código")) var code: String
        @Option(
            name: .long,
            help: ArgumentHelp("Año en que terminaron los grupos (\(YearArgument.help)).", valueName: "año"),
            transform: YearArgument.parse
        )
        var year: Int
        @OptionGroup var output: FormatOption

        func run() throws {
            let roster = try EnrollmentStore(connection: try Database.connect()).roster(course: code, year: year)
            let total = ResultStatistics.of(roster.map(\.result))
            let byAgency = Dictionary(grouping: roster, by: \.agencyCode).mapValues {
                ResultStatistics.of($0.map(\.result))
            }
            let groups = Set(roster.map(\.groupCode)).count
            switch output.format {
            case .json:
                try output.emit(
                    JSONOutput.string(
                        CourseReportJSON(
                            course: code.uppercased(), year: year, groups: groups, total: total,
                            byAgency: byAgency)))
            case .csv, .table, .xlsx:
                let rows =
                    byAgency.keys.sorted().map { agency in StatisticsText.row(agency, byAgency[agency]!) }
                    + [StatisticsText.row("TOTAL", total)]
                let table = Table(columns: StatisticsText.columns, rows: rows)
                if output.format == .table {
                    try output.emit(
                        "Curso \(code.uppercased()), \(year): \(Plural.count(groups, "grupo", "grupos"))\n"
                            + table.render(.table))
                } else {
                    try output.emit(table, sheet: "\(code.uppercased()) \(year)")
                }
            }
        }
    }
}

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
                print(
                    JSONOutput.string(
                        GroupReportJSON(
                            group: listing.group.code, course: listing.group.courseCode,
                            roster: roster.map(RosterJSON.init), statistics: statistics)))
            case .csv:
                print(RosterTable.table(roster).render(.csv))
            case .table:
                let title = listing.courseTitle ?? "evento sin curso"
                let dates = CalendarDate.spanishRange(listing.group.startsOn, listing.group.endsOn)
                print(TerminalText.lines("Grupo \(listing.group.code) — \(title), \(dates)"))
                print(RosterTable.table(roster).render(.table))
                print("")
                print(StatisticsText.lines(statistics).joined(separator: "\n"))
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
                print(
                    JSONOutput.string(
                        CourseReportJSON(
                            course: code.uppercased(), year: year, groups: groups, total: total,
                            byAgency: byAgency)))
            case .csv, .table:
                let rows =
                    byAgency.keys.sorted().map { agency in StatisticsText.row(agency, byAgency[agency]!) }
                    + [StatisticsText.row("TOTAL", total)]
                let table = Table(columns: StatisticsText.columns, rows: rows)
                if output.format == .table {
                    print("Curso \(code.uppercased()), \(year): \(Plural.count(groups, "grupo", "grupos"))")
                }
                print(table.render(output.format))
            }
        }
    }
}

struct RosterJSON: Encodable {
    var curp: String
    var name: String
    var tier: String
    var agency: String
    var status: String
    var attendance: Rounded?
    var pre: Rounded?
    var post: Rounded?
    var final: Rounded?

    init(_ entry: EnrollmentStore.RosterEntry) {
        curp = entry.curp.masked
        name = entry.name.full
        tier = entry.tier.rawValue
        agency = entry.agencyCode
        status = entry.result.status.rawValue
        attendance = Rounded(entry.result.attendance, places: Exact.percentPlaces)
        pre = Rounded(entry.result.pre, places: Exact.percentPlaces)
        post = Rounded(entry.result.post, places: Exact.percentPlaces)
        final = Rounded(entry.result.finalScore, places: Exact.percentPlaces)
    }
}

struct GroupReportJSON: Encodable {
    var group: String
    var course: String?
    var roster: [RosterJSON]
    var statistics: ResultStatistics
}

struct CourseReportJSON: Encodable {
    var course: String
    var year: Int
    var groups: Int
    var total: ResultStatistics
    var byAgency: [String: ResultStatistics]

    enum CodingKeys: String, CodingKey {
        case course, year, groups, total
        case byAgency = "by_agency"
    }
}

enum RosterTable {
    static func table(_ roster: [EnrollmentStore.RosterEntry]) -> Table {
        Table(
            columns: ["curp", "name", "tier", "agency", "attendance", "pre", "post", "final", "status"],
            rows: roster.map { entry in
                [
                    .text(entry.curp.masked), .text(entry.name.full), .code(entry.tier.rawValue),
                    .text(entry.agencyCode), .score(entry.result.attendance), .score(entry.result.pre),
                    .score(entry.result.post), .score(entry.result.finalScore), .code(entry.result.status.rawValue),
                ]
            })
    }
}

enum StatisticsText {
    static let columns = [
        "agency", "enrolled", "acreditados", "no_acreditados", "bajas", "pass_percent", "class_gain",
        "mean_individual_gain", "reaction_mean",
    ]

    /// A rate as a percentage for people: 0.63667 → "63.67 %".
    static func percent(_ rate: Double?) -> String {
        rate.flatMap { Rounded($0 * 100, places: Exact.percentPlaces) }.map { "\($0) %" } ?? "ND"
    }

    static func ratio(_ value: Double?) -> String { Cell.ratio(value).display }

    static func score(_ value: Double?) -> String { value == nil ? "ND" : Cell.score(value).display }

    static func reactionMean(_ statistics: ResultStatistics) -> Double? {
        let means = statistics.reaction.values.compactMap(\.mean)
        return means.isEmpty ? nil : means.reduce(0, +) / Double(means.count)
    }

    static func row(_ label: String, _ s: ResultStatistics) -> [Cell] {
        [
            .text(label), .int(s.enrolled), .int(s.acreditados), .int(s.noAcreditados), .int(s.bajas),
            s.passRate.flatMap { Rounded($0 * 100, places: Exact.percentPlaces) }.map(Cell.decimal) ?? .nd,
            .ratio(s.classGain), .ratio(s.meanIndividualGain),
            reactionMean(s).flatMap { Rounded($0, places: Exact.percentPlaces) }.map(Cell.decimal) ?? .nd,
        ]
    }

    static func lines(_ s: ResultStatistics) -> [String] {
        var lines = [
            "Inscritas: \(s.enrolled)  acreditadas: \(s.acreditados)  no acreditadas: \(s.noAcreditados)  bajas: \(s.bajas)  sin resultado: \(s.inscritos)",
            "Tasa de acreditación (sobre evaluadas): \(percent(s.passRate))",
            "Aprendizaje (\(s.paired) con pre y post): media pre \(score(s.meanPre)), media post \(score(s.meanPost)); "
                + "ganancia normalizada del grupo \(ratio(s.classGain)); media de ganancias individuales \(ratio(s.meanIndividualGain)) (\(s.individualGainCount) con pre < 100)",
            "Reacción (media; respuestas 1·2·3·4·5):",
        ]
        for measure in ResultMeasure.allCases where measure.isReaction {
            let summary = s.reaction[measure.rawValue] ?? ReactionSummary([])
            lines.append(
                "  \(Labels.header(measure.rawValue)): \(score(summary.mean)); \(summary.distribution.map(String.init).joined(separator: "·"))"
            )
        }
        return lines
    }
}

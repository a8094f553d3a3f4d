import Capacita

// The multipliers: who passed the Formador course, the groups they taught after, whom they reached.

extension MultipliersReport: Report {
    public var body: MultipliersJSON { MultipliersJSON(self) }

    /// One row per multiplier and a TOTAL line; then one row per group each taught.
    public var sheets: [ReportSheet] {
        let totals = self.totals
        func reveal(_ graduate: FormadorGraduate) -> String {
            disclosure.reveals(agency: graduate.agency) ? graduate.curp.value : graduate.curp.masked
        }
        let people = Table(
            columns: [
                "curp", "name", "agency", "formador_group", "formador_ended_on", "groups_taught", "enrolled",
                "aggregate", "reached",
            ],
            rows: multipliers.map { graduate -> [Cell] in
                [
                    .text(reveal(graduate)), .text(graduate.name?.full ?? ""), .text(graduate.agency),
                    .text(graduate.formadorGroup), .date(graduate.formadorEndedOn.description),
                    .int(graduate.groups.count), .int(graduate.enrolled), .int(graduate.aggregate),
                    .int(graduate.reached),
                ]
            } + [
                [
                    .text("TOTAL"), .text(Plural.count(totals.multipliers, "multiplicador", "multiplicadores")), .null,
                    .null, .null, .int(totals.groups), .int(totals.enrolled), .int(totals.aggregate),
                    .int(totals.reached),
                ]
            ])
        let groups = Table(
            columns: ["curp", "group", "course", "agency", "starts_on", "enrolled", "aggregate", "reached"],
            rows: multipliers.flatMap { graduate in
                graduate.groups.map { group -> [Cell] in
                    [
                        .text(reveal(graduate)), .text(group.code), group.course.map(Cell.text) ?? .null,
                        .text(group.agency), .date(group.startsOn.description), .int(group.enrolled),
                        .int(group.aggregate), .int(group.reached),
                    ]
                }
            })
        return [
            ReportSheet("Multiplicadores \(period.label)", caption: basis, people),
            ReportSheet("Grupos impartidos", caption: "Grupos que impartió cada multiplicador, \(period)", groups),
        ]
    }

    public var fileName: String { "multiplicadores-\(period.label.replacingOccurrences(of: "/", with: "_"))" }

    /// The graduates' line: how many passed the Formador course and how many can be counted.
    public var graduatesLine: String {
        let totals = self.totals
        return "Acreditaron un curso de Formador hasta el \(period.to.spanishLong): "
            + "\(Plural.count(totals.graduates, "persona", "personas")), "
            + "\(totals.linked) con cuenta de instructor vinculada a su CURP."
    }

    public var terminal: String {
        [
            TerminalText.lines("Multiplicadores, \(period)"), TerminalText.lines(basis),
            TerminalText.lines(graduatesLine), "",
        ].joined(separator: "\n") + sheets.map { $0.table.render(.table) }.joined(separator: "\n\n")
    }
}

public struct MultipliersJSON: Encodable {
    public struct Group: Encodable {
        var code: String
        var course: String?
        var agency: String
        var startsOn: String
        var enrolled: Int
        var aggregate: Int
        var reached: Int

        enum CodingKeys: String, CodingKey {
            case code, course, agency, enrolled, aggregate, reached
            case startsOn = "starts_on"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(course, forKey: .course)
            try container.encode(agency, forKey: .agency)
            try container.encode(startsOn, forKey: .startsOn)
            try container.encode(enrolled, forKey: .enrolled)
            try container.encode(aggregate, forKey: .aggregate)
            try container.encode(reached, forKey: .reached)
        }
    }

    public struct Multiplier: Encodable {
        var curp: String
        var name: String?
        var agency: String
        var formadorGroup: String
        var formadorCourse: String
        var formadorEndedOn: String
        var groups: [Group]
        var enrolled: Int
        var aggregate: Int
        var reached: Int

        enum CodingKeys: String, CodingKey {
            case curp, name, agency, groups, enrolled, aggregate, reached
            case formadorGroup = "formador_group"
            case formadorCourse = "formador_course"
            case formadorEndedOn = "formador_ended_on"
        }
    }

    public struct Totals: Encodable {
        var multipliers: Int
        var groups: Int
        var enrolled: Int
        var aggregate: Int
        var reached: Int
        var graduates: Int
        var linked: Int
    }

    var year: Int
    var period: PeriodJSON
    var basis: String
    var multipliers: [Multiplier]
    var total: Totals

    public init(_ report: MultipliersReport) {
        year = report.year
        period = PeriodJSON(report.period)
        basis = report.basis
        multipliers = report.multipliers.map { graduate in
            Multiplier(
                curp: report.disclosure.reveals(agency: graduate.agency) ? graduate.curp.value : graduate.curp.masked,
                name: graduate.name?.full, agency: graduate.agency, formadorGroup: graduate.formadorGroup,
                formadorCourse: graduate.formadorCourse, formadorEndedOn: graduate.formadorEndedOn.description,
                groups: graduate.groups.map {
                    Group(
                        code: $0.code, course: $0.course, agency: $0.agency, startsOn: $0.startsOn.description,
                        enrolled: $0.enrolled, aggregate: $0.aggregate, reached: $0.reached)
                }, enrolled: graduate.enrolled, aggregate: graduate.aggregate, reached: graduate.reached)
        }
        let totals = report.totals
        total = Totals(
            multipliers: totals.multipliers, groups: totals.groups, enrolled: totals.enrolled,
            aggregate: totals.aggregate, reached: totals.reached, graduates: totals.graduates, linked: totals.linked)
    }
}

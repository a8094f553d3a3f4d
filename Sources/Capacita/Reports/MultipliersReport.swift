/// The multipliers: people who passed the Formador course (status acreditado in a group of a
/// course of level `formador`) and then taught groups, replicating the training inside their
/// institutions, as the sources describe them. An instructor is the person their account is
/// linked to (a CURP); a group they taught is one assigned to such an account (`group_instructor`)
/// that started after their first Formador group ended. db/migrations/0033 finds them.

/// A group a multiplier taught, and whom it reached.
public struct TaughtGroup: Sendable, Equatable {
    public var code: String
    /// nil: an event outside the catalog.
    public var course: String?
    /// The agency that organized it.
    public var agency: String
    public var startsOn: CalendarDate
    /// People enrolled in it, bajas left out.
    public var enrolled: Int
    /// The aggregate counts of an event whose people are counted, not listed (general public and
    /// public servants).
    public var aggregate: Int

    public init(code: String, course: String?, agency: String, startsOn: CalendarDate, enrolled: Int, aggregate: Int) {
        self.code = code
        self.course = course
        self.agency = agency
        self.startsOn = startsOn
        self.enrolled = enrolled
        self.aggregate = aggregate
    }

    public var reached: Int { enrolled + aggregate }
}

/// A person who passed the Formador course, with the groups they taught in the report's days
/// (none: a graduate who has not replicated the training in them).
public struct FormadorGraduate: Sendable, Equatable {
    public var curp: Curp
    /// nil when the caller reads no record of the name.
    public var name: PersonName?
    /// The agency of the Formador pass counted: the one the person passed it with.
    public var agency: String
    /// The first Formador group the person passed (as the caller counts it), and the day it ended.
    public var formadorGroup: String
    public var formadorCourse: String
    public var formadorEndedOn: CalendarDate
    /// Whether an instructor's account is linked to the person.
    public var linked: Bool
    public var groups: [TaughtGroup]

    public init(
        curp: Curp, name: PersonName?, agency: String, formadorGroup: String, formadorCourse: String,
        formadorEndedOn: CalendarDate, linked: Bool, groups: [TaughtGroup]
    ) {
        self.curp = curp
        self.name = name
        self.agency = agency
        self.formadorGroup = formadorGroup
        self.formadorCourse = formadorCourse
        self.formadorEndedOn = formadorEndedOn
        self.linked = linked
        self.groups = groups
    }

    public var enrolled: Int { groups.reduce(0) { $0 + $1.enrolled } }
    public var aggregate: Int { groups.reduce(0) { $0 + $1.aggregate } }
    public var reached: Int { enrolled + aggregate }
}

/// The multipliers of a year: each person who passed the Formador course and taught groups that
/// started in the year after their Formador group ended, those groups, and whom they reached.
public struct MultipliersReport: Sendable, Equatable {
    /// The days whose groups (by their start) are counted.
    public var period: ReportPeriod
    /// Everyone who passed the Formador course by the period's end, as the caller may count them:
    /// the Secretaría Técnica every agency's people, an enlace its own agency's.
    public var graduates: [FormadorGraduate]
    public var disclosure: CURPDisclosure

    public init(period: ReportPeriod, graduates: [FormadorGraduate], disclosure: CURPDisclosure) {
        self.period = period
        self.graduates = graduates
        self.disclosure = disclosure
    }

    public var year: Int { period.year }

    /// The graduates who taught at least one group in the period.
    public var multipliers: [FormadorGraduate] { graduates.filter { !$0.groups.isEmpty } }

    /// The report's total line: a group two multipliers taught together counts once.
    public struct Totals: Sendable, Equatable {
        public var multipliers: Int
        public var groups: Int
        public var enrolled: Int
        public var aggregate: Int
        public var reached: Int { enrolled + aggregate }
        /// Graduates by the period's end, and how many of them have a linked instructor's account.
        public var graduates: Int
        public var linked: Int

        public init(multipliers: Int, groups: Int, enrolled: Int, aggregate: Int, graduates: Int, linked: Int) {
            self.multipliers = multipliers
            self.groups = groups
            self.enrolled = enrolled
            self.aggregate = aggregate
            self.graduates = graduates
            self.linked = linked
        }
    }

    public var totals: Totals {
        var seen: [String: TaughtGroup] = [:]
        for group in multipliers.flatMap(\.groups) { seen[group.code] = group }
        return Totals(
            multipliers: multipliers.count, groups: seen.count, enrolled: seen.values.reduce(0) { $0 + $1.enrolled },
            aggregate: seen.values.reduce(0) { $0 + $1.aggregate }, graduates: graduates.count,
            linked: graduates.filter(\.linked).count)
    }

    /// What the report counts, said in it.
    public var basis: String {
        "Personas que acreditaron un curso de nivel Formador y después impartieron grupos que iniciaron en "
            + "\(period) (asignadas como instructoras a su cuenta vinculada a su CURP), con el grupo de Formador que "
            + "acreditaron primero; cada grupo cuenta sus personas inscritas sin bajas y los asistentes de sus conteos "
            + "agregados, y el total cuenta una vez el grupo que impartieron varias."
    }

    /// One row per (graduate, group) as the store reads them, gathered by person in their order.
    public static func graduates(from rows: [Row]) -> [FormadorGraduate] {
        var order: [String] = []
        var byCURP: [String: FormadorGraduate] = [:]
        for row in rows {
            if byCURP[row.curp.value] == nil {
                order.append(row.curp.value)
                byCURP[row.curp.value] = FormadorGraduate(
                    curp: row.curp, name: row.name, agency: row.agency, formadorGroup: row.formadorGroup,
                    formadorCourse: row.formadorCourse, formadorEndedOn: row.formadorEndedOn, linked: row.linked,
                    groups: [])
            }
            if let group = row.group { byCURP[row.curp.value]?.groups.append(group) }
        }
        return order.compactMap { byCURP[$0] }
    }

    /// A graduate with one group they taught, or none.
    public struct Row: Sendable, Equatable {
        public var curp: Curp
        public var name: PersonName?
        public var agency: String
        public var formadorGroup: String
        public var formadorCourse: String
        public var formadorEndedOn: CalendarDate
        public var linked: Bool
        public var group: TaughtGroup?

        public init(
            curp: Curp, name: PersonName?, agency: String, formadorGroup: String, formadorCourse: String,
            formadorEndedOn: CalendarDate, linked: Bool, group: TaughtGroup?
        ) {
            self.curp = curp
            self.name = name
            self.agency = agency
            self.formadorGroup = formadorGroup
            self.formadorCourse = formadorCourse
            self.formadorEndedOn = formadorEndedOn
            self.linked = linked
            self.group = group
        }
    }
}

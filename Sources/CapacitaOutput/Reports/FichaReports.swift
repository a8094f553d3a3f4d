import Capacita

// The fichas diagnósticas added up, and the projection their needs make.

extension FichaSummaryReport: Report {
    public var body: FichaSummary { summary }

    public var sheets: [ReportSheet] {
        [
            ReportSheet(
                "Resumen \(year)",
                caption: "Resumen nacional: personas por orden de gobierno, sexo, edad, escolaridad, área y necesidad",
                FichaSummaryTable.table(summary)),
            ReportSheet("Respuestas", caption: "Quién contestó y quién no", FichaSummaryTable.answers(summary)),
        ]
    }

    public var fileName: String { "fichas-\(year)" }

    /// The national table; who answered is a list under it, not a second table.
    public var terminal: String {
        FichaSummaryTable.table(summary).render(.table) + "\n\nContestaron: "
            + summary.answered.joined(separator: ", ") + "\nIntegrantes sin ficha: "
            + (summary.missing.isEmpty ? "ninguna" : summary.missing.joined(separator: ", "))
    }

    public var csv: String { FichaSummaryTable.table(summary).render(.csv) }
}

extension FichaPlanReport: Report {
    private var tables: (groups: Table, tiers: Table) {
        let groups = Table(
            columns: ["agency", "need", "level", "people", "group_size", "groups"],
            rows: plan.groups.map { g in
                [
                    .text(g.agencyCode), .code(g.need), g.level.map { .code($0.rawValue) } ?? .null, .int(g.people),
                    g.groupSize.map(Cell.int) ?? .null, g.groups.map(Cell.int) ?? .null,
                ]
            })
        let tiers = Table(
            columns: [
                "agency", "tier", "headcount", "trained_now", "to_train", "projected_percent", "projected_meets",
            ],
            rows: plan.tiers.map { t in
                [
                    .text(t.agencyCode), .code(t.tier.rawValue), t.headcount.map(Cell.int) ?? .nd, .int(t.trainedNow),
                    .int(t.toTrain), .percent(t.projected?.percent), t.projected.map { .bool($0.meets) } ?? .nd,
                ]
            })
        return (groups, tiers)
    }

    public var body: PlanJSON {
        let (groups, tiers) = tables
        return PlanJSON(
            year: year, groups: groups.rows.map { JSONObject(keys: groups.columns, values: $0) },
            tiers: tiers.rows.map { JSONObject(keys: tiers.columns, values: $0) })
    }

    public var sheets: [ReportSheet] {
        let (groups, tiers) = tables
        return [
            ReportSheet("Grupos necesarios \(year)", groups), ReportSheet("Proyección por nivel", tiers),
        ]
    }

    public var fileName: String { "plan-\(year)" }

    public var terminal: String {
        let (groups, tiers) = tables
        return [
            "PROYECCIÓN \(year) — no son datos de capacitación, sino lo que pedirían las fichas.",
            "\nGrupos necesarios (cupo máximo de los cursos del nivel):", groups.render(.table),
            "\nSi se capacitara a todas las personas de los puestos de cada ficha (umbral \(threshold) %):",
            tiers.render(.table),
        ].joined(separator: "\n")
    }
}

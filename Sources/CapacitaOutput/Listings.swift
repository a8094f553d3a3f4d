import Capacita
import CapacitaStore

// The lists the command line prints and the service answers: one builder per list, so a column
// or a key is named in one place and `--format json` equals the service's body.

public enum CourseTable {
    public static let columns = [
        "code", "program", "level", "title", "hours", "modalities", "max_group_size", "prerequisites",
        "counts_for_indicator",
    ]

    public static func table(_ courses: [Course]) -> Table {
        Table(
            columns: columns,
            rows: courses.map { course in
                [
                    .text(course.code), .text(course.program.rawValue), .code(course.level.rawValue),
                    .text(course.title), .number(course.hours), .codes(course.modalities.map(\.rawValue)),
                    .int(course.maxGroupSize), .list(course.prerequisites), .bool(course.countsForIndicator),
                ]
            })
    }
}

public enum AgencyTable {
    public static func table(_ agencies: [Agency]) -> Table {
        Table(
            columns: ["code", "name", "former_names", "order", "state", "counts_in_indicator"],
            rows: agencies.map { agency in
                [
                    .text(agency.code), .text(agency.name), .list(agency.formerNames), .code(agency.order.rawValue),
                    agency.state.map(Cell.text) ?? .null, .bool(agency.countsInIndicator),
                ]
            })
    }
}

public enum GroupTable {
    public static func table(_ listings: [GroupStore.Listing]) -> Table {
        Table(
            columns: [
                "group", "course", "title", "kind", "agency", "starts_on", "ends_on", "modality", "state", "capacity",
                "enrolled", "acreditados", "bajas", "general_public", "public_servants",
            ],
            rows: listings.map { listing in
                let g = listing.group
                return [
                    .text(g.code), g.courseCode.map(Cell.text) ?? .null, listing.courseTitle.map(Cell.text) ?? .null,
                    .code(g.kind.rawValue), .text(g.agencyCode), .date(g.startsOn.description),
                    g.endsOn.map { .date($0.description) } ?? .null, g.modality.map { .code($0.rawValue) } ?? .null,
                    g.state.map(Cell.text) ?? .null, g.capacity.map(Cell.int) ?? .null, .int(listing.enrolled),
                    .int(listing.acreditados), .int(listing.bajas), .int(g.generalPublic), .int(g.publicServants),
                ]
            })
    }

    /// One group as a record (`group show`, `GET /v1/groups/{code}`).
    public static func record(_ listing: GroupStore.Listing) -> Record {
        let table = table([listing])
        return Record(Array(zip(table.columns, table.rows[0])))
    }
}

public enum HeadcountTable {
    public static func table(_ rows: [Headcount]) -> Table {
        Table(
            columns: ["agency", "year", "alto", "medio", "operativo", "total"],
            rows: rows.map {
                [
                    .text($0.agencyCode), .int($0.year), .int($0.alto), .int($0.medio), .int($0.operativo),
                    .int($0.total),
                ]
            })
    }
}

public enum ConstanciaTable {
    public static func table(_ records: [ConstanciaStore.Record]) -> Table {
        Table(
            columns: ["folio", "code", "name", "course", "issued_at", "revoked_at"],
            rows: records.map { record in
                [
                    .text(record.folio), .text(record.code), .text(record.name.full), .text(record.courseCode),
                    .text(record.issuedAt), record.revokedAt.map(Cell.text) ?? .null,
                ]
            })
    }

    /// What anyone holding the code may read: no CURP, surnames by their initials.
    public static func verification(_ record: ConstanciaStore.Verification) -> Record {
        Record([
            ("status", .code(record.revokedOn == nil ? "valid" : "revoked")), ("folio", .text(record.folio)),
            ("holder", .text(record.holder.withSurnameInitials)), ("course", .text(record.courseTitle)),
            ("hours", .number(record.hours)), ("starts_on", .date(record.startsOn.description)),
            ("ends_on", record.endsOn.map { .date($0.description) } ?? .null),
            ("revoked_at", record.revokedOn.map(Cell.text) ?? .null),
        ])
    }
}

public enum FichaHistoryTable {
    public static func table(_ versions: [FichaStore.Version]) -> Table {
        Table(
            columns: ["version", "total", "hombres", "mujeres", "otro", "source_file", "imported_at", "superseded_at"],
            rows: versions.map { v in
                [
                    .int(v.version), .int(v.ficha.total), .int(v.ficha.hombres), .int(v.ficha.mujeres),
                    .int(v.ficha.otro), .text(v.sourceFile), .text(v.importedAt),
                    v.supersededAt.map(Cell.text) ?? .code("current"),
                ]
            })
    }
}

public enum FichaSummaryTable {
    public static func table(_ summary: FichaSummary) -> Table {
        var rows: [[Cell]] = [[.code("total"), .text(""), .int(summary.total)]]
        for (group, keys, values) in [
            ("orden", GovernmentOrder.allCases.map(\.rawValue), summary.byOrder),
            ("sexo", ["hombres", "mujeres", "otro"], summary.bySex),
            ("edad", FichaShape.ageRanges, summary.edad),
            ("escolaridad", FichaShape.education, summary.escolaridad),
            ("area", FichaShape.areas, summary.area),
            ("necesidades", FichaShape.needs, summary.necesidades),
        ] {
            rows += keys.map { [.code(group), .code($0), .int(values[$0] ?? 0)] }
        }
        return Table(columns: ["group", "category", "people"], rows: rows)
    }

    /// Who answered and which counted member agencies have not, one agency per row.
    public static func answers(_ summary: FichaSummary) -> Table {
        Table(
            columns: ["agency", "answered"],
            rows: summary.answered.map { [.text($0), .bool(true)] } + summary.missing.map { [.text($0), .bool(false)] })
    }
}

public enum EventsReport {
    public static func table(_ table: (rows: [EventsRow], total: EventsRow)) -> Table {
        func cells(_ row: EventsRow) -> [Cell] {
            [
                .text(row.agency), .int(row.capacitacion.eventos), .int(row.capacitacion.publicoGeneral),
                .int(row.capacitacion.servidoresPublicos), .int(row.sensibilizacion.eventos),
                .int(row.sensibilizacion.publicoGeneral), .int(row.sensibilizacion.servidoresPublicos),
            ]
        }
        return Table(
            columns: [
                "agency", "cap_eventos", "cap_publico_general", "cap_servidores_publicos", "sens_eventos",
                "sens_publico_general", "sens_servidores_publicos",
            ],
            rows: table.rows.map(cells) + [cells(table.total)])
    }

    public static func json(year: Int, _ table: (rows: [EventsRow], total: EventsRow)) -> EventsJSON {
        EventsJSON(year: year, rows: table.rows.map(EventsRowJSON.init), total: EventsRowJSON(table.total))
    }
}

public enum AuditTable {
    public static func table(_ entries: [AuditStore.Entry]) -> Table {
        Table(
            columns: ["at", "user", "role", "agency", "action", "target", "batch", "detail"],
            rows: entries.map { entry in
                [
                    .text(entry.at), .text(entry.user), .code(entry.role), entry.agency.map(Cell.text) ?? .null,
                    .text(entry.action), entry.target.map(Cell.text) ?? .null,
                    entry.batch.map { .int(Int($0)) } ?? .null, entry.detail.map(Cell.text) ?? .null,
                ]
            })
    }
}

public enum BatchTable {
    public static func table(_ batches: [ImportBatches.Entry]) -> Table {
        Table(
            columns: [
                "id", "kind", "file_name", "agency", "rows", "imported", "updated", "unchanged", "ran_by", "ran_at",
            ],
            rows: batches.map { b in
                [
                    .int(Int(b.id)), .code(b.kind), .text(b.fileName), b.agency.map(Cell.text) ?? .null, .int(b.rows),
                    .int(b.imported), .int(b.updated), .int(b.unchanged), .text(b.ranBy), .text(b.ranAt),
                ]
            })
    }
}

public enum PlanReport {
    /// The groups the fichas' needs ask for, and each tier's coverage if every listed post were trained.
    public static func tables(_ plan: FichaPlan) -> (groups: Table, tiers: Table) {
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

    public static func json(year: Int, _ plan: FichaPlan) -> PlanJSON {
        let (groups, tiers) = tables(plan)
        return PlanJSON(
            year: year, groups: groups.rows.map { JSONObject(keys: groups.columns, values: $0) },
            tiers: tiers.rows.map { JSONObject(keys: tiers.columns, values: $0) })
    }
}

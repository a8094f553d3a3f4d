import Capacita

// The lists the command line prints and the service answers: one builder per list, so a column
// or a key is named in one place and `--format json` equals the service's body.

public enum CourseTable {
    public static let columns = [
        "code", "program", "level", "title", "hours", "modalities", "max_group_size", "prerequisites",
        "counts_for_indicator", "approved_on", "approval_session",
    ]

    public static func table(_ courses: [Course]) -> Table {
        Table(
            columns: columns,
            rows: courses.map { course in
                [
                    .text(course.code), .text(course.program.rawValue), .code(course.level.rawValue),
                    .text(course.title), .number(course.hours), .codes(course.modalities.map(\.rawValue)),
                    .int(course.maxGroupSize), .list(course.prerequisites), .bool(course.countsForIndicator),
                    // A draft has no approval: «borrador», never an empty date.
                    course.approval.map { .date($0.date.description) } ?? .code("draft"),
                    course.approval.map { .text($0.session ?? "no indicada") } ?? .null,
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
    public static func table(_ listings: [GroupListing]) -> Table {
        Table(
            columns: [
                "group", "course", "title", "kind", "agency", "starts_on", "ends_on", "modality", "state", "capacity",
                "enrolled", "acreditados", "bajas", "general_public", "public_servants", "format", "partner",
            ],
            rows: listings.map { listing in
                let g = listing.group
                return [
                    .text(g.code), g.courseCode.map(Cell.text) ?? .null, listing.courseTitle.map(Cell.text) ?? .null,
                    .code(g.kind.rawValue), .text(g.agencyCode), .date(g.startsOn.description),
                    g.endsOn.map { .date($0.description) } ?? .null, g.modality.map { .code($0.rawValue) } ?? .null,
                    g.state.map(Cell.text) ?? .null, g.capacity.map(Cell.int) ?? .null, .int(listing.enrolled),
                    .int(listing.acreditados), .int(listing.bajas), .int(g.generalPublic), .int(g.publicServants),
                    g.format.map { .code($0.rawValue) } ?? .null, g.partner.map(Cell.text) ?? .null,
                ]
            })
    }

    /// One group as a record (`group show`, `GET /v1/groups/{code}`).
    public static func record(_ listing: GroupListing) -> Record {
        let table = table([listing])
        return Record(Array(zip(table.columns, table.rows[0])))
    }
}

/// A group's sessions (`group sessions`, `GET /v1/groups/{code}/sessions`, the group page).
public enum SessionTable {
    public static let columns = [
        "session", "group", "date", "starts_at", "ends_at", "place", "place_kind", "source",
    ]

    public static func table(_ sessions: [GroupSession]) -> Table {
        Table(
            columns: columns,
            rows: sessions.map { session in
                [
                    .text(session.code), .text(session.groupCode), .date(session.date.description),
                    session.startsAt.map { .text($0.description) } ?? .null,
                    session.endsAt.map { .text($0.description) } ?? .null,
                    session.place.map { .text($0.text) } ?? .null, session.place.map { .code($0.kind) } ?? .null,
                    .code(session.scheduled ? "scheduled" : "per_day"),
                ]
            })
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
    public static func table(_ records: [ConstanciaRecord]) -> Table {
        Table(
            columns: ["folio", "code", "name", "course", "issued_at", "revoked_at", "group"],
            rows: records.map { record in
                [
                    .text(record.folio), .text(record.code), .text(record.name.full), .text(record.courseCode),
                    .text(record.issuedAt), record.revokedAt.map(Cell.text) ?? .null,
                    // A period's list spans groups: each says its own.
                    .text(record.groupCode),
                ]
            })
    }

    /// What anyone holding the code may read: no CURP, surnames by their initials.
    public static func verification(_ record: ConstanciaVerification) -> Record {
        Record([
            ("status", .code(record.cancelled ? "cancelled" : record.revokedOn == nil ? "valid" : "revoked")),
            ("folio", .text(record.folio)),
            ("holder", record.cancelled ? .null : .text(record.holder.withSurnameInitials)),
            ("course", .text(record.courseTitle)),
            ("hours", .number(record.hours)), ("starts_on", .date(record.startsOn.description)),
            ("ends_on", record.endsOn.map { .date($0.description) } ?? .null),
            ("revoked_at", record.revokedOn.map(Cell.text) ?? .null),
            // The SHA-256 of each PDF given out, oldest first: a copy is the one issued when its
            // SHA-256 is one of these.
            ("pdf_sha256", .list(record.pdfs.map(\.sha256))),
        ])
    }
}

public enum FichaHistoryTable {
    public static func table(_ versions: [FichaVersion]) -> Table {
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

public enum AuditTable {
    public static func table(_ entries: [AuditEntry]) -> Table {
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
    public static func table(_ batches: [ImportBatchEntry]) -> Table {
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

public enum AccountTable {
    public static func table(_ accounts: [AccountListing]) -> Table {
        Table(
            columns: [
                "email", "name", "role", "agency", "groups", "active", "two_factor", "created_by", "created_at",
                "last_sign_in_at",
            ],
            rows: accounts.map { a in
                [
                    .text(a.email), .text(a.name), .code(a.role), a.agency.map(Cell.text) ?? .null, .list(a.groups),
                    .bool(a.active), .bool(a.twoFactor), .text(a.createdBy), .text(a.createdAt),
                    a.lastSignInAt.map(Cell.text) ?? .null,
                ]
            })
    }
}

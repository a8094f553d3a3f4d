import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import Testing

/// The groups file's `formato` and `aliado` stored on training_group (0032), the events report's
/// tables by them, and the 2010-2012 programme's training actions counted on a fresh database.
/// Everything runs on the application role, so row-level security and the grants apply.
@Suite struct EventFormatStoreTests {
    static let header =
        "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos,formato,aliado\n"
    static let file =
        header + """
            FERIA-1,,sensibilizacion,SEGOB,2024-07-30,,presencial,DF,,4000,120,otro,Organización Internacional para las Migraciones (OIM)
            OBRA-1,,sensibilizacion,SICT,2024-08-12,,presencial,DF,,300,40,Obra de teatro,Polaris
            PLATICA-1,,sensibilizacion,INM,2024-09-02,,,BC,,,25,platica,Polaris
            BAS-1,PNC22-BAS,,SICT,2024-03-04,,presencial,DF,30,,,,
            """

    private func importFile(_ text: String, _ connection: Connection) throws -> ImportOutcome {
        try FileImports(connection: connection).groups(
            try InputFile(bytes: Array(text.utf8), name: "grupos.csv"), ranBy: "pruebas")
    }

    @Test func formatAndPartnerAreStoredAndAFileSentAgainChangesNothing() throws {
        try withLoadedDatabase { connection in
            let first = try importFile(Self.file, connection)
            #expect(first.accepted && first.imported == 4, "\(first.rejected)")
            let obra = try #require(try GroupStore(connection: connection).group(code: "OBRA-1")).group
            #expect(obra.format == .obraDeTeatro && obra.partner == "Polaris")
            let basico = try #require(try GroupStore(connection: connection).group(code: "BAS-1")).group
            #expect(basico.format == nil && basico.partner == nil)
            let again = try importFile(Self.file, connection)
            #expect(again.accepted && again.imported == 0 && again.updated == 0 && again.unchanged == 4)
            // A formato changed, or a partner taken away, is an update of that group alone.
            let changed = try importFile(
                Self.file.replacingOccurrences(of: "Obra de teatro,Polaris", with: "video,"), connection)
            #expect(changed.updated == 1 && changed.unchanged == 3)
            let video = try #require(try GroupStore(connection: connection).group(code: "OBRA-1")).group
            #expect(video.format == .video && video.partner == nil)
        }
    }

    @Test func aBadFormatRefusesTheWholeFileByLine() throws {
        try withLoadedDatabase { connection in
            let bad = Self.file.replacingOccurrences(of: "platica,Polaris", with: "kermés,Polaris")
            let outcome = try importFile(bad, connection)
            #expect(!outcome.accepted)
            #expect(outcome.rejected.map { "\($0.line):\($0.column):\($0.value)" } == ["4:formato:kermés"])
            #expect(try count("training_group", connection) == 0)
        }
    }

    @Test func theDatabaseRefusesWhatTheImportRefuses() throws {
        try withLoadedDatabase { connection in
            var serial = 0
            func insert(_ format: String?, _ partner: String?) throws {
                serial += 1
                _ = try connection.query(
                    """
                    INSERT INTO training_group (code, kind, agency_code, starts_on, general_public, public_servants, format, partner)
                    VALUES ($1, 'sensibilizacion', 'SICT', '2024-01-10', 0, 0, $2, $3)
                    """, ["X-\(serial)", format, partner])
            }
            try insert("obra_de_teatro", "OIM")
            for (format, partner) in [
                ("kermes", nil), ("Taller", nil), (nil, " OIM"), (nil, "O  I M"), (nil, ""),
                (nil, "OIM\n"), (nil, String(repeating: "x", count: 201)),
            ] as [(String?, String?)] {
                do {
                    try connection.withTransaction { _ in try insert(format, partner) }
                    Issue.record("stored: \(format ?? "-") \(partner ?? "-")")
                } catch PostgresError.server(let error) {
                    #expect(error.sqlState == "23514")
                    #expect(
                        error.constraint
                            == (format == nil ? "training_group_partner_clean" : "training_group_format_known"))
                }
            }
        }
    }

    /// Each caller reads the same national tables by formato and partner, adding up to the
    /// TOTAL: counts, never one agency's people withheld or another's shown.
    @Test func everyRoleReadsTheSameTablesByFormatAndPartner() throws {
        try withLoadedDatabase { connection in
            #expect(try importFile(Self.file, connection).accepted)
            func splits(_ identity: Identity) throws -> [EventSplit] {
                connection.act(as: identity)
                return try ReportLoader(connection: connection).events(period: .year(2024)).splits
            }
            let admin = try splits(.admin("pruebas"))
            #expect(try splits(.enlace(of: "INM", user: "enlace-inm")) == admin)
            #expect(try splits(.instructor("instructor")) == admin)
            let formats = try #require(admin.first { $0.dimension == .formato })
            let byKey = Dictionary(uniqueKeysWithValues: formats.rows.map { ($0.key, $0) })
            #expect(byKey["otro"]?.eventos == 1 && byKey["otro"]?.personas == 4120)
            #expect(byKey["obra_de_teatro"]?.personas == 340 && byKey["platica"]?.personas == 25)
            #expect(byKey[EventSplit.withoutFormat]?.eventos == 1)
            #expect(formats.total.eventos == 4 && formats.total.personas == 4120 + 340 + 25)
            let partners = try #require(admin.first { $0.dimension == .aliado })
            #expect(
                partners.rows.map { "\($0.label):\($0.eventos ?? -1)" } == [
                    "Organización Internacional para las Migraciones (OIM):1", "Polaris:2", "sin aliado:1",
                ])
            #expect(partners.total == formats.total)
        }
    }

    /// Training actions per year: the groups that started in it, as the events report counts
    /// them; the published 2010 figure where there are none; ND where neither says.
    @Test func trainingActionsCountEachYearsGroupsAndThePublishedBaseline() throws {
        try withLoadedDatabase { connection in
            let early =
                Self.header + """
                    A-2011,,sensibilizacion,SEGOB,2011-02-01,,,,,50,,platica,
                    B-2011,,capacitacion,SICT,2011-11-30,,,,,,12,,
                    C-2011,,sensibilizacion,INM,2011-12-31,,,,,,3,,
                    D-2013,,sensibilizacion,INM,2013-01-01,,,,,,3,,
                    """
            #expect(try importFile(early, connection).accepted)
            #expect(try importFile(Self.file, connection).accepted)
            let published = try PublishedActions.parse(
                try repositoryFile(PublishedActions.seedFile), currentYear: 2026
            ).get()
            let loader = ReportLoader(connection: connection, currentYear: 2026)
            let report = try loader.trainingActions(
                baselineYear: 2010, target: 20, series: 2010...2012, published: published)
            #expect(report.card.years.map(\.actions) == [2817, 3, nil])
            #expect(report.card.years.map(\.mark) == [nil, nil, .noData])
            #expect(report.card.years[0].source == .published(published.counts[2010]?.source ?? ""))
            #expect(report.card.years[1].source == .events && report.card.years[1].change == Decimal(string: "-99.89"))
            // A year's actions are the events report's TOTAL of events, whoever asks.
            connection.act(as: .enlace(of: "INM", user: "enlace-inm"))
            let events = try loader.events(period: .year(2024))
            let recent = try loader.trainingActions(
                baselineYear: 2011, target: 20, series: 2024...2024, published: published)
            #expect(
                recent.card.years.first?.actions == events.total.capacitacion.eventos
                    + events.total.sensibilizacion.eventos)
            #expect(recent.card.years.first?.actions == 4 && recent.card.years.first?.meets == true)
        }
    }
}

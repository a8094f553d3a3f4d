import Capacita
import CapacitaFiles
import Testing

/// The groups file's `formato` and `aliado`, and the events table split by them.
@Suite struct EventFormatTests {
    static let header =
        "grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos,formato,aliado\n"

    private func parse(_ text: String) -> Result<[NumberedGroup], ImportIssues> {
        GroupFile.parse(Array(text.utf8), context: GroupFileTests.context)
    }

    @Test func aFormatIsReadWithoutCaseOrAccentsAndAPartnerIsCleaned() throws {
        let groups = try parse(
            Self.header
                + """
                a,,sensibilizacion,SICT,2024-03-04,,,,,100,,Obra de teatro,  Instituto   Matías Romero
                b,,sensibilizacion,SICT,2024-03-05,,,,,,,PLÁTICA,Polaris
                c,,sensibilizacion,SICT,2024-03-06,,,,,,,obra_de_teatro,
                d,PNC22-BAS,,SICT,2024-03-07,,,,,,,,
                """
        ).get().map(\.group)
        #expect(groups.map(\.format) == [.obraDeTeatro, .platica, .obraDeTeatro, nil])
        #expect(groups.map(\.partner) == ["Instituto Matías Romero", "Polaris", nil, nil])
        // Every code of the list is read as itself.
        for format in EventFormat.allCases {
            #expect(EventFormat.parse(format.rawValue) == format)
            #expect(EventFormat.parse(format.label.uppercased()) == format)
        }
    }

    @Test func theColumnsGoBySensibleAliases() throws {
        let file = """
            grupo,tipo,dependencia,inicio,Formato,Impartido por
            a,sensibilizacion,SICT,2024-03-04,video,OIM
            """
        let group = try #require(try parse(file).get().first?.group)
        #expect(group.format == .video && group.partner == "OIM")
        let socio = try #require(
            try parse("grupo,tipo,dependencia,inicio,socio\na,sensibilizacion,SICT,2024-03-04,OIM\n").get().first)
        #expect(socio.group.partner == "OIM")
    }

    @Test func aBadFormatOrPartnerIsRefusedByLineAndColumn() {
        let result = parse(
            Self.header
                + """
                a,,sensibilizacion,SICT,2024-03-04,,,,,,,taller,OIM
                b,,sensibilizacion,SICT,2024-03-05,,,,,,,feria,
                c,,sensibilizacion,SICT,2024-03-06,,,,,,,,\(String(repeating: "x", count: 201))
                d,,sensibilizacion,SICT,2024-03-07,,,,,,,,"OIM\u{200B}"
                e,,sensibilizacion,SICT,2024-03-08,,,,,,,,---
                """)
        guard case .failure(let issues) = result else {
            Issue.record("a bad formato was accepted")
            return
        }
        #expect(issues.issues.map { "\($0.line):\($0.column)" } == ["3:formato", "4:aliado", "5:aliado", "6:aliado"])
        #expect(
            issues.issues.first?.message
                == "formato desconocido: use platica, curso, taller, conferencia, obra_de_teatro, video u otro")
        #expect(issues.issues.first?.value == "feria")
        #expect(issues.issues[1].message == "pasa de 200 caracteres")
    }

    /// Generated groups: the formato table and the partners' table each add up to the TOTAL of
    /// the events table, groups without one on a line of their own.
    @Test(arguments: [3, 11, 2024] as [UInt64])
    func eachSplitAddsUpToTheTotal(seed: UInt64) {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let formats: [EventFormat?] = [nil] + EventFormat.allCases
        let partners: [String?] = [nil, "OIM", "oim", "Polaris", "Instituto Matías Romero", "INSTITUTO MATIAS ROMERO"]
        let groups = (0..<40).map { _ in
            EventGroup(
                agencyCode: ["SICT", "SEGOB"][next(2)], kind: next(2) == 0 ? .capacitacion : .sensibilizacion,
                generalPublic: next(500), publicServants: next(80), events: 1 + next(3),
                format: formats[next(formats.count)], partner: partners[next(partners.count)])
        }
        let agencies = ["SICT", "SEGOB"].map {
            Agency(code: $0, name: $0, formerNames: [], order: .federal, countsInIndicator: true)
        }
        let table = EventsTable.build(agencies: agencies, groups: groups)
        #expect(table.total.capacitacion.eventos + table.total.sensibilizacion.eventos > 0)
        let events = table.total.capacitacion.eventos + table.total.sensibilizacion.eventos
        let general = table.total.capacitacion.publicoGeneral + table.total.sensibilizacion.publicoGeneral
        let servants = table.total.capacitacion.servidoresPublicos + table.total.sensibilizacion.servidoresPublicos
        for split in [EventSplit.formats(groups), EventSplit.partners(groups)] {
            #expect(split.rows.compactMap(\.eventos).reduce(0, +) == events, "\(split.dimension)")
            #expect(split.rows.map(\.publicoGeneral).reduce(0, +) == general, "\(split.dimension)")
            #expect(split.rows.map(\.servidoresPublicos).reduce(0, +) == servants, "\(split.dimension)")
            #expect(split.total.eventos == events && split.total.personas == general + servants)
        }
        let byFormat = EventSplit.formats(groups)
        #expect(Array(byFormat.rows.map(\.key).prefix(7)) == EventFormat.allCases.map(\.rawValue))
        let without = groups.filter { $0.format == nil }.map(\.events).reduce(0, +)
        #expect(byFormat.rows.first { $0.key == EventSplit.withoutFormat }?.eventos == (without > 0 ? without : nil))
        // «OIM» and «oim» are one partner; so are the Instituto's two spellings.
        let keys = EventSplit.partners(groups).rows.map(\.key)
        #expect(Set(keys).isSubset(of: ["instituto matias romero", "oim", "polaris", EventSplit.withoutPartner]))
        #expect(keys.count == Set(keys).count)
    }

    @Test func aPartnerIsShownAsMostOfItsEventsWriteIt() {
        let groups = [
            EventGroup(
                agencyCode: "SICT", kind: .sensibilizacion, generalPublic: 0, publicServants: 0, events: 2,
                partner: "OIM"),
            EventGroup(
                agencyCode: "SEGOB", kind: .sensibilizacion, generalPublic: 10, publicServants: 0, events: 1,
                partner: "O.I.M."),
            EventGroup(agencyCode: "SEGOB", kind: .capacitacion, generalPublic: 0, publicServants: 5, events: 1),
        ]
        let split = EventSplit.partners(groups)
        #expect(split.rows.map(\.label) == ["OIM", "sin aliado"])
        #expect(split.rows.map(\.eventos) == [3, 1])
        #expect(split.rows.map(\.personas) == [10, 5])
    }
}

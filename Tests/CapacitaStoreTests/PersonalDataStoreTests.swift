import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import Foundation
import Postgres
import SampleData
import TestSupport
import Testing

/// A person's data on request (db/migrations/0037), on the application role acting as the
/// Secretaría Técnica where the service acts, and looked at by the superuser (no row-level
/// security) where a test compares with the tables themselves: the export holds every row about
/// the person and none about another; a cancellation leaves their CURP, names and e-mail in no
/// column of any table and every report's figures as they were; rectification keeps the history
/// linked to the request; opposition stops every message; the register marks what is overdue.
@Suite struct PersonalDataStoreTests {
    static let admin = Identity.admin("st")
    /// Zenaida was first sent as «Zenaida» and then as «Zenaida Eulalia» (a history row); Leandro
    /// sits in the same three groups.
    static let zenaida = Curp.completing("QUBZ800101MDFTRN0")
    static let leandro = Curp.completing("PELA750505HDFLSR0")
    static let zenaidaWords = ["Zenaida", "Eulalia", "Quetzalli", "Berrueco", "zenaida.q@sict.gob.mx"]
    static let leandroWords = ["Leandro", "Pelayo", "Salcedo", "leandro.p@inm.gob.mx"]

    static let groups = """
        grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo,publico_general,servidores_publicos
        ARCO-SENS-2024,PNC22-SENS,,SICT,2024-02-12,2024-02-12,presencial,DF,30,,
        ARCO-BAS-2024,PNC22-BAS,,SICT,2024-03-04,2024-03-08,presencial,DF,30,,
        ARCO-BAS-2023,PNC22-BAS,,INM,2023-05-08,2023-05-12,presencial,BC,30,,

        """

    /// Everything the issue names about a person, through the paths that write it: two imports
    /// (the second renames Zenaida: a history row), an attendance mark, results twice (a results
    /// history row) with constancias, a PDF recorded, a message to her address, a request of each.
    /// `body` gets the superuser's connection, acting as the Secretaría Técnica.
    static func withPeople(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabaseAsSuperuser { connection in
            try importGroups(groups, into: connection)
            try #require(
                try FileImports(connection: connection).headcounts(
                    try InputFile(bytes: try repositoryFile("examples/plantillas-2024.csv"), name: "plantillas.csv"),
                    ranBy: "test"
                ).accepted)
            // One file per agency: a file gives each person once, with one agency.
            func people(_ zenaidaName: String, _ agency: String, _ groups: [String]) -> String {
                var text = EnrollmentImportTests.header
                for group in groups {
                    text +=
                        "\(zenaida),\(zenaidaName),Quetzalli,Berrueco,M,zenaida.q@sict.gob.mx,\(agency),operativo,Analista,\(group)\n"
                    text += "\(leandro),Leandro,Pelayo,Salcedo,H,leandro.p@inm.gob.mx,\(agency),medio,Jefe,\(group)\n"
                }
                return text
            }
            for name in ["Zenaida", "Zenaida Eulalia"] {
                for (agency, groups) in [("INM", ["ARCO-BAS-2023"]), ("SICT", ["ARCO-SENS-2024", "ARCO-BAS-2024"])] {
                    let outcome = try enroll(
                        try temporaryFile(people(name, agency, groups)), connection, skipPrerequisites: true)
                    try #require(outcome.accepted, "\(outcome.rejected)")
                }
            }
            let marks = try AttendanceImporter(connection: connection).run(
                try InputFile(
                    bytes: Array(
                        "curp,grupo,fecha,asistencia\n\(zenaida),ARCO-BAS-2024,2024-03-04,sí\n\(leandro),ARCO-BAS-2024,2024-03-04,sí\n"
                            .utf8), name: "asistencia.csv"), options: .init(ranBy: "test"))
            try #require(marks.accepted, "\(marks.rejected)")
            for score in [90, 95] {
                var results = "curp,grupo,asistencia,calificacion\n"
                for group in ["ARCO-SENS-2024", "ARCO-BAS-2024", "ARCO-BAS-2023"] {
                    results += "\(zenaida),\(group),100,\(score)\n\(leandro),\(group),100,90\n"
                }
                let graded = try ResultsImporter(connection: connection).run(
                    try InputFile(bytes: Array(results.utf8), name: "resultados.csv"), options: .init(ranBy: "test"))
                try #require(graded.accepted, "\(graded.rejected)")
            }
            try connection.execute(
                """
                INSERT INTO constancia_pdf (folio, sha256)
                SELECT folio, encode(sha256(folio::bytea), 'hex') FROM constancia
                """)
            try MailOutbox(connection: connection).enqueue(
                OutgoingMail(
                    recipient: "zenaida.q@sict.gob.mx", subject: "Prueba", text: "Hola, Zenaida", html: "<p>Hola</p>",
                    kind: .test))
            let register = ArcoStore(connection: connection, calendar: try repositoryCalendar())
            try register.file(
                kind: .cancelacion, curp: try Curp.parse(zenaida).get(),
                received: CalendarDate(clamping: 2024, month: 6, day: 3),
                detail: "Zenaida Eulalia pide que se borren sus datos", channel: .escrito)
            try register.file(
                kind: .acceso, curp: try Curp.parse(leandro).get(),
                received: CalendarDate(clamping: 2024, month: 6, day: 3),
                detail: "Leandro pide sus datos", channel: .correo)
            try body(connection)
        }
    }

    static func asApplication<T>(_ connection: Connection, _ identity: Identity?, _ body: () throws -> T) throws -> T {
        try connection.execute("SET ROLE capacita_app")
        connection.act(as: identity)
        defer {
            try? connection.execute("RESET ROLE")
            connection.act(as: admin)
        }
        return try body()
    }

    static func curp(_ text: String) throws -> Curp { try Curp.parse(text).get() }

    // MARK: - Access

    @Test func theExportHoldsEveryRowAboutThePersonAndNoneAboutAnother() throws {
        try Self.withPeople { connection in
            let export = try Self.asApplication(connection, Self.admin) {
                try PersonalDataStore(connection: connection).export(curp: try Self.curp(Self.zenaida))
            }
            // Every table holding a CURP is a source of the export (or the cancelled people's own
            // list, or the summary's transient queue, empty at every commit).
            let withCurp = Set(
                try connection.query(
                    """
                    SELECT c.table_name FROM information_schema.columns c
                    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.column_name IN ('curp', 'curps')
                    """
                ).map { try $0.decode("table_name", as: String.self) })
            let sources = Set(PersonExport.sources.map(\.source))
            #expect(withCurp.subtracting(sources) == ["person_anonymized", "trained_dirty"], "\(withCurp)")
            #expect(try count("trained_dirty", connection) == 0)
            // Table by table: as many rows as the table holds about her, each hers.
            for table in [
                "person", "person_agency", "person_history", "enrollment", "result_history", "attendance_mark",
                "constancia", "trained_year", "arco_request",
            ] {
                let held =
                    try connection.query("SELECT count(*) FROM \(table) WHERE curp = $1", [Self.zenaida])
                    .scalar(Int.self) ?? -1
                let section = try #require(export.section(table), "\(table)")
                #expect(section.rows.count == held && held > 0, "\(table): \(section.rows.count) of \(held)")
                let index = try #require(section.columns.firstIndex(of: "curp"), "\(table)")
                #expect(section.rows.allSatisfy { $0[index] == .text(Self.zenaida) }, "\(table)")
            }
            #expect(export.section("person_history")?.rows.count == 1, "the rename's old values")
            #expect((export.section("result_history")?.rows.count ?? 0) >= 3, "the second results file's old scores")
            #expect(export.section("enrollment")?.rows.count == 3)
            let pdfs = try connection.query(
                "SELECT count(*) FROM constancia_pdf d JOIN constancia c USING (folio) WHERE c.curp = $1",
                [Self.zenaida]
            ).scalar(Int.self)
            #expect(export.section("constancia_pdf")?.rows.count == pdfs && (pdfs ?? 0) > 0)
            #expect(export.section("mail_outbox")?.rows.count == 1)
            #expect(export.section("mail_outbox")?.columns.contains("body_text") == false, "no body, no link")
            #expect(export.section("ficha")?.rows.isEmpty == true)
            #expect(export.notes.contains { $0.hasPrefix("Ninguna ficha diagnóstica nombra") })
            // The person row's values as stored.
            let person = try #require(export.section("person"))
            let given = try #require(person.columns.firstIndex(of: "given_names"))
            #expect(person.rows.first?[given] == .text("Zenaida Eulalia"))
            // Audit rows: the imports that wrote her rows and her request's, not Leandro's request.
            let audit = try #require(export.section("audit_log"))
            let action = try #require(audit.columns.firstIndex(of: "action"))
            let actions = Set(audit.rows.map { $0[action] })
            #expect(actions.isSuperset(of: [.text("enrollment.import"), .text("results.import"), .text("arco.file")]))
            let target = try #require(audit.columns.firstIndex(of: "target"))
            let leandroRequest = try connection.query(
                "SELECT 'solicitud ' || id FROM arco_request WHERE curp = $1", [Self.leandro]
            ).scalar(String.self)
            #expect(!audit.rows.contains { $0[target] == .text(leandroRequest ?? "?") })
            // Nothing about Leandro anywhere in it, in JSON or in the workbook's cells.
            let json = export.json
            for word in [Self.leandro] + Self.leandroWords {
                #expect(!json.contains(word), "\(word) in the export")
            }
            #expect(json.contains(Self.zenaida) && json.contains("Berrueco"))
            let cells = export.workbook.sheets.flatMap { sheet -> [String] in
                guard case .table(let table) = sheet.content else { return [] }
                return table.rows.flatMap { $0.map(\.display) }
            }
            #expect(!cells.contains { cell in Self.leandroWords.contains { cell.contains($0) } })
        }
    }

    @Test func onlyTheSecretariaTecnicaReadsAPersonsDataOrTheRegister() throws {
        try Self.withPeople { connection in
            for identity in [Identity.enlace(of: "SICT", user: "enlace-sict"), .instructor("instructora")] {
                try Self.asApplication(connection, identity) {
                    #expect(throws: PersonalDataStore.Problem.notAllowed) {
                        try PersonalDataStore(connection: connection).export(curp: try Self.curp(Self.zenaida))
                    }
                    let listed = try ArcoStore(connection: connection, calendar: WorkingCalendar()).list()
                    let marks = try count("person_mail_opt_out", connection) + count("person_anonymized", connection)
                    #expect(listed.isEmpty && marks == 0)
                    #expect(throws: ArcoStore.Problem.notAllowed) {
                        try ArcoStore(connection: connection, calendar: WorkingCalendar()).file(
                            kind: .acceso, curp: try Self.curp(Self.zenaida), received: ArcoStore.today, detail: nil,
                            channel: .escrito)
                    }
                    #expect(throws: PersonalDataStore.Problem.notAllowed) {
                        try PersonalDataStore(connection: connection).anonymize(
                            curp: try Self.curp(Self.zenaida), reason: "prueba", request: nil)
                    }
                }
            }
            // Acting for no one, on the application role's own login (as the public pages connect:
            // a superuser's session acting for no one is the operator), nothing files a request,
            // not even on the participants' channel: their page files through its session (0040).
            let database = try #require(try connection.query("SELECT current_database()").scalar(String.self))
            let app = try Connection(
                try applicationRoleURL(try TestDatabase.url(of: try TestDatabase.serverURL(), database: database)))
            let register = ArcoStore(connection: app, calendar: WorkingCalendar())
            let filedBefore = try connection.query(
                "SELECT count(*) FROM arco_request WHERE curp = $1", [Self.zenaida]
            ).scalar(Int.self)
            for channel in [ArcoRequest.Channel.escrito, .participante] {
                #expect(throws: ArcoStore.Problem.notAllowed) {
                    try register.file(
                        kind: .acceso, curp: try Self.curp(Self.zenaida), received: ArcoStore.today, detail: nil,
                        channel: channel)
                }
            }
            #expect(throws: PersonalDataStore.Problem.notAllowed) {
                try PersonalDataStore(connection: app).export(curp: try Self.curp(Self.zenaida))
            }
            #expect(throws: (any Error).self) {
                try app.query(
                    "SELECT arco_request_insert('acceso', $1, current_date, current_date, 'participante', NULL, 'x')",
                    [Self.zenaida])
            }
            #expect(
                try connection.query("SELECT count(*) FROM arco_request WHERE curp = $1", [Self.zenaida])
                    .scalar(Int.self) == filedBefore)
        }
    }

    // MARK: - Rectification and opposition

    @Test func aRectificationKeepsTheOldValuesLinkedToItsRequest() throws {
        try Self.withPeople { connection in
            let register = ArcoStore(connection: connection, calendar: try repositoryCalendar())
            let request = try register.file(
                kind: .rectificacion, curp: try Self.curp(Self.zenaida), received: ArcoStore.today,
                detail: "el segundo apellido", channel: .escrito)
            let changed = try Self.asApplication(connection, Self.admin) { () throws -> [String] in
                let store = PersonalDataStore(connection: connection)
                var record = try #require(try store.record(curp: try Self.curp(Self.zenaida)))
                record.secondSurname = "Berruecos"
                #expect(throws: PersonalDataStore.Problem.requestMismatch) {
                    try store.rectify(curp: try Self.curp(Self.leandro), to: record, request: request)
                }
                return try store.rectify(curp: try Self.curp(Self.zenaida), to: record, request: request)
            }
            #expect(changed == ["second_surname"])
            let linked = try connection.query(
                "SELECT second_surname FROM person_history WHERE curp = $1 AND arco_request_id = $2",
                [Self.zenaida, request]
            ).scalar(String.self)
            #expect(linked == "Berrueco", "the old value, linked to the request")
            #expect(
                try connection.query(
                    "SELECT count(*) FROM person_agency WHERE curp = $1 AND second_surname = 'Berruecos'",
                    [Self.zenaida]
                ).scalar(Int.self) == 2, "every agency's record corrected")
            #expect(try register.find(request)?.state == .atendida)
        }
    }

    @Test func aPersonWhoOpposedIsSentNothing() throws {
        try Self.withPeople { connection in
            let pending =
                "SELECT count(*) FROM mail_outbox WHERE recipient = $1 AND sent_at IS NULL AND failed_at IS NULL"
            #expect(try connection.query(pending, ["zenaida.q@sict.gob.mx"]).scalar(Int.self) == 1)
            try Self.asApplication(connection, Self.admin) {
                #expect(
                    try PersonalDataStore(connection: connection).setMailOptOut(
                        curp: try Self.curp(Self.zenaida), optedOut: true, request: nil))
                // What causes a message does not fail for it; the message is never sent.
                try MailOutbox(connection: connection).enqueue(
                    OutgoingMail(
                        recipient: "Zenaida.Q@sict.gob.mx", subject: "Otra", text: "Hola", html: "<p>Hola</p>",
                        kind: .test))
                try MailOutbox(connection: connection).enqueue(
                    OutgoingMail(
                        recipient: "leandro.p@inm.gob.mx", subject: "Otra", text: "Hola", html: "<p>Hola</p>",
                        kind: .test))
            }
            #expect(try connection.query(pending, ["zenaida.q@sict.gob.mx"]).scalar(Int.self) == 0)
            #expect(try connection.query(pending, ["Zenaida.Q@sict.gob.mx"]).scalar(Int.self) == 0)
            #expect(
                try connection.query(
                    "SELECT count(*) FROM mail_outbox WHERE lower(recipient) = $1 AND failed_at IS NOT NULL AND body_text = ''",
                    ["zenaida.q@sict.gob.mx"]
                ).scalar(Int.self) == 2)
            #expect(try connection.query(pending, ["leandro.p@inm.gob.mx"]).scalar(Int.self) == 1)
            // The deliverer finds nothing of hers to claim.
            try connection.execute("RESET ROLE")
            let claimed = try connection.query(
                "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND lower(recipient) LIKE 'zenaida%'"
            ).scalar(Int.self)
            #expect(claimed == 0)
        }
    }

    // MARK: - Cancellation

    /// Every text, varchar, JSON and array column of every table, searched for each word (case
    /// aside): where it is found, as «table.column».
    static func foundIn(_ connection: Connection, _ words: [String]) throws -> [String] {
        let columns = try connection.query(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
            ORDER BY 1, 2
            """
        ).map { (try $0.decode("table_name", as: String.self), try $0.decode("column_name", as: String.self)) }
        #expect(columns.count > 100, "the search covers the schema")
        var found: [String] = []
        for (table, column) in columns {
            let hits =
                try connection.query(
                    "SELECT count(*) FROM \"\(table)\" WHERE \"\(column)\"::text ILIKE ANY ($1::text[])",
                    [words.map { "%\($0)%" }]
                ).scalar(Int.self) ?? 0
            if hits > 0 { found.append("\(table).\(column)") }
        }
        return found
    }

    /// The reports a cancellation must leave as they were, as JSON.
    static func reports(_ connection: Connection) throws -> [String] {
        let loader = ReportLoader(connection: connection, currentYear: 2026)
        var texts: [String] = []
        for year in [2023, 2024] {
            texts.append(try loader.coverage(year: year, options: CoverageOptions()).json)
            texts.append(try loader.indicator(year: year, options: CoverageOptions()).json)
            texts.append(try loader.events(year: year).json)
        }
        texts.append(
            try loader.indicatorSeries(years: 2021...2024, options: CoverageOptions()).json)
        return texts
    }

    @Test func aCancellationLeavesTheIdentityNowhereAndEveryFigureAsItWas() throws {
        try Self.withPeople { connection in
            let before = try Self.asApplication(connection, Self.admin) { try Self.reports(connection) }
            #expect(before[2].contains("\"SICT\""), "the events table counts the groups")
            let code = try #require(
                try connection.query(
                    "SELECT code FROM constancia WHERE curp = $1 ORDER BY folio LIMIT 1", [Self.zenaida]
                ).scalar(String.self))
            let request = try #require(
                try connection.query("SELECT id FROM arco_request WHERE curp = $1", [Self.zenaida]).scalar(Int64.self))
            // A search that finds: both people are there before.
            #expect(!(try Self.foundIn(connection, [Self.zenaida] + Self.zenaidaWords)).isEmpty)

            let done = try Self.asApplication(connection, Self.admin) { () throws -> PersonalDataStore.Cancelled in
                let store = PersonalDataStore(connection: connection)
                #expect(throws: PersonalDataStore.Problem.reasonNamesPerson) {
                    try store.anonymize(
                        curp: try Self.curp(Self.zenaida), reason: "lo pidió Zenaida en ventanilla", request: request)
                }
                return try store.anonymize(
                    curp: try Self.curp(Self.zenaida), reason: "solicitud de cancelación por escrito", request: request)
            }
            #expect(done.enrollments == 3 && done.constancias == 3 && done.history == 1 && done.messages == 1)

            // (a) No column of any table holds her CURP, names or e-mail; Leandro's are all there.
            let left = try Self.foundIn(connection, [Self.zenaida] + Self.zenaidaWords)
            #expect(left.isEmpty, "still found in \(left)")
            #expect(try Self.foundIn(connection, [Self.leandro]).contains("person.curp"))
            #expect(
                try connection.query("SELECT count(*) FROM enrollment WHERE curp = $1", [Self.leandro]).scalar(Int.self)
                    == 3)

            // (b) Every figure as it was.
            let after = try Self.asApplication(connection, Self.admin) { try Self.reports(connection) }
            #expect(after == before)

            // Her enrollments, results and marks stand under a surrogate of her CURP's shape and sex.
            let surrogate = try #require(
                try connection.query("SELECT curp FROM person_anonymized").scalar(String.self))
            #expect(SurrogateCurp.isSurrogate(surrogate) && Curp(stored: surrogate).sex == .mujer)
            #expect(
                try connection.query("SELECT count(*) FROM enrollment WHERE curp = $1", [surrogate]).scalar(Int.self)
                    == 3)
            #expect(
                try connection.query("SELECT count(*) FROM attendance_mark WHERE curp = $1", [surrogate]).scalar(
                    Int.self) == 1)
            #expect(
                try connection.query(
                    "SELECT count(*) FROM constancia_pdf d JOIN constancia c USING (folio) WHERE c.curp = $1",
                    [surrogate]
                ).scalar(Int.self) == 0)

            // (c) The public verification: annulled by the cancellation, no name.
            let verified = try Self.asApplication(connection, nil) {
                try ConstanciaStore(connection: connection).verify(code: code)
            }
            let found = try #require(verified)
            #expect(found.cancelled && found.revokedOn != nil && found.holder.givenNames.isEmpty)
            #expect(ConstanciaTable.verification(found).render(.json).contains("\"cancelled\""))

            // The register keeps the request, closed, under the surrogate and without its text.
            let kept = try #require(try ArcoStore(connection: connection, calendar: WorkingCalendar()).find(request))
            #expect(kept.state == .atendida && kept.curp.value == surrogate && kept.detail == nil)
            // The act is audited without the data; once is all.
            #expect(
                try connection.query("SELECT detail->>'reason' FROM audit_log WHERE action = 'person.anonymize'")
                    .scalar(String.self) == "solicitud de cancelación por escrito")
            try Self.asApplication(connection, Self.admin) {
                #expect(throws: PersonalDataStore.Problem.noSuchPerson) {
                    try PersonalDataStore(connection: connection).anonymize(
                        curp: try Self.curp(Self.zenaida), reason: "otra vez", request: nil)
                }
                #expect(throws: PersonalDataStore.Problem.alreadyCancelled) {
                    try PersonalDataStore(connection: connection).anonymize(
                        curp: Curp(stored: surrogate), reason: "otra vez", request: nil)
                }
            }
            // No constancia is issued to her again (a later recomputation of her enrollment, by the
            // attendance register, would try): the row is skipped, whoever writes it.
            try connection.execute(
                """
                INSERT INTO constancia (folio, year, sequence, code, group_code, curp)
                VALUES ('PNC-2024-999999', 2024, 999999, 'ZZZZZZZZZZZZ', 'ARCO-BAS-2024', '\(surrogate)')
                """)
            #expect(
                try connection.query(
                    "SELECT count(*) FROM constancia WHERE curp = $1 AND revoked_at IS NULL", [surrogate]
                ).scalar(Int.self) == 0)
        }
    }

    @Test func aSurrogateInUseIsDrawnAgain() throws {
        try Self.withPeople { connection in
            var probe = SeededGenerator(seed: 7)
            let first = SurrogateCurp.make(for: try Self.curp(Self.zenaida), using: &probe)
            try connection.execute(
                "INSERT INTO person (curp, given_names, first_surname, sex) VALUES ('\(first)', 'Otra', 'Persona', 'M')"
            )
            var generator = SeededGenerator(seed: 7)
            _ = try Self.asApplication(connection, Self.admin) {
                try PersonalDataStore(connection: connection).anonymize(
                    curp: try Self.curp(Self.zenaida), reason: "prueba de colisión", request: nil, using: &generator)
            }
            let surrogate = try connection.query("SELECT curp FROM person_anonymized").scalar(String.self)
            #expect(surrogate != nil && surrogate != first)
            #expect(
                try connection.query("SELECT given_names FROM person WHERE curp = $1", [first]).scalar(String.self)
                    == "Otra")
        }
    }

    @Test func anAccountOfThePersonStopsTheCancellation() throws {
        try Self.withPeople { connection in
            _ = try AccountStoreTests.create(connection, "zenaida.q@sict.gob.mx", .instructor, groups: [])
            try Self.asApplication(connection, Self.admin) {
                #expect(throws: PersonalDataStore.Problem.hasAccount) {
                    try PersonalDataStore(connection: connection).anonymize(
                        curp: try Self.curp(Self.zenaida), reason: "prueba", request: nil)
                }
                let due = try PersonalDataStore(connection: connection).retentionDue(
                    cutoff: CalendarDate(clamping: 2999, month: 1, day: 1))
                #expect(due.first { $0.curp.value == Self.zenaida }?.blocked == .cuenta)
            }
            #expect(try count("person_anonymized", connection) == 0)
        }
    }

    // MARK: - The register and retention

    @Test func aRequestPastItsDeadlineIsOverdue() throws {
        try Self.withPeople { connection in
            let calendar = try repositoryCalendar()
            let requests = try Self.asApplication(connection, Self.admin) {
                try ArcoStore(connection: connection, calendar: calendar).list()
            }
            #expect(requests.count == 2)
            // Received Monday 3 June 2024: twenty working days (no holiday in June) end 1 July.
            #expect(requests.allSatisfy { $0.dueOn == CalendarDate(year: 2024, month: 7, day: 1) })
            let late = CalendarDate(clamping: 2024, month: 7, day: 2)
            #expect(requests.allSatisfy { $0.isOverdue(today: late) })
            #expect(!requests.contains { $0.isOverdue(today: CalendarDate(clamping: 2024, month: 7, day: 1)) })
            let table = ArcoTable.table(requests, today: late, calendar: calendar)
            let status = try #require(table.columns.firstIndex(of: "status"))
            #expect(table.rows.allSatisfy { $0[status] == .code("vencida") })
            #expect(!table.render(.json).contains(Self.zenaida), "the list masks the CURP")
            // Closed, it is no longer overdue.
            let id = requests[0].id
            try Self.asApplication(connection, Self.admin) {
                let register = ArcoStore(connection: connection, calendar: calendar)
                #expect(throws: ArcoStore.Problem.self) { try register.setState(id, to: .atendida, outcome: nil) }
                try register.setState(id, to: .atendida, outcome: "Se entregaron sus datos.")
                #expect(throws: ArcoStore.Problem.closed) {
                    try register.setState(id, to: .improcedente, outcome: "tarde")
                }
                #expect(try register.find(id)?.isOverdue(today: late) == false)
            }
        }
    }

    @Test func retentionCancelsWhoIsDueAndEveryFigureStays() throws {
        try Self.withPeople { connection in
            let before = try Self.asApplication(connection, Self.admin) { try Self.reports(connection) }
            // Their requests are open: they are due, and left.
            let policy = RetentionPolicy(years: 5, basis: "prueba")
            let far = CalendarDate(clamping: 2100, month: 1, day: 1)
            let blocked = try Self.asApplication(connection, Self.admin) {
                try PersonalDataStore(connection: connection).applyRetention(policy: policy, today: far)
            }
            #expect(blocked.cancelled == 0 && blocked.skipped.count == 2)
            #expect(blocked.skipped.allSatisfy { $0.curp.hasSuffix("**************") })
            try connection.execute(
                "UPDATE arco_request SET state = 'improcedente', outcome = 'x', closed_by = 'st', closed_at = now()")
            // Not yet due at today's date: their groups were in 2023 and 2024, their records changed today.
            let none = try Self.asApplication(connection, Self.admin) {
                try PersonalDataStore(connection: connection).applyRetention(policy: policy, today: ArcoStore.today)
            }
            #expect(none.cancelled == 0)
            let outcome = try Self.asApplication(connection, Self.admin) {
                try PersonalDataStore(connection: connection).applyRetention(policy: policy, today: far)
            }
            #expect(
                outcome.cancelled == 2 && outcome.failed == 0
                    && outcome.cutoff == CalendarDate(clamping: 2095, month: 1, day: 1))
            #expect(try count("person_anonymized", connection) == 2)
            #expect(
                try Self.foundIn(connection, [Self.zenaida, Self.leandro] + Self.zenaidaWords + Self.leandroWords)
                    .isEmpty)
            let after = try Self.asApplication(connection, Self.admin) { try Self.reports(connection) }
            #expect(after == before)
            #expect(
                try connection.query(
                    "SELECT count(*) FROM audit_log WHERE action = 'person.anonymize' AND detail->>'reason' LIKE 'retención:%'"
                )
                .scalar(Int.self) == 2)
        }
    }
}

func repositoryCalendar() throws -> WorkingCalendar {
    try WorkingCalendar.parse(try repositoryFile("db/seed/dias-inhabiles.csv")).get()
}

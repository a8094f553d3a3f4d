import Capacita
import CapacitaFiles
import CapacitaOutput
import CapacitaStore
import CapacitaXLSX
import Foundation
import Postgres
import TestSupport
import Testing

/// The attendance register through `AttendanceImporter` on the application role: the example
/// groups, SICT's Básico with its ten people (and their results file), sessions as the demo loads
/// them unless a test says otherwise.
@Suite struct AttendanceImportTests {
    static let group = "SICT-BAS-2024-01"
    static let header = "curp,grupo,fecha,inicio,asistencia\n"
    static let gomez = "GOMC820101HDFMRR04"
    static let hernandez = "HEGG560427MVZRRL04"
    static let lopez = "LOPM900315MJCPRR00"
    static let nunez = "NUOI851130MOCXRN05"
    static let diaz = "DIJL660919MVZZMC09"
    /// Valid, and enrolled only where a test puts him.
    static let juan = "RAMJ011120HNLMRNA9"

    private func withBasicGroup(
        sessions: Bool = true, results: Bool = true, _ body: (Connection) throws -> Void
    ) throws {
        try withLoadedDatabase { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            if sessions {
                let loaded = try FileImports(connection: connection).sessions(
                    try InputFile(bytes: try repositoryFile("examples/sesiones.csv"), name: "sesiones.csv"),
                    ranBy: "test")
                try #require(loaded.accepted, "\(loaded.rejected)")
            }
            let people = try enroll(
                try temporaryFile(try repositoryFile("examples/inscripcion-sict-corregida.csv")), connection,
                agency: "SICT")
            try #require(people.accepted, "\(people.rejected)")
            if results {
                let outcome = try ResultsImporter(connection: connection).run(
                    try InputFile(
                        path: TestDatabase.projectRoot.appendingPathComponent(
                            "examples/resultados-sict-bas.csv"
                        ).path), options: .init(ranBy: "test"))
                try #require(outcome.accepted, "\(outcome.rejected)")
            }
            try body(connection)
        }
    }

    private func attendance(_ csv: String, _ connection: Connection, dryRun: Bool = false, group: String? = nil)
        throws -> ImportOutcome
    {
        try AttendanceImporter(connection: connection).run(
            try InputFile(bytes: Array(csv.utf8), name: "asistencia.csv"),
            options: .init(group: group, dryRun: dryRun, ranBy: "test"))
    }

    private func example(_ connection: Connection) throws -> ImportOutcome {
        try AttendanceImporter(connection: connection).run(
            try InputFile(bytes: try repositoryFile("examples/asistencia.csv"), name: "asistencia.csv"),
            options: .init(ranBy: "test"))
    }

    /// attendance and status of one enrollment, as "80.00 acreditado".
    private func standing(_ curp: String, _ connection: Connection, group: String = group) throws -> String {
        try connection.query(
            "SELECT coalesce(attendance::text, '-') || ' ' || status FROM enrollment WHERE group_code = $1 AND curp = $2",
            [group, curp]
        ).scalar(String.self) ?? "not enrolled"
    }

    private func validConstancia(_ curp: String, _ connection: Connection) throws -> Bool {
        try connection.query(
            "SELECT EXISTS (SELECT 1 FROM constancia WHERE group_code = $1 AND curp = $2 AND revoked_at IS NULL)",
            [Self.group, curp]
        ).scalar(Bool.self) ?? false
    }

    /// Trained people of SICT in 2024 by tier, as Parámetro 4.2 and coverage count them.
    private func trained(_ connection: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.query(
            "SELECT tier, people FROM trained_counts(2024, 2024) WHERE agency_code = 'SICT'"
        ).rows {
            counts[try row.decode("tier")] = try row.decode("people")
        }
        return counts
    }

    private func tier(_ curp: String, _ connection: Connection) throws -> String {
        try connection.query("SELECT tier FROM enrollment WHERE group_code = $1 AND curp = $2", [Self.group, curp])
            .scalar(String.self) ?? ""
    }

    private func enrollJuan(_ connection: Connection, agency: String = "INM", group: String = group) throws {
        let outcome = try enroll(
            try temporaryFile(
                EnrollmentImportTests.header + "\(Self.juan),Juan,Ramírez,,H,,\(agency),base,,\(group)\n"),
            connection, skipPrerequisites: true)
        try #require(outcome.accepted, "\(outcome.rejected)")
    }

    @Test func theRegisterDecidesPercentagesStatusesConstanciasAndTheIndicator() throws {
        try withBasicGroup { connection in
            #expect(try standing(Self.lopez, connection) == "80.00 acreditado")
            #expect(try standing(Self.nunez, connection) == "60.00 no_acreditado")
            #expect(try validConstancia(Self.lopez, connection) && !(try validConstancia(Self.nunez, connection)))
            let before = try trained(connection)
            let (lopezTier, nunezTier) = (try tier(Self.lopez, connection), try tier(Self.nunez, connection))
            try #require(lopezTier != nunezTier)

            let outcome = try example(connection)
            #expect(outcome.accepted && outcome.rows == 50 && outcome.imported == 50, "\(outcome.rejected)")
            // Seven percentages differ from the results file's (three were already the register's).
            #expect(outcome.extra["attendance_changed"] == 7)
            #expect(outcome.extra["constancias_issued"] == 1 && outcome.extra["constancias_revoked"] == 1)
            // López passed on the imported 80 % but attended 3 of 5 sessions: no longer acreditada.
            #expect(try standing(Self.lopez, connection) == "60.00 no_acreditado")
            #expect(!(try validConstancia(Self.lopez, connection)))
            // Núñez failed on the imported 60 % but attended 4 of 5: acreditada, with a constancia.
            #expect(try standing(Self.nunez, connection) == "80.00 acreditado")
            #expect(try validConstancia(Self.nunez, connection))
            // Hernández's justified day is left out of her count (the catalog's default): 4 of 4.
            #expect(try standing(Self.hernandez, connection) == "100.00 acreditado")
            // Díaz has no final score: the register decides her attendance, not yet her status.
            #expect(try standing(Self.diaz, connection) == "40.00 inscrito")
            // The indicator counts the register's acreditados.
            let after = try trained(connection)
            #expect(after[lopezTier, default: 0] == before[lopezTier, default: 0] - 1)
            #expect(after[nunezTier, default: 0] == before[nunezTier, default: 0] + 1)
            // Recorded as every import is.
            #expect(
                try connection.query("SELECT count(*) FROM import_batch WHERE kind = 'attendance'").scalar(Int.self)
                    == 1)
            #expect(
                try connection.query("SELECT count(*) FROM audit_log WHERE action = 'attendance.import'").scalar(
                    Int.self) == 1)
            #expect(
                try connection.query(
                    "SELECT count(*) FROM attendance_mark WHERE batch_id = $1", [outcome.batchID ?? 0]
                ).scalar(Int.self) == 50)
            // What the register shows is what was stored.
            let register = try #require(try AttendanceStore(connection: connection).register(group: Self.group))
            #expect(register.rule == .excluida && register.sessions.count == 5)
            for participant in register.participants {
                let percent = register.percent(participant).map { NSDecimalNumber(decimal: $0).doubleValue }
                #expect(percent == participant.attendance, "\(participant.curp.masked)")
            }
        }
    }

    @Test func theSameFileAgainChangesNothing() throws {
        try withBasicGroup { connection in
            try #require(try example(connection).accepted)
            func snapshot() throws -> String? {
                try connection.query(
                    """
                    SELECT (SELECT string_agg(curp || session_date || mark || batch_id || marked_at, '|' ORDER BY 1)
                            FROM attendance_mark)
                        || (SELECT string_agg(curp || coalesce(attendance::text, '') || status || updated_at, '|' ORDER BY 1)
                            FROM enrollment)
                    """
                ).scalar(String.self)
            }
            let before = try snapshot()
            let again = try example(connection)
            #expect(again.accepted && again.imported == 0 && again.updated == 0 && again.unchanged == 50)
            #expect(again.extra["attendance_changed"] == 0 && again.extra["constancias_issued"] == 0)
            #expect(try snapshot() == before)
            // One cell corrected: one mark updated, one percentage changed.
            let corrected = try attendance(Self.header + "\(Self.lopez),\(Self.group),2024-03-05,,sí\n", connection)
            #expect(corrected.accepted && corrected.updated == 1 && corrected.unchanged == 0)
            #expect(corrected.extra["attendance_changed"] == 1)
            #expect(try standing(Self.lopez, connection) == "80.00 acreditado")
        }
    }

    @Test func aResultsFileKeepsTheRegistersPercentage() throws {
        try withBasicGroup { connection in
            try #require(try example(connection).accepted)
            let results = try ResultsImporter(connection: connection).run(
                try InputFile(
                    bytes: Array(
                        "curp,grupo,asistencia,calificacion\n\(Self.lopez),\(Self.group),100,95\n".utf8),
                    name: "resultados.csv"), options: .init(ranBy: "test"))
            #expect(results.accepted, "\(results.rejected)")
            #expect(results.extra["attendance_from_register"] == 1)
            // The score is the file's; the attendance stays the register's 60 %, and so does the verdict.
            #expect(try standing(Self.lopez, connection) == "60.00 no_acreditado")
            #expect(
                try connection.query(
                    "SELECT final_score::float8 FROM enrollment WHERE group_code = $1 AND curp = $2",
                    [Self.group, Self.lopez]
                ).scalar(Double.self) == 95)
            // A group without a register keeps the file's percentage.
            try enrollJuan(connection, agency: "SICT", group: "SICT-INT-2024-01")
            let other = try ResultsImporter(connection: connection).run(
                try InputFile(
                    bytes: Array("curp,grupo,asistencia,calificacion\n\(Self.juan),SICT-INT-2024-01,90,90\n".utf8),
                    name: "resultados.csv"), options: .init(ranBy: "test"))
            #expect(other.accepted && other.extra["attendance_from_register"] == nil)
            #expect(try standing(Self.juan, connection, group: "SICT-INT-2024-01") == "90.00 acreditado")
        }
    }

    @Test func aFileWithAnyProblemWritesNothingAndNamesEachByLine() throws {
        try withBasicGroup { connection in
            try enrollJuan(connection, agency: "SICT", group: "SICT-INT-2024-01")
            _ = try EnrollmentStore(connection: connection).drop(
                group: Self.group, curp: try Curp.parse(Self.diaz).get(), reason: "Renuncia")
            let outcome = try attendance(
                Self.header
                    + [
                        "\(Self.gomez),\(Self.group),2024-03-04,,sí",
                        "\(Self.juan),\(Self.group),2024-03-04,,sí",
                        "\(Self.gomez),\(Self.group),2024-03-09,,sí",
                        "\(Self.gomez),\(Self.group),2024-03-05,10:00,no",
                        "\(Self.gomez),\(Self.group),04/03/2024,09:00,no",
                        "\(Self.gomez),SEGOB-FERIA-2024,2024-07-30,,sí",
                        "\(Self.gomez),\(Self.group),2024-03-06,,tal vez",
                        "\(Self.diaz),\(Self.group),2024-03-06,,sí",
                        "\(Self.juan),SICT-INT-2024-01,2024-06-10,,sí",
                        "\(Self.juan),SICT-INT-2024-01,2024-06-10,15:00,sí",
                    ].joined(separator: "\n"), connection)
            #expect(!outcome.accepted)
            #expect(
                outcome.rejected.map { "\($0.line) \($0.column) \($0.message)" } == [
                    "3 curp la persona no está inscrita en el grupo \(Self.group)",
                    "4 fecha el grupo no tiene sesión en esa fecha",
                    "5 inicio el grupo no tiene sesión a esa hora ese día (sus sesiones empiezan a las 09:00)",
                    "6 curp la misma persona ya tiene marca de esa sesión en la línea 2",
                    "7 grupo el grupo es un evento sin curso del catálogo: no lleva registro de asistencia",
                    "8 asistencia asistencia no válida: escriba sí, no o justificada (también 1 o 0)",
                    "9 curp la persona está dada de baja del grupo \(Self.group); su asistencia no cambia",
                    "10 inicio el grupo tiene 2 sesiones ese día (a las 10:00, 15:00): indique en la columna inicio la hora de la sesión",
                ], "\(outcome.rejected)")
            #expect(outcome.rejected.allSatisfy { !$0.value.contains(Self.juan) })
            #expect(try count("attendance_mark", connection) == 0)
            #expect(
                try connection.query("SELECT count(*) FROM audit_log WHERE action = 'attendance.import_refused'")
                    .scalar(Int.self) == 1)
            // The good rows alone, as a dry run: counted, not written.
            let dry = try attendance(
                Self.header
                    + "\(Self.gomez),\(Self.group),2024-03-04,,sí\n\(Self.juan),SICT-INT-2024-01,2024-06-10,15:00,1\n",
                connection, dryRun: true)
            #expect(dry.accepted && dry.dryRun && dry.imported == 2, "\(dry.rejected)")
            #expect(try count("attendance_mark", connection) == 0)
        }
    }

    @Test func aGroupWithoutASessionsFileHasOneSessionADayWithoutHours() throws {
        try withBasicGroup(sessions: false) { connection in
            let refused = try attendance(
                Self.header
                    + "\(Self.gomez),\(Self.group),2024-03-04,09:00,sí\n\(Self.gomez),\(Self.group),2024-03-11,,sí\n",
                connection)
            #expect(
                refused.rejected.map { "\($0.line) \($0.column) \($0.message)" } == [
                    "2 inicio el grupo no tiene archivo de sesiones: su sesión de cada día no tiene hora; deje vacía la columna inicio",
                    "3 fecha la fecha no es de una sesión del grupo: tiene una por día, del 4 al 8 de marzo de 2024",
                ])
            let outcome = try example(connection)
            #expect(outcome.accepted && outcome.imported == 50, "\(outcome.rejected)")
            #expect(try standing(Self.lopez, connection) == "60.00 no_acreditado")
            #expect(
                try connection.query("SELECT count(*) FROM attendance_mark WHERE starts_at IS NULL").scalar(Int.self)
                    == 50)
            // Its days are taken: a sessions file cannot replace them now, by line, and the database
            // refuses it again.
            let sessions = try FileImports(connection: connection).sessions(
                try InputFile(bytes: try repositoryFile("examples/sesiones.csv"), name: "sesiones.csv"), ranBy: "test")
            #expect(
                sessions.rejected.map { "\($0.line) \($0.column)" } == ["2 grupo"]
                    && sessions.rejected.first?.message.contains("sus sesiones ya no se reemplazan") == true,
                "\(sessions.rejected)")
            #expect(try count("group_session", connection) == 0)
            #expect(throws: PostgresError.self) {
                try connection.execute(
                    "INSERT INTO group_session (group_code, session_date, starts_at, ends_at) VALUES ('\(Self.group)', '2024-03-04', '09:00', '10:00')"
                )
            }
        }
    }

    @Test func aSessionsFileMayNotLeaveOutAMarkedSession() throws {
        try withBasicGroup { connection in
            try #require(try example(connection).accepted)
            let sessions = try FileImports(connection: connection).sessions(
                try InputFile(
                    bytes: Array(
                        """
                        grupo,fecha,inicio,fin,lugar
                        \(Self.group),2024-03-04,09:00,14:00,Aula 3
                        \(Self.group),2024-03-05,09:00,14:00,Aula 3
                        \(Self.group),2024-03-06,09:00,14:00,Aula 3
                        \(Self.group),2024-03-07,09:00,14:00,Aula 3
                        """.utf8), name: "sesiones.csv"), ranBy: "test")
            #expect(
                sessions.rejected.map { "\($0.line) \($0.column) \($0.message)" } == [
                    "2 grupo la sesión del 2024-03-08 a las 09:00 tiene registro de asistencia y el archivo ya no la lista; inclúyala"
                ])
            #expect(throws: PostgresError.self) {
                try connection.execute(
                    "DELETE FROM group_session WHERE group_code = '\(Self.group)' AND session_date = '2024-03-08'")
            }
            // Changing a marked session's hours keeps it: the file is taken.
            let moved = try FileImports(connection: connection).sessions(
                try InputFile(
                    bytes: Array(
                        ("grupo,fecha,inicio,fin,lugar\n"
                            + (4...8).map { "\(Self.group),2024-03-0\($0),09:00,13:00,Aula 5" }.joined(separator: "\n"))
                            .utf8), name: "sesiones.csv"), ranBy: "test")
            #expect(moved.accepted && moved.updated == 5, "\(moved.rejected)")
        }
    }

    /// Row-level security: an enlace keeps its own agency's people only, another agency gets
    /// nothing, and a CURP the caller may not see is answered exactly as one that is not enrolled.
    @Test func eachKeeperReachesOnlyWhatTheyMay() throws {
        try withBasicGroup { connection in
            try enrollJuan(connection)  // INM's person, in SICT's group, enrolled by the Secretaría Técnica
            try connection.execute(
                "INSERT INTO group_instructor (group_code, user_name) VALUES ('\(Self.group)', 'instructora')")
            let unknown = Curp.completing("PEPJ800101HDFRRN0")
            try #require((try? Curp.parse(unknown).get()) != nil)

            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            let probe = try attendance(
                Self.header + "\(Self.juan),\(Self.group),2024-03-04,,sí\n\(unknown),\(Self.group),2024-03-04,,sí\n",
                connection)
            #expect(probe.rejected.count == 2)
            #expect(probe.rejected[0].message == probe.rejected[1].message)
            #expect(probe.rejected[0].column == probe.rejected[1].column)
            #expect(probe.rejected[0].message == "la persona no está inscrita en el grupo \(Self.group)")
            // The database refuses it too, whatever the Swift side checks.
            #expect(throws: PostgresError.self) {
                try connection.execute(
                    "INSERT INTO attendance_mark (group_code, curp, session_date, starts_at, mark, batch_id) SELECT '\(Self.group)', '\(Self.juan)', '2024-03-04', '09:00', 'present', max(id) FROM import_batch"
                )
            }
            let own = try example(connection)
            #expect(own.accepted && own.imported == 50, "\(own.rejected)")
            #expect(try AttendanceStore(connection: connection).register(group: Self.group)?.participants.count == 10)

            // The Secretaría Técnica marks INM's person: SICT's figures do not move.
            connection.act(as: .admin("pruebas"))
            let inm = try attendance(
                Self.header + "\(Self.juan),\(Self.group),2024-03-04,,sí\n\(Self.juan),\(Self.group),2024-03-05,,no\n",
                connection)
            #expect(inm.accepted && inm.extra["attendance_changed"] == 1, "\(inm.rejected)")
            #expect(try standing(Self.juan, connection) == "50.00 inscrito")
            #expect(try standing(Self.lopez, connection) == "60.00 no_acreditado")
            #expect(try count("attendance_mark", connection) == 52)

            // SICT's enlace reads its own people's marks only.
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            #expect(try count("attendance_mark", connection) == 50)
            let seen = try #require(try AttendanceStore(connection: connection).register(group: Self.group))
            #expect(!seen.participants.contains { $0.curp.value == Self.juan })

            // INM's enlace keeps no register of SICT's group: nothing of it, and every row refused alike.
            connection.act(as: .enlace(of: "INM", user: "enlace-inm"))
            #expect(try AttendanceStore(connection: connection).register(group: Self.group) == nil)
            let foreign = try attendance(
                Self.header + "\(Self.juan),\(Self.group),2024-03-06,,sí\n\(Self.gomez),\(Self.group),2024-03-06,,sí\n",
                connection)
            #expect(
                foreign.rejected.map(\.message)
                    == Array(
                        repeating: AccessRules.Refusal.registerKeptByOthers.message, count: 2))
            #expect(
                try connection.query("SELECT count(*) FROM attendance_mark WHERE curp <> $1", [Self.juan]).scalar(
                    Int.self) == 0)

            // The group's instructor keeps it; another instructor does not.
            connection.act(as: .instructor("instructora"))
            let instructor = try attendance(Self.header + "\(Self.lopez),\(Self.group),2024-03-05,,sí\n", connection)
            #expect(instructor.accepted && instructor.updated == 1, "\(instructor.rejected)")
            #expect(try standing(Self.lopez, connection) == "80.00 acreditado")
            connection.act(as: .instructor("otra"))
            let stranger = try attendance(Self.header + "\(Self.lopez),\(Self.group),2024-03-05,,no\n", connection)
            #expect(stranger.rejected.map(\.message) == [AccessRules.Refusal.registerKeptByOthers.message])
            #expect(try AttendanceStore(connection: connection).register(group: Self.group) == nil)
            connection.act(as: nil)
        }
    }

    @Test func theCoursesRuleForJustifiedAbsencesIsCatalogData() throws {
        try withBasicGroup { connection in
            #expect(
                try connection.query("SELECT justified_absences FROM course WHERE code = 'PNC22-BAS'").scalar(
                    String.self) == "excluida")
            try connection.execute("UPDATE course SET justified_absences = 'falta' WHERE code = 'PNC22-BAS'")
            try #require(try example(connection).accepted)
            // Hernández's justified day now counts as an absence: 4 of 5.
            #expect(try standing(Self.hernandez, connection) == "80.00 acreditado")
            #expect(try AttendanceStore(connection: connection).register(group: Self.group)?.rule == .falta)
        }
    }

    @Test func theSQLPercentageAgreesWithTheDomain() throws {
        try withMigratedDatabase { connection in
            for rule in JustifiedAbsences.allCases {
                for counted in 0...7 {
                    for present in 0...counted {
                        for excused in 0...(counted - present) {
                            let sql = try connection.query(
                                "SELECT coalesce(attendance_percent($1::bigint, $2::bigint, $3::bigint, $4)::text, 'none')",
                                [present, excused, counted, rule.rawValue]
                            ).scalar(String.self)
                            let domain =
                                AttendanceTally(present: present, excused: excused, counted: counted)
                                .percent(rule).map { Exact.text($0, places: Exact.percentPlaces) } ?? "none"
                            #expect(sql == domain, "\(rule) \(present)/\(excused)/\(counted)")
                        }
                    }
                }
            }
        }
    }

    /// A workbook reads as its CSV would, its sheet rows being the lines of the report.
    @Test func aWorkbookImportsAsItsCSV() throws {
        try withBasicGroup { connection in
            let table = Table(
                columns: ["curp", "grupo", "fecha", "asistencia"],
                rows: [
                    [.text(Self.gomez), .text(Self.group), .date("2024-03-04"), .text("Sí")],
                    [.text(Self.gomez), .text(Self.group), .date("2024-03-05"), .text("quizá")],
                ])
            var sheet = WorkbookSheet(name: "Asistencia", content: .table(table))
            sheet.headerAsWritten = true
            let path = try temporaryFile(
                [UInt8](try DocumentWriter.data(WorkbookDocument([sheet]))), name: "asistencia.xlsx")
            let refused = try AttendanceImporter(connection: connection).run(
                try InputFile(path: path), options: .init(ranBy: "test"))
            #expect(refused.rejected.map { "\($0.line) \($0.column)" } == ["3 asistencia"], "\(refused.rejected)")
            let good = Table(columns: table.columns, rows: [table.rows[0]])
            var goodSheet = WorkbookSheet(name: "Asistencia", content: .table(good))
            goodSheet.headerAsWritten = true
            let goodPath = try temporaryFile(
                [UInt8](try DocumentWriter.data(WorkbookDocument([goodSheet]))), name: "asistencia.xlsx")
            let outcome = try AttendanceImporter(connection: connection).run(
                try InputFile(path: goodPath), options: .init(ranBy: "test"))
            #expect(outcome.accepted && outcome.imported == 1, "\(outcome.rejected)")
        }
    }
}

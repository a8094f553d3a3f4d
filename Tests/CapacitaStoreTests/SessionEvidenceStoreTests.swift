import Capacita
import CapacitaFiles
import CapacitaStore
import Postgres
import Testing

/// Scans of signed lists (db/migrations/0029) on the application role, where row-level security
/// and the role's grants apply: who reads, who attaches, who removes, the same bytes kept once,
/// the audit rows; and the rule in code equal to the database's.
@Suite struct SessionEvidenceStoreTests {
    static let group = "SICT-BAS-2024-01"
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("firmas".utf8)
    static let pdf = Array("%PDF-1.4\n% lista firmada\n%%EOF\n".utf8)
    static let admin = Identity.admin("st")
    static let sict = Identity.enlace(of: "SICT", user: "enlace-sict")
    static let inm = Identity.enlace(of: "INM", user: "enlace-inm")
    static let instructor = Identity.instructor("ana@sict.gob.mx")
    static let otherInstructor = Identity.instructor("beto@inm.gob.mx")
    static let day = CalendarDate(year: 2024, month: 3, day: 5)!

    /// The example groups; an instructor assigned to SICT's Básico and another to INM's; one of
    /// INM's people enrolled in SICT's Básico (so INM's enlace reaches that group's roster).
    private func withGroups(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabase { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            try connection.execute(
                "INSERT INTO group_instructor (group_code, user_name) VALUES ('SICT-BAS-2024-01', 'ana@sict.gob.mx'), ('INM-BAS-2024-01', 'beto@inm.gob.mx')"
            )
            let inmPerson = try enroll(
                try temporaryFile(
                    EnrollmentImportTests.header + "RAMJ011120HNLMRNA9,Juan,Ramírez,,H,,INM,base,,\(Self.group)\n"),
                connection, agency: "INM")
            try #require(inmPerson.accepted, "\(inmPerson.rejected)")
            try body(connection)
        }
    }

    private func store(_ connection: Connection, as identity: Identity?) -> SessionEvidenceStore {
        connection.act(as: identity)
        return SessionEvidenceStore(connection: connection)
    }

    private func session(_ connection: Connection, as identity: Identity, date: CalendarDate = day) throws
        -> GroupSession
    {
        guard
            case .session(let session, _) = try store(connection, as: identity).target(
                group: Self.group, date: date, start: nil)
        else { throw SessionMissing() }
        return session
    }

    struct SessionMissing: Error {}

    @Test func theOrganizerAndTheSecretariaReadAnInstructorAttachesAnotherAgencySeesNothing() throws {
        try withGroups { connection in
            #expect(
                try connection.query("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
                    .scalar(Bool.self) == false)
            let session = try self.session(connection, as: Self.instructor)
            let attached = try store(connection, as: Self.instructor).attach(
                Self.png, to: session, fileName: "lista.pdf")
            #expect(attached.created && attached.type == .png && attached.size == Self.png.count)
            #expect(attached.sha256 == SessionEvidenceStore.sha256(Self.png))
            #expect(attached.sessionCode == "\(Self.group)-S20240305")

            // The instructor learns how many, not what.
            #expect(try store(connection, as: Self.instructor).list(group: Self.group) == nil)
            #expect(try store(connection, as: Self.instructor).content(id: attached.id) == nil)
            #expect(try count("session_evidence", connection) == 0, "the instructor reads no row")
            let counts = try store(connection, as: Self.instructor).counts(group: Self.group)
            #expect(counts.map(\.scans) == [1] && counts.first?.date == Self.day)

            // The organizing enlace and the Secretaría Técnica read it, and its bytes.
            for identity in [Self.sict, Self.admin] {
                let scans = try #require(try store(connection, as: identity).list(group: Self.group))
                #expect(scans.map(\.id) == [attached.id] && scans.first?.fileName == "lista.pdf")
                #expect(scans.first?.attachedBy == "ana@sict.gob.mx" && scans.first?.type == .png)
                let content = try #require(try store(connection, as: identity).content(id: attached.id))
                #expect(content.bytes == Self.png)
            }

            // Another agency's enlace, though it has a person in the group: what a group that
            // does not exist gets, everywhere.
            connection.act(as: Self.inm)
            #expect(try GroupReach(connection: connection).listing(code: Self.group) != nil, "INM reaches the roster")
            let inm = store(connection, as: Self.inm)
            #expect(try inm.access(group: Self.group) == nil)
            #expect(try inm.target(group: Self.group, date: Self.day, start: nil) == .noGroup)
            #expect(try inm.target(group: "NO-EXISTE", date: Self.day, start: nil) == .noGroup)
            #expect(try inm.list(group: Self.group) == nil && inm.list(group: "NO-EXISTE") == nil)
            #expect(try inm.content(id: attached.id) == nil && inm.content(id: attached.id + 1000) == nil)
            #expect(try inm.counts(group: Self.group).isEmpty)
            #expect(try count("session_evidence", connection) == 0)
            #expect(throws: SessionEvidenceStore.Refusal.noGroup) {
                try inm.attach(Self.pdf, to: session, fileName: "x.pdf")
            }
            #expect(try inm.detach(id: attached.id) == nil)

            // An instructor of another group cannot attach here.
            let other = store(connection, as: Self.otherInstructor)
            #expect(try other.target(group: Self.group, date: Self.day, start: nil) == .noGroup)
            #expect(throws: SessionEvidenceStore.Refusal.noGroup) {
                try other.attach(Self.pdf, to: session, fileName: "x.pdf")
            }
            #expect(try store(connection, as: Self.admin).list(group: Self.group)?.count == 1)
        }
    }

    @Test func theRuleInCodeIsTheDatabases() throws {
        try withGroups { connection in
            for identity in [Self.admin, Self.sict, Self.inm, Self.instructor, Self.otherInstructor] {
                for group in [Self.group, "INM-BAS-2024-01", "SICT-INT-2024-01", "NO-EXISTE"] {
                    let code = try store(connection, as: identity).access(group: group)
                    let database = try connection.query("SELECT session_evidence_access($1)", [group]).scalar(
                        String?.self)
                    #expect(code?.rawValue == database ?? nil, "\(identity.user) on \(group)")
                }
            }
            #expect(try store(connection, as: Self.instructor).access(group: Self.group) == .upload)
            #expect(try store(connection, as: Self.sict).access(group: Self.group) == .full)
            #expect(try store(connection, as: Self.sict).access(group: "INM-BAS-2024-01") == nil)
        }
    }

    @Test func theSameBytesTwiceAreOneScanAndEachWriteIsAudited() throws {
        try withGroups { connection in
            let session = try self.session(connection, as: Self.sict)
            let first = try store(connection, as: Self.instructor).attach(Self.pdf, to: session, fileName: "a.pdf")
            let again = try store(connection, as: Self.sict).attach(Self.pdf, to: session, fileName: "b.pdf")
            #expect(first.created && !again.created && again.id == first.id && again.fileName == "a.pdf")
            // Other bytes on the same session are another page; the same bytes on another session
            // are that session's scan.
            let page2 = try store(connection, as: Self.sict).attach(Self.png, to: session, fileName: "p2.png")
            let nextDay = try self.session(connection, as: Self.sict, date: CalendarDate(year: 2024, month: 3, day: 6)!)
            let elsewhere = try store(connection, as: Self.sict).attach(Self.pdf, to: nextDay, fileName: "a.pdf")
            #expect(page2.created && elsewhere.created && Set([first.id, page2.id, elsewhere.id]).count == 3)
            #expect(try store(connection, as: Self.admin).list(group: Self.group)?.count == 3)

            let gone = try #require(try store(connection, as: Self.sict).detach(id: first.id))
            #expect(gone.sessionCode == session.code && gone.fileName == "a.pdf" && gone.sha256 == first.sha256)
            #expect(try store(connection, as: Self.sict).detach(id: first.id) == nil, "removed once")
            #expect(
                try store(connection, as: Self.instructor).detach(id: page2.id) == nil, "an instructor removes none")

            // Three attachments (not the repeat) and one removal, in the organizing agency's log,
            // which its enlace reads; the session's code as GroupSession writes it; never the bytes.
            connection.act(as: Self.sict)
            let rows = try connection.query(
                """
                SELECT action, target, user_name, agency_code, detail::text AS detail FROM audit_log
                WHERE action LIKE 'evidence.%' ORDER BY id
                """
            ).rows
            #expect(
                try rows.map { try $0.decode("action", as: String.self) } == [
                    "evidence.attach", "evidence.attach", "evidence.attach", "evidence.detach",
                ])
            #expect(try rows.map { try $0.decode("target", as: String.self) }.first == session.code)
            #expect(try rows.last?.decode("target", as: String.self) == session.code)
            #expect(try rows.first?.decode("user_name", as: String.self) == "ana@sict.gob.mx")
            #expect(try rows.allSatisfy { try $0.decode("agency_code", as: String?.self) == "SICT" })
            let detail = try #require(try rows.last?.decode("detail", as: String.self))
            #expect(detail.contains(first.sha256) && detail.contains("\"evidence\": \(first.id)"))
            #expect(!detail.contains("PDF-1.4") && !detail.contains("255044462d"), "no bytes in the log")
            // The instructor reads their own row.
            connection.act(as: Self.instructor)
            #expect(
                try connection.query("SELECT count(*)::int FROM audit_log WHERE action = 'evidence.attach'").scalar(
                    Int.self) == 1)
        }
    }

    @Test func aSessionIsTheGroupsOwnByDayAndStart() throws {
        try withGroups { connection in
            let admin = store(connection, as: Self.admin)
            // One a day from the group's start to its end while it has no sessions file.
            #expect(
                try admin.target(group: Self.group, date: CalendarDate(year: 2024, month: 3, day: 9)!, start: nil)
                    == .noSession)
            #expect(
                try admin.target(group: Self.group, date: Self.day, start: ClockTime(hour: 9, minute: 0)) == .noSession)
            let perDay = try self.session(connection, as: Self.admin)
            // The database checks again: a session that is not the group's is refused there too.
            var outside = perDay
            outside.date = CalendarDate(year: 2024, month: 3, day: 9)!
            #expect(throws: SessionEvidenceStore.Refusal.noSession) {
                try admin.attach(Self.pdf, to: outside, fileName: "x.pdf")
            }
            let kept = try admin.attach(Self.pdf, to: perDay, fileName: "dia.pdf")

            // With a sessions file, a day of two sessions needs its start.
            let outcome = try FileImports(connection: connection).sessions(
                try InputFile(
                    bytes: Array(
                        """
                        grupo,fecha,inicio,fin,lugar
                        \(Self.group),2024-03-05,09:00,11:00,Aula 1
                        \(Self.group),2024-03-05,15:00,17:00,Aula 1
                        """.utf8), name: "sesiones.csv"), ranBy: "st")
            try #require(outcome.accepted, "\(outcome.rejected)")
            let nine = ClockTime(hour: 9, minute: 0)!
            let three = ClockTime(hour: 15, minute: 0)!
            #expect(try admin.target(group: Self.group, date: Self.day, start: nil) == .startRequired([nine, three]))
            guard
                case .session(let afternoon, .full) = try admin.target(group: Self.group, date: Self.day, start: three)
            else {
                Issue.record("the 15:00 session")
                return
            }
            #expect(afternoon.code == "\(Self.group)-S20240305-1500")
            let scan = try admin.attach(Self.png, to: afternoon, fileName: "tarde.png")
            #expect(scan.sessionCode == afternoon.code)
            // The per-day session is gone from the calendar; its scan stays.
            #expect(throws: SessionEvidenceStore.Refusal.noSession) {
                try admin.attach(Self.png, to: perDay, fileName: "x.png")
            }
            let scans = try #require(try admin.list(group: Self.group))
            #expect(scans.map(\.id) == [kept.id, scan.id])
            #expect(scans.map(\.sessionCode) == ["\(Self.group)-S20240305", "\(Self.group)-S20240305-1500"])
        }
    }

    @Test func theApplicationRoleWritesOnlyThroughTheFunctions() throws {
        try withGroups { connection in
            connection.act(as: Self.admin)
            #expect(throws: PostgresError.self) {
                try connection.query(
                    """
                    INSERT INTO session_evidence (group_code, session_date, media_type, file_name, size_bytes, sha256,
                                                  content, attached_by, attached_role)
                    VALUES ($1, '2024-03-05', 'application/pdf', 'x.pdf', 5, encode(sha256('%PDF-'::bytea), 'hex'),
                            '%PDF-'::bytea, 'st', 'admin')
                    """, [Self.group])
            }
            #expect(throws: PostgresError.self) { try connection.query("DELETE FROM session_evidence") }
        }
    }

    /// The table refuses a row whose columns say other than its bytes, whoever writes it (here the
    /// owner, past every policy).
    @Test func theTableRefusesColumnsThatDisagreeWithTheBytes() throws {
        try withLoadedDatabaseAsSuperuser { connection in
            try importGroups(
                String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
            func insert(type: String, bytes: [UInt8], size: Int? = nil, sha: String? = nil) throws {
                try connection.query(
                    """
                    INSERT INTO session_evidence (group_code, session_date, media_type, file_name, size_bytes, sha256,
                                                  content, attached_by, attached_role)
                    VALUES ($1, '2024-03-05', $2, 'x', $3, $4, $5::bytea, 'st', 'admin')
                    """,
                    [
                        Self.group, type, size ?? bytes.count, sha ?? SessionEvidenceStore.sha256(bytes),
                        Bytea(bytes),
                    ])
            }
            #expect(throws: PostgresError.self) { try insert(type: "application/pdf", bytes: Self.png) }
            #expect(throws: PostgresError.self) { try insert(type: "image/png", bytes: Self.png, size: 3) }
            #expect(
                throws: PostgresError.self,
                performing: { try insert(type: "image/png", bytes: Self.png, sha: String(repeating: "0", count: 64)) })
            #expect(throws: PostgresError.self) { try insert(type: "image/png", bytes: Array(Self.png.prefix(7))) }
            try insert(type: "image/png", bytes: Self.png)
            #expect(try count("session_evidence", connection) == 1)
        }
    }

    @Test func byteaRoundTripsEveryByte() throws {
        try withMigratedDatabase { connection in
            let every = (0...255).map(UInt8.init) + [0, 0, 255]
            let back = try connection.query("SELECT $1::bytea AS b", [Bytea(every)]).scalar(Bytea.self)
            #expect(back?.bytes == every)
            let hex = try connection.query("SELECT encode($1::bytea, 'hex')", [Bytea(every)]).scalar(Bytea.self)
            #expect(hex?.bytes == every)
            #expect(Bytea(postgresText: "\\x0") == nil && Bytea(postgresText: "zz") == nil)
            #expect(Bytea(postgresText: "\\x")?.bytes == [])
        }
    }
}

import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// The access table (AccessRules) cell by cell, on connections of the application role itself
/// (not superuser, not owner, not BYPASSRLS), where PostgreSQL's row-level security applies.
@Suite struct AccessRulesTests {
    static let groups = """
        grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo
        BAS-S,PNC22-BAS,,SICT,2024-03-04,2024-03-08,presencial,DF,40
        BAS-T,PNC22-BAS,,SECTUR,2024-04-01,2024-04-05,,,40
        """
    static let header = EnrollmentImportTests.header
    static let sict = [EnrollmentImportTests.gloria + ",BAS-S", EnrollmentImportTests.carlos + ",BAS-S"]
    static let sectur = [EnrollmentImportTests.juan + ",BAS-T"]

    /// Two agencies' people loaded by the Secretaría Técnica, an instructor assigned to SECTUR's
    /// group; then `body`. All of it on the application role (`withLoadedDatabase`).
    private func withTwoAgencies(_ body: (Connection) throws -> Void) throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            for (agency, rows) in [("SICT", Self.sict), ("SECTUR", Self.sectur)] {
                let outcome = try enroll(
                    try temporaryFile(Self.header + rows.joined(separator: "\n")), connection, agency: agency)
                try #require(outcome.accepted, "\(outcome.rejected)")
            }
            try connection.execute(
                "INSERT INTO group_instructor (group_code, user_name) VALUES ('BAS-T', 'instructora-t')")
            try connection.execute(
                "INSERT INTO headcount (agency_code, year, alto, medio, operativo) VALUES ('SICT', 2024, 20, 20, 20), ('SECTUR', 2024, 20, 20, 20)"
            )
            // Results for everyone (constancias issued), a ficha of SICT, and audit rows written by an
            // enlace and by the instructor themselves.
            let results = try temporaryFile(
                "curp,grupo,asistencia,calificacion\nHEGG560427MVZRRL04,BAS-S,100,90\n"
                    + "GOMC820101HDFMRR04,BAS-S,100,90\nRAMJ011120HNLMRNA9,BAS-T,100,90\n")
            let graded = try ResultsImporter(connection: connection).run(
                try InputFile(path: results), options: .init(ranBy: "st"))
            try #require(graded.accepted, "\(graded.rejected)")
            let ficha = try FileImports(connection: connection).fichas(
                try InputFile(bytes: Array(Fixtures.fichaYAML.utf8), name: "sict.yaml"), ranBy: "st", currentYear: 2026)
            try #require(ficha.accepted, "\(ficha.rejected)")
            for identity in [Identity.enlace(of: "SICT", user: "enlace-sict"), .instructor("instructora-t")] {
                connection.act(as: identity)
                try AuditStore(connection: connection).record("prueba.escritura", target: identity.user)
            }
            connection.act(as: nil)
            try body(connection)
        }
    }

    private func visible(_ table: String, as identity: Identity?, _ connection: Connection) throws -> Int {
        connection.act(as: identity)
        defer { connection.act(as: nil) }
        return try connection.query("SELECT count(*) FROM \(table)").scalar(Int.self) ?? -1
    }

    static let identities: [(String, Identity?)] = [
        ("admin", .admin("st")), ("enlace SICT", .enlace(of: "SICT", user: "enlace-sict")),
        ("enlace SECTUR", .enlace(of: "SECTUR", user: "enlace-sectur")), ("instructora", .instructor("instructora-t")),
        ("instructor sin grupos", .instructor("nadie")), ("sin identidad", nil),
    ]

    @Test func everyReadCellOfTheTableHoldsUnderRowLevelSecurity() throws {
        try withTwoAgencies { connection throws in
            #expect(
                try connection.query("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
                    .scalar(Bool.self) == false)
            // What each scope means on this fixture: SICT has 2 people and 2 enrollments, SECTUR 1
            // and 1 (in the instructor's group); each imported one batch, plus the groups' batch.
            for (label, identity) in Self.identities {
                // Batches: groups, two enrollment files (SICT, SECTUR), results, ficha; the audit log
                // holds the admin's writes and one row each of SICT's enlace and the instructor.
                let batches = try visible("import_batch", as: .admin("st"), connection)
                let audit = try visible("audit_log", as: .admin("st"), connection)
                for (resource, all, sict, sectur, assigned) in [
                    (AccessRules.Resource.person, 3, 2, 1, 1), (.enrollment, 3, 2, 1, 1), (.constancia, 3, 2, 1, 1),
                    (.trainingGroup, 2, 2, 2, 2), (.headcount, 2, 2, 2, 2), (.ficha, 1, 1, 0, 0),
                    (.importBatch, batches, 1, 1, 0), (.auditLog, audit, 1, 0, 1), (.course, 14, 14, 14, 14),
                    (.agency, 17, 17, 17, 17),
                ] {
                    let expected: Int
                    if let identity {
                        switch AccessRules.read(resource, by: identity.role) {
                        case .all, .shared: expected = all
                        case .ownAgency: expected = identity.agency == "SICT" ? sict : sectur
                        case .assignedGroups, .ownRows: expected = identity.user == "instructora-t" ? assigned : 0
                        case .none: expected = 0
                        }
                    } else {
                        expected = 0  // a connection with no identity sees nothing
                    }
                    // An enlace reads its own agency's record of a person, never the shared one (0017).
                    let table =
                        resource == .person && identity?.role == .enlace ? "person_agency" : resource.rawValue
                    #expect(try visible(table, as: identity, connection) == expected, "\(label) \(resource)")
                }
            }
        }
    }

    @Test func nationalFiguresAreTheSameFromAnEnlacesTransaction() throws {
        try withTwoAgencies { connection throws in
            func indicator(_ identity: Identity) throws -> Indicator {
                connection.act(as: identity)
                defer { connection.act(as: nil) }
                return try CoverageStore(connection: connection).indicator(year: 2024, options: CoverageOptions())
            }
            let asAdmin = try indicator(.admin("st"))
            let asEnlace = try indicator(.enlace(of: "SECTUR", user: "e"))
            #expect(asAdmin == asEnlace)
            #expect(asAdmin.agencies.first { $0.agency.code == "SICT" }?.trained[.operativo] == 1)
        }
    }

    @Test func aPooledConnectionCarriesNoIdentityIntoTheNextRequest() throws {
        try withTwoAgencies { connection throws in
            connection.act(as: .enlace(of: "SICT", user: "e"))
            #expect(try connection.query("SELECT count(*) FROM person_agency").scalar(Int.self) == 2)
            #expect(try connection.query("SELECT count(*) FROM person").scalar(Int.self) == 0)
            connection.act(as: nil)  // handed back to the pool
            #expect(try connection.query("SELECT count(*) FROM person_agency").scalar(Int.self) == 0)
            #expect(
                try connection.query("SELECT current_setting('capacita.agency', true)").scalar(String?.self) ?? "" == ""
            )
        }
    }

    @Test func anEnlacesFileWritesItsOwnRecordAndKeepsAnotherAgencysPersonalData() throws {
        try withTwoAgencies { connection throws in
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            defer { connection.act(as: nil) }
            // Juan trains with SECTUR (his latest enrollment); SICT enrolls him too, under another name.
            let juan = "RAMJ011120HNLMRNA9,Juanito,Ramírez,,H,,SICT,base,,BAS-S"
            let gloria = "HEGG560427MVZRRL04,Gloria Inés,Hernández,García,M,,SCT,enlace,Analista,BAS-S"
            let file = try temporaryFile(Self.header + [juan, gloria].joined(separator: "\n"))
            let dry = try enroll(file, connection, dryRun: true)
            // The dry run's split does not tell SICT that Juan is stored by someone else.
            #expect(dry.accepted && dry.imported == 1 && dry.updated == 1, "\(dry.rejected)")
            let outcome = try enroll(file, connection)
            #expect(outcome.accepted, "\(outcome.rejected)")
            // Nothing in the report tells SICT that Juan's shared record is another agency's.
            #expect(outcome.extra["people_kept"] == nil)
            // SICT reads the name it gave; the shared record keeps SECTUR's.
            #expect(
                try connection.query("SELECT given_names FROM person_agency WHERE curp = 'RAMJ011120HNLMRNA9'").scalar(
                    String.self) == "Juanito")
            connection.act(as: .admin("st"))
            #expect(
                try connection.query("SELECT given_names FROM person WHERE curp = 'RAMJ011120HNLMRNA9'").scalar(
                    String.self) == "Juan")
            #expect(
                try connection.query("SELECT given_names FROM person WHERE curp = 'HEGG560427MVZRRL04'").scalar(
                    String.self) == "Gloria Inés")
            #expect(
                try connection.query("SELECT count(*) FROM enrollment WHERE group_code = 'BAS-S'").scalar(Int.self) == 3
            )
            #expect(
                try connection.query("SELECT count(*) FROM person_history WHERE curp = 'HEGG560427MVZRRL04'").scalar(
                    Int.self) == 1)
        }
    }

    @Test func anEnlaceEnrollsOnlyItsAgencysPeopleAndAnInstructorNoOne() throws {
        try withTwoAgencies { connection throws in
            let file = try temporaryFile(Self.header + "MAOA900101MDFRRN00,Ana,Mora,,M,,SECTUR,base,,BAS-S")
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            let other = try enroll(file, connection)
            #expect(!other.accepted && other.rejected.first?.column == "dependencia", "\(other.rejected)")
            #expect(!(try enroll(file, connection, agency: "SECTUR")).accepted)
            connection.act(as: .instructor("instructora-t"))
            let instructor = try enroll(file, connection)
            #expect(
                !instructor.accepted
                    && instructor.rejected.first?.message == AccessRules.Refusal.instructorEnrolls.message)
            connection.act(as: .admin("st"))
            #expect(
                try connection.query("SELECT count(*) FROM person WHERE curp = 'MAOA900101MDFRRN00'").scalar(Int.self)
                    == 0)
            connection.act(as: nil)
        }
    }

    @Test func anInstructorRecordsResultsOfTheirGroupsOnly() throws {
        try withTwoAgencies { connection throws in
            func results(_ text: String) throws -> ImportOutcome {
                try ResultsImporter(connection: connection).run(
                    try InputFile(path: try temporaryFile("curp,grupo,asistencia,calificacion\n" + text)),
                    options: .init(ranBy: "instructora-t"))
            }
            connection.act(as: .instructor("instructora-t"))
            let own = try results("RAMJ011120HNLMRNA9,BAS-T,100,95")
            #expect(own.accepted && own.updated == 1, "\(own.rejected)")
            // SICT's group is not hers: its people are not there for her, and nothing is written.
            let other = try results("HEGG560427MVZRRL04,BAS-S,50,10")
            #expect(!other.accepted)
            connection.act(as: .admin("st"))
            #expect(
                try connection.query("SELECT final_score::int FROM enrollment WHERE group_code = 'BAS-T'").scalar(
                    Int.self) == 95)
            #expect(
                try connection.query("SELECT final_score::int FROM enrollment WHERE curp = 'HEGG560427MVZRRL04'")
                    .scalar(Int.self) == 90)
            // Her constancia was issued under row-level security (an INSERT, not COPY).
            #expect(
                try connection.query("SELECT count(*) FROM constancia WHERE group_code = 'BAS-T'").scalar(Int.self) == 1
            )
            #expect(
                try connection.query(
                    "SELECT count(*) FROM import_batch WHERE kind = 'results' AND ran_by = 'instructora-t'"
                ).scalar(Int.self) == 1)
            connection.act(as: nil)
        }
    }

    @Test func smallFilesFollowTheTableAndArriveAsBytes() throws {
        try withTwoAgencies { connection throws in
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            defer { connection.act(as: nil) }
            let imports = FileImports(connection: connection)
            // Windows-1252, semicolons: an upload's bytes, not a path.
            let groups = Array("grupo;curso;dependencia;inicio\r\nSICT-NUEVO;PNC22-BAS;SICT;04/03/2024\r\n".utf8)
            let own = try imports.groups(try InputFile(bytes: groups, name: "grupos.csv"), ranBy: "enlace-sict")
            #expect(own.accepted && own.imported == 1, "\(own.rejected)")
            let foreign = Array("grupo,curso,dependencia,inicio\nSECTUR-NUEVO,PNC22-BAS,SECTUR,2024-03-04\n".utf8)
            let other = try imports.groups(try InputFile(bytes: foreign, name: "g.csv"), ranBy: "enlace-sict")
            #expect(!other.accepted && other.rejected.first?.line == 2 && other.rejected.first?.column == "dependencia")
            // SECTUR's group code, claimed for SICT: refused by line, not a policy error.
            let taken = Array("grupo,curso,dependencia,inicio\nBAS-T,PNC22-BAS,SICT,2024-03-04\n".utf8)
            let claimed = try imports.groups(try InputFile(bytes: taken, name: "g.csv"), ranBy: "enlace-sict")
            #expect(
                !claimed.accepted && claimed.rejected.first?.message == AccessRules.Refusal.groupOfAnotherAgency.message
            )
            let headcounts = Array("dependencia,anio,alto,medio,operativo\nSICT,2024,1,2,3\n".utf8)
            let plantilla = try imports.headcounts(
                try InputFile(bytes: headcounts, name: "p.csv"), ranBy: "enlace-sict")
            #expect(
                !plantilla.accepted && plantilla.rejected.first?.message == AccessRules.Refusal.secretariaOnly.message)
            #expect(throws: InputFileError.self) { try InputFile(bytes: [0x50, 0x4B, 0x03, 0x04, 0], name: "x.xlsx") }
        }
    }

    @Test func theAuditTableTakesInsertsAndRefusesUpdatesAndDeletes() throws {
        try withTwoAgencies { connection throws in
            connection.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            defer { connection.act(as: nil) }
            try connection.query("INSERT INTO audit_log (action, target) VALUES ('enrollment.import', 'BAS-S')")
            #expect(try connection.query("SELECT agency_code FROM audit_log").scalar(String.self) == "SICT")
            for statement in ["UPDATE audit_log SET target = 'x'", "DELETE FROM audit_log"] {
                #expect(throws: PostgresError.self, "\(statement)") { try connection.query(statement) }
            }
            // This row and the fixture's one by the same enlace: both still there, unchanged.
            #expect(try connection.query("SELECT count(*) FROM audit_log").scalar(Int.self) == 2)
            #expect(try connection.query("SELECT count(*) FROM audit_log WHERE target = 'x'").scalar(Int.self) == 0)
        }
    }
}

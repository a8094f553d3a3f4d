import Capacita
import CapacitaFiles
import CapacitaStore
import Foundation
import Postgres
import SampleData
import Synchronization
import Testing

@Suite struct EnrollmentImportTests {
    static let groups = """
        grupo,curso,tipo,dependencia,inicio,fin,modalidad,entidad,cupo
        BAS-1,PNC22-BAS,,SICT,2024-03-04,2024-03-08,presencial,DF,3
        BAS-2,PNC22-BAS,,SECTUR,2024-04-01,,,,
        INT-1,PNC22-INT,,SICT,2024-06-03,,,,
        """
    static let header = "curp,nombre,primer_apellido,segundo_apellido,sexo,correo,dependencia,nivel,puesto,grupo\n"
    static let gloria = "HEGG560427MVZRRL04,Gloria,Hernández,García,M,gloria@sct.gob.mx,SCT,enlace,Analista"
    static let carlos =
        "GOMC820101HDFMRR04,Carlos,Gómez,Martínez,H,,Secretaría de Comunicaciones y Transportes,L,Jefe de departamento"
    static let maria = "LOPM900315MJCPRR00,María,López,Peña,M,,SICT,K,Directora"
    static let juan = "RAMJ011120HNLMRNA9,Juan,Ramírez,,H,,Turismo,base,"

    @Test func importsThenReimportsAsUnchanged() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let file = try temporaryFile(
                Self.header
                    + [Self.gloria + ",BAS-1", Self.carlos + ",BAS-1", Self.gloria + ",BAS-2"].joined(separator: "\n"))
            let first = try enroll(file, connection)
            #expect(
                first.accepted && first.rows == 3 && first.imported == 3 && first.updated == 0 && first.unchanged == 0)
            #expect(try count("person", connection) == 2 && count("enrollment", connection) == 3)
            let again = try enroll(file, connection)
            #expect(again.accepted && again.imported == 0 && again.updated == 0 && again.unchanged == 3)
            #expect(try count("enrollment", connection) == 3)
            let batch = try #require(
                connection.query(
                    "SELECT file_name, sha256, rows, imported, ran_by FROM import_batch WHERE id = $1",
                    [first.batchID]
                ).rows.first)
            #expect(try batch.decode("file_name", as: String.self) == "file.csv")
            #expect(try batch.decode("sha256", as: String.self).count == 64)
            #expect(try batch.decode("imported", as: Int.self) == 3)
        }
    }

    @Test func laterFileCorrectsNamesButAnEmptyEmailNeverErases() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            _ = try enroll(try temporaryFile(Self.header + Self.gloria + ",BAS-1\n"), connection)
            let corrected = Self.gloria.replacingOccurrences(of: "Hernández", with: "Hernández de la Cruz")
                .replacingOccurrences(of: "gloria@sct.gob.mx", with: "")
            let outcome = try enroll(try temporaryFile(Self.header + corrected + ",BAS-1\n"), connection)
            #expect(outcome.updated == 1 && outcome.imported == 0)
            let person = try #require(connection.query("SELECT first_surname, email FROM person").rows.first)
            #expect(try person.decode("first_surname", as: String.self) == "Hernández de la Cruz")
            #expect(try person.decode("email", as: String?.self) == "gloria@sct.gob.mx")
        }
    }

    /// People are compared once each: a person whose data a later file changes makes every one of
    /// their stored rows in that file an update, whichever row carries the new e-mail.
    @Test func aChangedPersonUpdatesEachOfTheirStoredRowsInTheFile() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let withoutEmail = Self.gloria.replacingOccurrences(of: "gloria@sct.gob.mx", with: "")
            _ = try enroll(
                try temporaryFile(
                    Self.header + [withoutEmail + ",BAS-1", withoutEmail + ",BAS-2"].joined(separator: "\n")),
                connection)
            let rows = [withoutEmail + ",BAS-1", Self.gloria + ",BAS-2", Self.carlos + ",BAS-1", Self.maria + ",BAS-2"]
            let outcome = try enroll(try temporaryFile(Self.header + rows.joined(separator: "\n")), connection)
            #expect(outcome.accepted && outcome.imported == 2 && outcome.updated == 2 && outcome.unchanged == 0)
            let again = try enroll(try temporaryFile(Self.header + rows.joined(separator: "\n")), connection)
            #expect(again.imported == 0 && again.updated == 0 && again.unchanged == 4)
        }
    }

    @Test func fileWithBadRowsWritesNothingAndReportsEveryProblem() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let rows = [
                Self.gloria + ",BAS-1",
                Self.carlos.replacingOccurrences(of: "GOMC820101HDFMRR04", with: "GOMC820101HDFMRR05") + ",BAS-1",
                Self.gloria + ",BAS-1",
                Self.juan.replacingOccurrences(of: "Ramírez", with: "Ramos") + ",BAS-2",
                Self.juan + ",NO-EXISTE",
            ]
            let outcome = try enroll(try temporaryFile(Self.header + rows.joined(separator: "\n")), connection)
            #expect(!outcome.accepted)
            // Line 6 names no group and gives Juan another surname than line 5: both are reported.
            #expect(
                outcome.rejected.map { "\($0.line):\($0.column)" } == [
                    "3:curp", "4:curp", "6:grupo", "6:primer_apellido",
                ])
            #expect(outcome.rejected[1].message == "la misma persona ya aparece en el grupo BAS-1 en la línea 2")
            #expect(outcome.rejected.allSatisfy { !$0.value.contains("820101") && !$0.value.contains("560427") })
            #expect(
                try count("person", connection) == 0 && count("enrollment", connection) == 0
                    && count("import_batch", connection) == 1)
        }
    }

    /// Group codes are looked up once staged, one lookup per distinct code: every row of an unknown
    /// code is still named on its own line, and an unknown `--group` is refused before the file.
    @Test func everyRowOfAnUnknownGroupIsNamedOnItsLine() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let rows = [Self.gloria + ",bas-9", Self.carlos + ",BAS-1", Self.maria + ",BAS-9"]
            let outcome = try enroll(try temporaryFile(Self.header + rows.joined(separator: "\n")), connection)
            #expect(
                outcome.rejected.map { "\($0.line):\($0.column):\($0.value)" } == ["2:grupo:BAS-9", "4:grupo:BAS-9"])
            #expect(outcome.rejected.allSatisfy { $0.message.hasPrefix("el grupo no existe") })
            let option = try enroll(
                try temporaryFile(Self.header.replacingOccurrences(of: ",grupo", with: "") + Self.gloria), connection,
                group: "NO-EXISTE")
            #expect(option.rejected.map { "\($0.line):\($0.column)" } == ["0:--group"])
            #expect(try count("enrollment", connection) == 0 && count("person", connection) == 0)
        }
    }

    /// With nothing else wrong, a repeated pair is left to the enrollment primary key: the file is
    /// still refused whole, with the repeated rows named, whether the pair is new or stored.
    @Test func aPersonTwiceInOneGroupOfAnOtherwiseCleanFileIsRefusedWhole() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let batches = try count("import_batch", connection)
            let repeatedNew = [Self.gloria + ",BAS-1", Self.carlos + ",BAS-1", Self.gloria + ",BAS-1"]
            let refused = try enroll(try temporaryFile(Self.header + repeatedNew.joined(separator: "\n")), connection)
            #expect(!refused.accepted && refused.batchID == nil)
            #expect(refused.rejected.map { "\($0.line):\($0.column):\($0.value)" } == ["4:curp:HEGG**************"])
            #expect(refused.rejected.first?.message == "la misma persona ya aparece en el grupo BAS-1 en la línea 2")
            #expect(try count("person", connection) == 0 && count("enrollment", connection) == 0)
            #expect(try count("import_batch", connection) == batches)

            _ = try enroll(try temporaryFile(Self.header + Self.maria + ",BAS-2\n"), connection)
            let repeatedStored = [Self.carlos + ",BAS-1", Self.maria + ",BAS-2", Self.maria + ",BAS-2"]
            let again = try enroll(try temporaryFile(Self.header + repeatedStored.joined(separator: "\n")), connection)
            #expect(again.rejected.map { "\($0.line):\($0.column)" } == ["4:curp"])
            #expect(try count("person", connection) == 1 && count("enrollment", connection) == 1)

            let dryRun = try enroll(
                try temporaryFile(Self.header + repeatedNew.joined(separator: "\n")), connection, dryRun: true)
            #expect(dryRun.rejected.map { "\($0.line):\($0.column)" } == ["4:curp"])
        }
    }

    @Test func sameCurpWithOtherDataInOneFileIsAnError() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let other = Self.juan.replacingOccurrences(of: "Ramírez", with: "Ramos")
            let outcome = try enroll(
                try temporaryFile(Self.header + Self.juan + ",BAS-1\n" + other + ",BAS-2\n"), connection)
            #expect(outcome.rejected.map { "\($0.line):\($0.column)" } == ["3:primer_apellido"])
            #expect(outcome.rejected.first?.message == "la misma CURP aparece con otros datos en la línea 2")
        }
    }

    @Test func fullGroupRefusesTheRowsPastItsCupo() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            _ = try enroll(try temporaryFile(Self.header + Self.gloria + ",BAS-1\n"), connection)
            let rows = [Self.gloria, Self.carlos, Self.maria, Self.juan].map { $0 + ",BAS-1" }
            let outcome = try enroll(try temporaryFile(Self.header + rows.joined(separator: "\n")), connection)
            // Cupo 3, Gloria already in: Carlos and María fit, Juan (line 5) does not.
            #expect(outcome.rejected.map { "\($0.line):\($0.column)" } == ["5:grupo"])
            #expect(outcome.rejected.first?.message.contains("cupo 3") == true)
        }
    }

    @Test func prerequisitesAreCheckedUnlessSkipped() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let file = try temporaryFile(Self.header + Self.carlos + ",INT-1\n")
            let refused = try enroll(file, connection)
            #expect(refused.rejected.map(\.column) == ["grupo"])
            #expect(refused.rejected.first?.message.contains("PNC22-BAS") == true)
            // Acreditado in the Básico: the Intermedio is open.
            _ = try enroll(try temporaryFile(Self.header + Self.carlos + ",BAS-1\n"), connection)
            try connection.query("UPDATE enrollment SET status = 'acreditado' WHERE group_code = 'BAS-1'")
            #expect(try enroll(file, connection).accepted)
            let skipped = try enroll(
                try temporaryFile(Self.header + Self.maria + ",INT-1\n"), connection, skipPrerequisites: true)
            #expect(skipped.accepted && skipped.imported == 1)
        }
    }

    @Test func dryRunReportsWhatItWouldDoAndWritesNothing() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let outcome = try enroll(
                try temporaryFile(Self.header + Self.gloria + ",BAS-1\n"), connection, dryRun: true)
            #expect(outcome.accepted && outcome.dryRun && outcome.imported == 1 && outcome.batchID == nil)
            #expect(try count("enrollment", connection) == 0 && count("import_batch", connection) == 1)
        }
    }

    /// An agency's Excel export: Windows-1252, semicolons, CRLF, a quoted cell with a line break and “curly quotes”.
    static func excelFile(mariaCurp: String) -> [UInt8] {
        var bytes = Array(
            "CURP;Nombre(s);Apellido Paterno;Apellido Materno;Sexo;Correo;Instancia;Nivel de mando;Puesto;Grupo\r\n"
                .utf8)
        bytes += Array("HEGG560427MVZRRL04;Gloria;Hern".utf8) + [0xE1] + Array("ndez;;M;;SCT;P;\"Enlace\r\n".utf8)
        bytes += [0x93] + Array("administrativo".utf8) + [0x94] + Array("\";bas-1\r\n".utf8)
        bytes += Array("\(mariaCurp);Mar".utf8) + [0xED] + Array("a;L".utf8) + [0xF3] + Array("pez;Pe".utf8) + [0xF1]
        bytes += Array("a;M;;SICT;K;;BAS-1\r\n".utf8)
        return bytes
    }

    /// A sheet as agencies save it: a title and a note above the header, rows of separators only
    /// (Excel's formatted empty rows) between and after the people.
    @Test func aTitleRowAndRowsOfSeparatorsAreNotRows() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let lines = [
                "Lista de inscripción — SICT;;;;;;;;;",
                "Enviada por la enlace; 2024;;;;;;;;",
                Self.header.replacingOccurrences(of: ",", with: ";").trimmingCharacters(in: .newlines),
                ";;;;;;;;;",
                (Self.gloria + ",BAS-1").replacingOccurrences(of: ",", with: ";"),
                "  ; ;;;;;;;;",
                (Self.maria + ",BAS-1").replacingOccurrences(of: ",", with: ";"),
                ";;;;;;;;;",
            ]
            let outcome = try enroll(try temporaryFile(lines.joined(separator: "\r\n")), connection)
            #expect(outcome.accepted && outcome.rows == 2 && outcome.imported == 2)
            #expect(outcome.headerLine == 3)
            // Problems keep the file's own line numbers, and a header problem names its line.
            let refused = try enroll(
                try temporaryFile(
                    (lines[0...2] + [(Self.juan + ",BAS-9").replacingOccurrences(of: ",", with: ";")])
                        .joined(separator: "\n")), connection)
            #expect(refused.rejected.map { "\($0.line):\($0.column)" } == ["4:grupo"])
            let noCurp = try enroll(
                try temporaryFile("Lista\nnombre,primer_apellido,nivel,grupo\nAna,Ruiz,base,BAS-1\n"), connection)
            #expect(noCurp.rejected.map { "\($0.line):\($0.column)" } == ["2:curp", "2:dependencia"])
            // A header below the rows searched: said so, beside the columns it cannot find.
            let notes = (1...HeaderLocator.searchedRows).map { "nota \($0)\n" }.joined()
            let deep = try enroll(try temporaryFile(notes + Self.header + Self.gloria + ",BAS-1\n"), connection)
            #expect(deep.rejected.first.map { "\($0.line):\($0.column)" } == "1:")
            #expect(deep.rejected.first?.message.contains("primeras 10 filas") == true)
        }
    }

    /// Excel's "Texto Unicode": UTF-16 little-endian with a byte-order mark, tab-separated.
    @Test func aUTF16TabSeparatedFileImportsWithItsAccents() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let text = ([Self.header] + [Self.gloria + ",BAS-1", Self.maria + ",BAS-1"])
                .joined(separator: "\r\n").replacingOccurrences(of: ",", with: "\t")
            for bigEndian in [false, true] {
                let units = Array(text.utf16)
                let bytes: [UInt8] =
                    (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE])
                    + units.flatMap {
                        bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)]
                    }
                let path = try temporaryFile(bytes, name: "hoja.txt")
                // Progress counts the file's own bytes: a UTF-16 file ends at its size, not near half.
                let seen = Mutex<Int64>(0)
                let file = try InputFile(path: path)
                let outcome = try EnrollmentImporter(connection: connection).run(
                    file,
                    options: .init(
                        agency: nil, group: nil, dryRun: false, skipPrerequisites: false, tiers: try repositoryTiers(),
                        ranBy: "test"),
                    progress: { done in seen.withLock { $0 = max($0, done) } })
                #expect(outcome.accepted && outcome.rows == 2)
                #expect(seen.withLock { $0 } == file.size)
            }
            let names = try connection.query("SELECT first_surname FROM person ORDER BY 1").map {
                try $0.decode("first_surname", as: String.self)
            }
            #expect(names == ["Hernández", "López"])
        }
    }

    /// Valid UTF-8 with a stray Windows-1252 byte on one line, and bytes no encoding defines:
    /// refused with the lines named, never stored as «JosÃ©» or as invisible control characters.
    @Test func aMixedEncodingOrUndefinedBytesAreRefusedByLine() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            var mixed = Array((Self.header + Self.gloria + ",BAS-1\n").utf8)
            mixed += Array("RAMJ011120HNLMRNA9,Juan,Ram".utf8) + [0xED] + Array("rez,,H,,Turismo,base,,BAS-2\n".utf8)
            let refused = try enroll(try temporaryFile(mixed), connection)
            #expect(refused.rejected.map { "\($0.line):\($0.column)" } == ["3:"])
            #expect(refused.rejected.first?.message.contains("mezcla de codificaciones") == true)
            var undefined = Array((Self.header + "RAMJ011120HNLMRNA9,Juan,Ram").utf8) + [0xED]
            undefined += Array("rez,,H,,Turismo,base,".utf8) + [0x81] + Array(",BAS-2\n".utf8)
            let strange = try enroll(try temporaryFile(undefined), connection)
            #expect(strange.rejected.map { "\($0.line):\($0.column)" } == ["2:"])
            #expect(try count("person", connection) == 0)
        }
    }

    @Test func excelWindows1252SemicolonFileWithQuotedLineBreaksKeepsLineNumbers() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let refused = try enroll(try temporaryFile(Self.excelFile(mariaCurp: "LOPM900315MJCPRR01")), connection)
            // The first record spans lines 2-3, so María's starts on line 4.
            #expect(refused.rejected.map { "\($0.line):\($0.column)" } == ["4:curp"])
            let accepted = try enroll(try temporaryFile(Self.excelFile(mariaCurp: "LOPM900315MJCPRR00")), connection)
            #expect(accepted.accepted && accepted.imported == 2)
            let rows = try connection.query(
                "SELECT p.first_surname, p.second_surname, e.position_title FROM person p JOIN enrollment e USING (curp) ORDER BY p.curp"
            )
            #expect(try rows.rows[0].decode("first_surname", as: String.self) == "Hernández")
            #expect(try rows.rows[0].decode("position_title", as: String?.self) == "Enlace\n“administrativo”")
            #expect(try rows.rows[1].decode("first_surname", as: String.self) == "López")
            #expect(try rows.rows[1].decode("second_surname", as: String?.self) == "Peña")
        }
    }

    @Test func tenThousandBadRowsAreAllReportedAndNothingIsWritten() throws {
        try withLoadedDatabase { connection in
            let sample = SampleFiles(rows: 20_000, people: 12_000, badRows: 10_000)
            let groups = try temporaryFile([UInt8](), name: "groups.csv")
            try sample.writeGroups(to: groups)
            try importGroups(try String(contentsOfFile: groups, encoding: .utf8), into: connection)
            let file = try temporaryFile([UInt8](), name: "enrollment.csv")
            try sample.writeEnrollment(to: file)
            let outcome = try enroll(file, connection)
            #expect(outcome.rows == 20_000)
            #expect(outcome.rejected.count == 10_000 && outcome.unlisted == 0)
            #expect(Set(outcome.rejected.map(\.line)).count == 10_000)
            #expect(outcome.rejected.allSatisfy { $0.column == "curp" && $0.value.hasSuffix("**************") })
            #expect(try count("enrollment", connection) == 0 && count("person", connection) == 0)
        }
    }

    @Test func theApplicationRoleImportsTheSameRows() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            connection.act(as: .admin("prueba"))
            defer { connection.act(as: nil) }
            // Not a superuser, not BYPASSRLS, not granted SET on session_replication_role: row-level
            // security and PostgreSQL's own row-by-row foreign-key checks apply, and the outcome is the same.
            #expect(
                try connection.query(
                    "SELECT has_parameter_privilege('session_replication_role', 'SET') OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
                ).scalar(Bool.self) == false)
            let file = try temporaryFile(
                Self.header
                    + [Self.gloria + ",BAS-1", Self.carlos + ",BAS-1", Self.gloria + ",BAS-2"].joined(separator: "\n"))
            let outcome = try enroll(file, connection)
            #expect(outcome.accepted && outcome.imported == 3, "\(outcome.rejected)")
            #expect(try count("person", connection) == 2 && count("enrollment", connection) == 3)
            let again = try enroll(file, connection)
            #expect(again.accepted && again.unchanged == 3)
        }
    }

    /// The command line's import (the superuser acting as the Secretaría Técnica) writes through
    /// `enrollment_import_apply`, as the service's application role does: the people it adds or
    /// corrects carry the batch that wrote them, which only that function records.
    @Test func theSuperusersImportWritesThroughTheSameFunction() throws {
        // Superuser: the CLI's connection is what this test is about.
        try withLoadedDatabaseAsSuperuser { connection in
            #expect(
                try connection.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar(Bool.self)
                    == true)
            try importGroups(Self.groups, into: connection)
            let first = try enroll(
                try temporaryFile(
                    Self.header + [Self.gloria + ",BAS-1", Self.carlos + ",BAS-1"].joined(separator: "\n")),
                connection)
            #expect(first.accepted && first.imported == 2, "\(first.rejected)")
            let added = try #require(first.batchID)
            #expect(try count("person WHERE batch_id = \(added)", connection) == 2)
            let corrected = Self.gloria.replacingOccurrences(of: "Hernández", with: "Hernández de la Cruz")
            let second = try enroll(try temporaryFile(Self.header + corrected + ",BAS-1\n"), connection)
            #expect(second.accepted && second.updated == 1, "\(second.rejected)")
            let changed = try #require(second.batchID)
            #expect(
                try connection.query("SELECT batch_id FROM person WHERE curp = 'HEGG560427MVZRRL04'").scalar(Int64.self)
                    == changed)
        }
    }

    @Test func aPersonsEmailMayComeOnAnyOfTheirRows() throws {
        try withLoadedDatabase { connection in
            try importGroups(Self.groups, into: connection)
            let withoutEmail = Self.gloria.replacingOccurrences(of: "gloria@sct.gob.mx", with: "")
            let file = try temporaryFile(
                Self.header + [withoutEmail + ",BAS-1", Self.gloria + ",BAS-2"].joined(separator: "\n"))
            let outcome = try enroll(file, connection)
            #expect(outcome.accepted, "\(outcome.rejected)")
            let email = try connection.query("SELECT email FROM person WHERE curp = 'HEGG560427MVZRRL04'").scalar(
                String.self)
            #expect(email == "gloria@sct.gob.mx")
        }
    }

    @Test func twoImportsIntoDifferentAgenciesAtOnceBothLandWhole() throws {
        try TestSupportBridge.withTwoConnections { first, second in
            let a = SampleFiles(rows: 4_000, people: 3_000, seed: 1, firstYear: 2024)
            let b = SampleFiles(rows: 4_000, people: 3_000, seed: 2, firstYear: 2025)
            var paths: [String] = []
            for sample in [a, b] {
                let groups = try temporaryFile([UInt8](), name: "groups.csv")
                try sample.writeGroups(to: groups)
                try importGroups(try String(contentsOfFile: groups, encoding: .utf8), into: first)
                let file = try temporaryFile([UInt8](), name: "enrollment.csv")
                try sample.writeEnrollment(to: file)
                paths.append(file)
            }
            let results = Results()
            let tiers = try repositoryTiers()
            let threads = zip([first, second], paths).map { connection, path in
                Thread {
                    let outcome = Result {
                        try EnrollmentImporter(connection: connection).run(
                            try InputFile(path: path),
                            options: .init(tiers: tiers, ranBy: "test"))
                    }
                    results.add(outcome)
                }
            }
            threads.forEach { $0.start() }
            while results.count < 2 { usleep(10_000) }
            for outcome in results.all {
                let value = try outcome.get()
                #expect(value.accepted && value.rows == 4_000, "\(value.rejected.prefix(3))")
            }
            #expect(try count("enrollment", first) == 8_000)
        }
    }
}

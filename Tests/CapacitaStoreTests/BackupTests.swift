import Capacita
import CapacitaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// `DatabaseBackup` and `DatabaseRestore` on real databases of the test server: counts taken in
/// the dump's snapshot, a restore that reproduces them, access control that survives the trip,
/// and every refusal made before anything is written.
@Suite struct BackupTests {
    /// A migrated database holding the catalog, the registry, the example groups and SICT's
    /// corrected enrollment spreadsheet, loaded by the superuser as the CLI loads them.
    static func load(_ url: String) throws {
        let connection = try Connection(url)
        try MigrationRunner(connection: connection, migrations: try repositoryMigrations()).migrate()
        connection.act(as: .admin("pruebas"))
        try loadCatalogAndRegistry(connection)
        try importGroups(String(decoding: try repositoryFile("examples/grupos.csv"), as: UTF8.self), into: connection)
        let outcome = try enroll(
            TestDatabase.projectRoot.appendingPathComponent("examples/inscripcion-sict-corregida.csv").path,
            connection, agency: "SICT")
        #expect(outcome.rejected.isEmpty && outcome.imported > 0, "\(outcome.rejected)")
    }

    /// A folder path that does not exist yet, removed afterwards.
    static func withFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capacita-respaldo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// A loaded source database backed up into a folder, and a second, empty database.
    static func withBackup<T>(
        _ body: (_ source: String, _ folder: URL, _ manifest: BackupManifest, _ target: String) throws -> T
    )
        throws -> T
    {
        try TestDatabase.withFresh { source in
            try load(source)
            return try withFolder { folder in
                let manifest = try DatabaseBackup(databaseURL: source).write(to: folder)
                return try TestDatabase.withFresh { target in try body(source, folder, manifest, target) }
            }
        }
    }

    /// Tables, views, sequences and functions in a database's public schema.
    static func objects(_ url: String) throws -> Int {
        try Connection(url).query(
            """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public')
                 + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public')
            """
        ).scalar(Int.self) ?? 0
    }

    @Test func theManifestCountsWhatTheDatabaseHeldAndNamesItsSchemaRolesAndChecksum() throws {
        try Self.withBackup { source, folder, manifest, _ in
            let connection = try Connection(source)
            #expect(manifest.tables["public.enrollment"] == (try count("enrollment", connection)))
            #expect((manifest.tables["public.enrollment"] ?? 0) > 0)
            #expect(manifest.tables["public.agency"] == (try count("agency", connection)))
            #expect(manifest.tables["public.schema_migration"] == (try repositoryMigrations()).count)
            let last = try #require(try repositoryMigrations().last)
            #expect(
                manifest.schemaVersion == last.version && manifest.schemaMigration == "\(last.fileName.dropLast(4))")
            #expect(manifest.roles.contains("capacita_app") && manifest.roles.contains("capacita_definer"))
            #expect(
                manifest.databasePrivileges == [.init(grantee: "capacita_app", privileges: ["CONNECT", "TEMPORARY"])])
            #expect(manifest.pgDumpVersion.hasPrefix("pg_dump (PostgreSQL) "))
            let digest = try BackupManifest.digest(of: folder.appendingPathComponent(BackupManifest.dumpFileName))
            #expect(digest.sha256 == manifest.dump.sha256 && digest.bytes == manifest.dump.bytes)
            // What is on disk is what was returned.
            #expect(try BackupManifest.read(from: folder) == manifest)
        }
    }

    @Test func aRestoreIntoAnEmptyDatabaseHasTheSameRowsAndSchema() throws {
        try Self.withBackup { source, folder, manifest, target in
            let outcome = try DatabaseRestore(folder: folder, targetURL: target).run()
            #expect(outcome.manifest == manifest)
            let restored = try Connection(target)
            for table in ["enrollment", "person", "training_group", "course", "agency", "audit_log"] {
                #expect(try count(table, restored) == (try count(table, try Connection(source))), "\(table)")
            }
            let status = try MigrationRunner(connection: restored, migrations: try repositoryMigrations()).status()
            #expect(status.pending.isEmpty)
        }
    }

    @Test func theRestoredDatabaseKeepsItsGrantsPoliciesAndDefinerFunctions() throws {
        try Self.withBackup { source, folder, manifest, target in
            _ = try DatabaseRestore(folder: folder, targetURL: target).run()
            let superuser = try Connection(target)
            #expect(
                try superuser.query(
                    "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'enrollment_import_apply'"
                ).scalar(String.self) == "capacita_definer")
            #expect(
                try superuser.query(
                    "SELECT has_database_privilege('public', current_database(), 'CONNECT')"
                ).scalar(Bool.self) == false)

            // Connected as the service connects: row-level security decides what each caller sees.
            let app = try Connection(try applicationRoleURL(target))
            let enrolled = try #require(manifest.tables["public.enrollment"])
            #expect(try count("enrollment", app) == 0, "no identity, no personal data")
            app.act(as: .enlace(of: "SICT", user: "enlace-sict"))
            #expect(try count("enrollment", app) == enrolled)
            app.act(as: .enlace(of: "INM", user: "enlace-inm"))
            #expect(try count("enrollment", app) == 0)

            // The same coverage through the definer functions on both databases.
            let sourceApp = try Connection(try applicationRoleURL(source))
            for connection in [app, sourceApp] { connection.act(as: .admin("pruebas")) }
            #expect(
                try ReportLoader(connection: app).coverage(year: 2024, options: CoverageOptions())
                    == (try ReportLoader(connection: sourceApp).coverage(year: 2024, options: CoverageOptions())))
            // The same file again through the definer's bulk path (session_replication_role granted).
            let again = try enroll(
                TestDatabase.projectRoot.appendingPathComponent("examples/inscripcion-sict-corregida.csv").path,
                app, agency: "SICT")
            #expect(again.rejected.isEmpty && again.imported == 0 && again.unchanged == enrolled, "\(again)")
        }
    }

    @Test func aTamperedDumpIsRefusedBeforeAnythingIsWritten() throws {
        try Self.withBackup { _, folder, manifest, target in
            let dump = folder.appendingPathComponent(BackupManifest.dumpFileName)
            var bytes = [UInt8](try Data(contentsOf: dump))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: dump)
            #expect(throws: BackupError.checksumMismatch) {
                try DatabaseRestore(folder: folder, targetURL: target).run()
            }
            #expect(try Self.objects(target) == 0)
            // Cut short (the size differs, the hash too): refused the same way.
            try Data(bytes.prefix(manifest.dump.bytes / 2)).write(to: dump)
            #expect(throws: BackupError.checksumMismatch) {
                try DatabaseRestore(folder: folder, targetURL: target).run()
            }
            #expect(try Self.objects(target) == 0)
        }
    }

    @Test func aTargetThatIsNotEmptyIsRefused() throws {
        try Self.withBackup { source, folder, _, target in
            try Connection(target).execute("CREATE TABLE public.notas (texto text)")
            #expect(throws: BackupError.targetNotEmpty(objects: 1)) {
                try DatabaseRestore(folder: folder, targetURL: target).run()
            }
            #expect(try Self.objects(target) == 1)
            // capacita's own database, a restore's likeliest slip.
            #expect(throws: BackupError.self) { try DatabaseRestore(folder: folder, targetURL: source).run() }
        }
    }

    @Test func restoredCountsThatDifferFromTheManifestFailWithEveryDifference() throws {
        try Self.withBackup { _, folder, manifest, target in
            var edited = manifest
            edited.tables["public.agency"] = (manifest.tables["public.agency"] ?? 0) + 1
            edited.tables["public.person"] = nil
            try edited.encoded().write(to: folder.appendingPathComponent(BackupManifest.fileName))
            let agencies = manifest.tables["public.agency"] ?? 0
            #expect {
                try DatabaseRestore(folder: folder, targetURL: target).run()
            } throws: { error in
                guard case .countsDiffer(let differences) = error as? BackupError else { return false }
                return differences == [
                    "public.agency: el manifiesto dice \(agencies + 1) filas, la base tiene \(agencies)",
                    "public.person: está en la base (\(manifest.tables["public.person"] ?? -1) filas) y no en el manifiesto",
                ]
            }
        }
    }

    @Test func aRoleTheTargetClusterLacksIsRefusedBeforeRestoring() throws {
        try Self.withBackup { _, folder, manifest, target in
            var edited = manifest
            edited.roles.append("capacita_rol_que_no_existe")
            try edited.encoded().write(to: folder.appendingPathComponent(BackupManifest.fileName))
            #expect(throws: BackupError.missingRoles(["capacita_rol_que_no_existe"])) {
                try DatabaseRestore(folder: folder, targetURL: target).run()
            }
            #expect(try Self.objects(target) == 0)
        }
    }

    @Test func aBackupNeverWritesOverAnExistingFolder() throws {
        try TestDatabase.withFresh { source in
            try Self.load(source)
            try Self.withFolder { folder in
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
                let kept = folder.appendingPathComponent("otro.txt")
                try Data("de otro respaldo".utf8).write(to: kept)
                #expect(throws: BackupError.destinationExists(folder.path)) {
                    try DatabaseBackup(databaseURL: source).write(to: folder)
                }
                #expect(try String(contentsOf: kept, encoding: .utf8) == "de otro respaldo")
            }
        }
    }

    @Test func aDatabaseWithoutCapacitasSchemaIsNotBackedUpAndLeavesNoFolder() throws {
        try TestDatabase.withFresh { empty in
            try Self.withFolder { folder in
                #expect(throws: BackupError.notCapacita) { try DatabaseBackup(databaseURL: empty).write(to: folder) }
                #expect(!FileManager.default.fileExists(atPath: folder.path))
            }
        }
    }

    @Test func aPasswordInTheURLReachesPgDumpThroughItsEnvironmentOnly() throws {
        // The test cluster trusts local connections, so the password is carried and ignored: what
        // is checked is that the backup works with one and that nothing written repeats it.
        try TestDatabase.withFresh { source in
            try Self.load(source)
            var components = try #require(URLComponents(string: source))
            components.password = "contraseña-de-prueba"
            let withPassword = try #require(components.string)
            try Self.withFolder { folder in
                let manifest = try DatabaseBackup(databaseURL: withPassword).write(to: folder)
                let written = try Data(contentsOf: folder.appendingPathComponent(BackupManifest.fileName))
                #expect(!String(decoding: written, as: UTF8.self).contains("contraseña"))
                #expect((manifest.tables["public.enrollment"] ?? 0) > 0)
            }
        }
    }
}

/// The manifest read from disk: bounded before parsing, and checked field by field.
@Suite struct BackupManifestTests {
    static let valid = BackupManifest(
        createdAt: "2026-01-31T12:00:00Z", schemaVersion: 33, schemaMigration: "0033_multipliers",
        serverVersion: "15.14", pgDumpVersion: "pg_dump (PostgreSQL) 15.14",
        dump: .init(file: "capacita.dump", bytes: 10, sha256: String(repeating: "a", count: 64)),
        tables: ["public.agency": 13], roles: ["capacita_app"], databasePrivileges: nil)

    func folder(with manifest: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-manifiesto-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try manifest.write(to: folder.appendingPathComponent(BackupManifest.fileName))
        return folder
    }

    @Test func aManifestRoundTrips() throws {
        let folder = try folder(with: try Self.valid.encoded())
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try BackupManifest.read(from: folder) == Self.valid)
    }

    @Test func aManifestPastTheLimitIsRefusedBeforeItIsParsed() throws {
        // Valid JSON padded past the limit: refused for its size, not for its content.
        var data = try Self.valid.encoded()
        data.append(Data(repeating: 0x20, count: BackupManifest.sizeLimit))
        let folder = try folder(with: data)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: BackupError.manifestTooLarge(limit: BackupManifest.sizeLimit)) {
            try BackupManifest.read(from: folder)
        }
    }

    @Test func aMissingManifestIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacita-sin-manifiesto-\(UUID())")
        #expect(throws: BackupError.manifestMissing(folder.appendingPathComponent("manifest.json").path)) {
            try BackupManifest.read(from: folder)
        }
    }

    @Test func fieldsARestoreRelliesOnAreChecked() throws {
        func refused(_ edit: (inout BackupManifest) -> Void) throws -> Bool {
            var manifest = Self.valid
            edit(&manifest)
            let data = try manifest.encoded()
            do {
                _ = try BackupManifest.parse(data)
                return false
            } catch {
                if case .manifestInvalid = error { return true }
                return false
            }
        }
        #expect(try refused { $0.dump.file = "../../etc/passwd" })
        #expect(try refused { $0.dump.sha256 = String(repeating: "g", count: 64) })
        #expect(try refused { $0.dump.sha256 = String(repeating: "A", count: 64) })
        #expect(try refused { $0.tables["public.\"x\"; DROP TABLE y"] = 1 })
        #expect(try refused { $0.tables["agency"] = 1 })
        #expect(try refused { $0.tables["public.agency"] = -1 })
        #expect(try refused { $0.format = "otro" })
        #expect(try refused { $0.formatVersion = 2 })
        #expect(try refused { $0.databasePrivileges = [.init(grantee: "x", privileges: ["ALL; DROP"])] })
        #expect(try !refused { _ in })
        #expect(throws: BackupError.manifestInvalid("no es un manifiesto JSON de capacita")) {
            try BackupManifest.parse(Data("{\"format\": 1".utf8))
        }
    }

    @Test func aProgramsErrorsLoseDetailLinesAndSecrets() {
        let text = """
            pg_restore: error: could not execute query: ERROR:  duplicate key value violates unique constraint "person_pkey"
            DETAIL:  Key (curp)=(GODE561231HDFRRN09) already exists.
            Command was: COPY public.person (curp, nombre) FROM stdin;
            pg_dump: error: connection failed for password s3cr3t
            """
        let cleaned = PostgresTools.cleaned(text, hiding: ["s3cr3t"])
        #expect(!cleaned.contains("GODE561231") && !cleaned.contains("COPY") && !cleaned.contains("s3cr3t"))
        #expect(cleaned.contains("person_pkey") && cleaned.contains("********"))
    }
}

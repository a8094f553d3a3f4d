import Foundation
import TestSupport
import Testing

/// `capacita db backup` and `db restore` through the built executable: exit status 0, 1 for what
/// is refused before writing, 3 for a restore that does not match its manifest; keys in the
/// messages; no password in any output.
@Suite struct BackupCLITests {
    static func withFolder<T>(_ body: (String) throws -> T) throws -> T {
        let folder = NSTemporaryDirectory() + "capacita-respaldo-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }

    /// A prepared database backed up with the CLI into a new folder, and an empty second database.
    static func withBackup(_ body: (_ source: String, _ folder: String, _ target: String) throws -> Void) throws {
        try TestDatabase.withFresh { source in
            try CLI.prepare(source)
            try withFolder { folder in
                let backup = CLI.run(["db", "backup", "--out", folder], url: source)
                try #require(backup.status == 0, "\(backup.output) \(backup.error)")
                #expect(backup.output.contains("Respaldo escrito en «\(folder)»") && backup.output.contains("SHA-256"))
                try TestDatabase.withFresh { target in try body(source, folder, target) }
            }
        }
    }

    @Test func aBackupRestoresIntoAnEmptyDatabaseWithTheSameReports() throws {
        try Self.withBackup { source, folder, target in
            let restored = CLI.run(["db", "restore", folder, "--into", target], url: nil)
            #expect(restored.status == 0, "\(restored.error)")
            #expect(restored.output.contains("iguales al manifiesto"))
            for report in [["group", "list", "--year", "2024"], ["report", "events", "--year", "2024"]] {
                let before = CLI.run(report + ["--format", "json"], url: source)
                let after = CLI.run(report + ["--format", "json"], url: target)
                #expect(before.status == 0 && !before.output.isEmpty && before.output == after.output, "\(report)")
            }
        }
    }

    @Test func refusalsExitOneWithTheirKeysAndWriteNothing() throws {
        try Self.withBackup { source, folder, target in
            let again = CLI.run(["db", "backup", "--out", folder], url: source)
            #expect(again.status == 1 && again.error.contains("[destination_exists]"), "\(again.error)")

            let notEmpty = CLI.run(["db", "restore", folder, "--into", source], url: nil)
            #expect(notEmpty.status == 1 && notEmpty.error.contains("[target_not_empty]"), "\(notEmpty.error)")

            let dump = URL(fileURLWithPath: folder).appendingPathComponent("capacita.dump")
            let original = try Data(contentsOf: dump)
            var bytes = [UInt8](original)
            bytes[bytes.count - 1] ^= 0xFF
            try Data(bytes).write(to: dump)
            let tampered = CLI.run(["db", "restore", folder, "--into", target], url: nil)
            #expect(tampered.status == 1 && tampered.error.contains("[checksum_mismatch]"), "\(tampered.error)")
            try original.write(to: dump)

            let manifest = URL(fileURLWithPath: folder).appendingPathComponent("manifest.json")
            let kept = try Data(contentsOf: manifest)
            try Data(repeating: 0x20, count: 2 << 20).write(to: manifest)
            let huge = CLI.run(["db", "restore", folder, "--into", target], url: nil)
            #expect(huge.status == 1 && huge.error.contains("[manifest_too_large]"), "\(huge.error)")
            try kept.write(to: manifest)

            let noTarget = CLI.run(["db", "restore", folder], url: nil)
            #expect(noTarget.status == 2, "--into is required")

            // Nothing reached the target: it restores cleanly now.
            let restored = CLI.run(["db", "restore", folder, "--into", target], url: nil)
            #expect(restored.status == 0, "\(restored.error)")
        }
    }

    @Test func countsThatDifferFromTheManifestExitThreeNamingTheTable() throws {
        try Self.withBackup { _, folder, target in
            let manifest = URL(fileURLWithPath: folder).appendingPathComponent("manifest.json")
            var object = try #require(
                try JSONSerialization.jsonObject(with: try Data(contentsOf: manifest)) as? [String: Any])
            var tables = try #require(object["tables"] as? [String: Int])
            let groups = try #require(tables["public.training_group"])
            tables["public.training_group"] = groups + 5
            object["tables"] = tables
            try JSONSerialization.data(withJSONObject: object).write(to: manifest)
            let restored = CLI.run(["db", "restore", folder, "--into", target], url: nil)
            #expect(restored.status == 3 && restored.error.contains("[counts_differ]"), "\(restored.error)")
            #expect(
                restored.error.contains(
                    "public.training_group: el manifiesto dice \(groups + 5) filas, la base tiene \(groups)"))
        }
    }

    @Test func aPasswordInEitherURLNeverShows() throws {
        func withPassword(_ url: String) throws -> String {
            var components = try #require(URLComponents(string: url))
            components.password = "Contrasena-Secreta-9"
            return try #require(components.string)
        }
        try Self.withBackup { source, folder, target in
            // The test cluster trusts local connections: the password is carried, and ignored.
            let secret = try withPassword(source)
            try Self.withFolder { second in
                let backup = CLI.run(["db", "backup", "--out", second], url: secret)
                #expect(backup.status == 0, "\(backup.error)")
                let refused = CLI.run(["db", "restore", folder, "--into", secret], url: nil)
                #expect(refused.status == 1)
                let restored = CLI.run(["db", "restore", second, "--into", try withPassword(target)], url: nil)
                #expect(restored.status == 0, "\(restored.error)")
                for result in [backup, refused, restored] {
                    #expect(!(result.output + result.error).contains("Contrasena-Secreta-9"))
                }
                let manifest = try String(contentsOfFile: second + "/manifest.json", encoding: .utf8)
                #expect(!manifest.contains("Contrasena"))
            }
        }
    }
}

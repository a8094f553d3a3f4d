import ArgumentParser
import Capacita
import CapacitaFiles
import Foundation

extension ReferenceData {
    /// The non-working days the ARCO deadlines count with: `db/seed/dias-inhabiles.csv` (or
    /// CAPACITA_DIAS_INHABILES).
    static func workingCalendar() throws -> WorkingCalendar {
        try seedFile(
            "CAPACITA_DIAS_INHABILES", WorkingCalendar.seedFile, what: "calendario de días inhábiles",
            WorkingCalendar.parse)
    }

    /// How long personal data is kept: `db/seed/retencion.csv` (or CAPACITA_RETENCION).
    static func retentionPolicy() throws -> RetentionPolicy {
        try seedFile(
            "CAPACITA_RETENCION", RetentionPolicy.seedFile, what: "plazo de conservación", RetentionPolicy.parse)
    }

    private static func seedFile<T>(
        _ variable: String, _ relative: String, what: String, _ parse: ([UInt8]) -> Result<T, ImportIssues>
    ) throws -> T {
        let path =
            ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            ?? (Project.root()?.appendingPathComponent(relative).path ?? relative)
        switch parse(try FileBytes.read(path)) {
        case .success(let value): return value
        case .failure(let issues):
            throw Refused(
                message: "\(path): \(what) no válido:\n" + issues.issues.map(\.description).joined(separator: "\n"))
        }
    }
}

/// A CURP given as an argument: checked in full, or a usage error that never echoes it whole.
enum PersonCurpArgument {
    static func parse(_ text: String) throws -> Curp {
        guard text.utf8.count <= 40 else { throw ValidationError("una CURP tiene 18 caracteres") }
        switch Curp.parse(text) {
        case .success(let curp): return curp
        case .failure(let problem):
            // A cancelled person's surrogate is no CURP RENAPO gives, but it names their record.
            let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
            if SurrogateCurp.isSurrogate(upper) { return Curp(stored: upper) }
            throw ValidationError("CURP \(Curp.mask(text)): \(problem.message)")
        }
    }
}

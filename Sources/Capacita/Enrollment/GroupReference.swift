import CapacitaFiles

/// The group a row of an enrollment or results file belongs to: its grupo cell, or `--group`
/// when the cell is empty; the two must agree, and the group must exist (when `groups` is given;
/// otherwise the caller checks the codes against the database).
enum GroupReference {
    static func resolve(
        _ row: CSVRow, option: String?, groups: Set<String>?,
        fail: (_ column: String, _ message: String, _ value: String?) -> Void
    ) -> String? {
        let written = TrainingGroup.normalizeCode(row["grupo"])
        if !written.isEmpty {
            if let option, option != written {
                fail("grupo", "no coincide con el grupo indicado (--group o group=), \(option)", nil)
                return nil
            }
            guard groups?.contains(written) ?? true else {
                fail("grupo", "el grupo no existe; créelo con capacita group import o group create", nil)
                return nil
            }
            return written
        }
        guard let option else {
            fail("grupo", "falta el grupo", nil)
            return nil
        }
        guard groups?.contains(option) ?? true else {
            fail("grupo", "el grupo \(option) no existe", option)
            return nil
        }
        return option
    }
}

import CapacitaFiles

extension Curp {
    /// A row's `curp` cell as every import reads it: missing, malformed (the value reported masked)
    /// or a CURP. `fail` gets the column, the reason and the value to report.
    public static func cell(_ row: CSVRow, fail: (_ column: String, _ message: String, _ value: String?) -> Void)
        -> Curp?
    {
        let text = row["curp"]
        if text.isEmpty {
            fail("curp", "falta la CURP", nil)
            return nil
        }
        switch Curp.parse(text) {
        case .success(let value): return value
        case .failure(let problem):
            fail("curp", problem.message, Curp.mask(text.trimmingSpaces().uppercased()))
            return nil
        }
    }
}

import Foundation
import Postgres
import TestSupport
import Testing

/// Bytes in PostgreSQL's binary format: sent as they are (NUL and every other byte), read back
/// without a copy; an empty value, NULL and no row each as they are.
@Suite struct BinaryValuesTests {
    @Test func bytesGoAndComeBackAsTheyAre() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("CREATE TABLE b (id int PRIMARY KEY, label text, bytes bytea)")
            let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try bytes.withUnsafeBytes {
                try connection.query("INSERT INTO b VALUES ($1, $2, $3)", [1, "uno"], binary: $0)
            }
            try [UInt8]().withUnsafeBytes {
                try connection.query("INSERT INTO b VALUES ($1, $2, $3)", [2, "vacío"], binary: $0)
            }
            try connection.query("INSERT INTO b VALUES (3, 'nulo', NULL)")
            // The server saw the bytes, not a text form of them.
            #expect(try connection.query("SELECT octet_length(bytes) FROM b WHERE id = 1").scalar(Int.self) == 70_000)
            #expect(
                try connection.query("SELECT get_byte(bytes, 0) = 0 AND get_byte(bytes, 1) = 7 FROM b WHERE id = 1")
                    .scalar(Bool.self) == true)
            let back = try connection.withBinaryValue("SELECT bytes FROM b WHERE id = $1", [1]) { Array($0) }
            #expect(back == bytes)
            #expect(try connection.withBinaryValue("SELECT bytes FROM b WHERE id = 2") { $0.count } == 0)
            #expect(try connection.withBinaryValue("SELECT bytes FROM b WHERE id = 3") { $0.count } == nil)
            #expect(try connection.withBinaryValue("SELECT bytes FROM b WHERE id = 4") { $0.count } == nil)
            // A statement's error is the server's, as with `query`.
            #expect(throws: PostgresError.self) {
                try connection.withBinaryValue("SELECT bytes FROM nowhere") { $0.count }
            }
            #expect(throws: PostgresError.self) {
                try bytes.withUnsafeBytes {
                    try connection.query("INSERT INTO b VALUES (1, 'otra vez', $1)", [], binary: $0)
                }
            }
        }
    }
}

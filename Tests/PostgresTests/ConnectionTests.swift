import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func unreachableServerErrorNamesHostAndPort() throws {
        #expect {
            _ = try Connection("host=127.0.0.1 port=1 dbname=nothing connect_timeout=2")
        } throws: { error in
            guard case .connectionFailed(let host, let port, _) = error as? PostgresError else { return false }
            return host == "127.0.0.1" && port == "1"
        }
    }

    @Test func parametersRoundTripEveryDecodedType() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            let day = Date(timeIntervalSince1970: 1_709_164_800)  // 2024-02-29 00:00 UTC
            let moment = Date(timeIntervalSince1970: 1_700_000_000.25)
            let result = try connection.query(
                """
                SELECT $1::int AS i, $2::bigint AS big, $3::float8 AS d, $4::numeric AS dec, $5::text AS s,
                       $6::bool AS b, $7::date AS day, $8::timestamptz AS ts, $9::text AS missing
                """,
                [
                    42, Int64(9_000_000_000), 2.5, Decimal(string: "12.345")!, "Peña 'Núñez'; DROP TABLE x", true,
                    day, moment, String?.none,
                ])
            let row = try #require(result.rows.first)
            #expect(try row.decode("i", as: Int.self) == 42)
            #expect(try row.decode("big", as: Int64.self) == 9_000_000_000)
            #expect(try row.decode("d", as: Double.self) == 2.5)
            #expect(try row.decode("dec", as: Decimal.self) == Decimal(string: "12.345")!)
            #expect(try row.decode("s", as: String.self) == "Peña 'Núñez'; DROP TABLE x")
            #expect(try row.decode("b", as: Bool.self) == true)
            #expect(try row.decode("day", as: Date.self) == day)
            #expect(try row.decode("ts", as: Date.self) == moment)
            #expect(try row.decode("missing", as: String?.self) == nil)
            #expect(try row.decode("i", as: Int?.self) == 42)
        }
    }

    @Test func decodingErrorNamesTheColumn() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            let result = try connection.query("SELECT 'abc'::text AS code, NULL::int AS nothing")
            let row = try #require(result.rows.first)
            #expect(throws: PostgresError.decoding(column: "code", type: "Int", value: "abc")) {
                try row.decode("code", as: Int.self)
            }
            #expect(throws: PostgresError.decoding(column: "nothing", type: "Int", value: nil)) {
                try row.decode("nothing", as: Int.self)
            }
            #expect(throws: PostgresError.missingColumn("other")) { try row.decode("other", as: Int.self) }
        }
    }

    @Test func serverErrorsCarrySQLStateAndConstraint() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute(
                "CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY, n int CONSTRAINT n_positive CHECK (n > 0))")
            try connection.query("INSERT INTO t VALUES ($1, $2)", [1, 1])
            do {
                try connection.query("INSERT INTO t VALUES ($1, $2)", [1, 1])
                Issue.record("a duplicate key was accepted")
            } catch let PostgresError.server(error) {
                #expect(error.isUniqueViolation)
                #expect(error.constraint == "t_pk")
                #expect(error.detail?.contains("(id)=(1)") == true)
            }
            do {
                try connection.query("INSERT INTO t VALUES ($1, $2)", [2, -1])
                Issue.record("a check violation was accepted")
            } catch let PostgresError.server(error) {
                #expect(error.sqlState == SQLState.checkViolation)
                #expect(error.constraint == "n_positive")
            }
        }
    }

    @Test func transactionCommitsOnReturnAndRollsBackOnThrow() throws {
        struct Abort: Error {}
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("CREATE TABLE t (id int)")
            try connection.withTransaction { try $0.query("INSERT INTO t VALUES (1)") }
            #expect(throws: Abort.self) {
                try connection.withTransaction { connection in
                    try connection.query("INSERT INTO t VALUES (2)")
                    throw Abort()
                }
            }
            #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 1)
        }
    }

    @Test func transactionWhoseStatementFailedIsNotReportedCommitted() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
            #expect(throws: PostgresError.self) {
                try connection.withTransaction { connection in
                    try connection.query("INSERT INTO t VALUES (1)")
                    _ = try? connection.query("INSERT INTO t VALUES (1)")  // swallowed: the transaction is aborted
                }
            }
            #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
        }
    }

    @Test func copyStreamsRowsInChunks() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("CREATE TABLE t (id int, name text, note text)")
            let copied = try connection.copyIn("COPY t FROM STDIN", chunkSize: 256) { writer in
                for id in 1...1000 {
                    try writer.writeRow([String(id), "Muñoz\tPérez \\ \(id)", id % 2 == 0 ? nil : "línea\nnueva"])
                }
            }
            #expect(copied == 1000)
            let result = try connection.query("SELECT name, note FROM t WHERE id = 7")
            let row = try #require(result.rows.first)
            #expect(try row.decode("name", as: String.self) == "Muñoz\tPérez \\ 7")
            #expect(try row.decode("note", as: String?.self) == "línea\nnueva")
            #expect(try connection.query("SELECT count(*) FROM t WHERE note IS NULL").scalar(Int.self) == 500)
        }
    }

    @Test func copyAbortedByClientWritesNothingAndConnectionStaysUsable() throws {
        struct Stop: Error {}
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("CREATE TABLE t (id int)")
            #expect(throws: Stop.self) {
                try connection.copyIn("COPY t FROM STDIN", chunkSize: 16) { writer in
                    for id in 1...100 { try writer.writeRow([String(id)]) }
                    throw Stop()
                }
            }
            #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
        }
    }

    @Test func copyOfBadDataRaisesTheServerError() throws {
        try TestDatabase.withFresh { url in
            let connection = try Connection(url)
            try connection.execute("CREATE TABLE t (id int)")
            #expect {
                try connection.copyIn("COPY t FROM STDIN") { writer in try writer.writeRow(["not a number"]) }
            } throws: { error in
                (error as? PostgresError)?.sqlState == "22P02"
            }
            #expect(try connection.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
        }
    }
}

@Suite struct ServerErrorTextTests {
    @Test func aServerErrorsTextLeavesOutTheDetailThatHoldsTheRow() {
        let error = PostgresError.server(
            ServerError(
                sqlState: "23505", message: "duplicate key value violates unique constraint \"person_pkey\"",
                detail: "Key (curp)=(GOMC800101HDFMRR09) already exists."))
        #expect(!error.description.contains("GOMC"))
        #expect(error.description.contains("23505"))
    }
}

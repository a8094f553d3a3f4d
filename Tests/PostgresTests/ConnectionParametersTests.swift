import Postgres
import Testing

/// A connection handed to pg_dump and pg_restore: taken apart by libpq, the password in the
/// child's environment, never in the `--dbname` its command line shows.
@Suite struct ConnectionParametersTests {
    @Test func aURIsPasswordGoesToTheEnvironmentAndNotTheCommandLine() throws {
        let parameters = try ConnectionParameters(
            "postgresql://respaldo:s3cr%40to@/capacita?host=/run/postgresql&port=5433&sslmode=disable")
        let child = try parameters.forChildProcess()
        #expect(child.environment["PGPASSWORD"] == "s3cr@to")
        #expect(child.environment["PGUSER"] == "respaldo")
        #expect(child.environment["PGHOST"] == "/run/postgresql" && child.environment["PGPORT"] == "5433")
        #expect(child.environment["PGSSLMODE"] == "disable")
        #expect(child.dbname == "dbname='capacita'")
        #expect(!parameters.displayName.contains("s3cr") && !parameters.displayName.contains("respaldo"))
        #expect(parameters.displayName == "«capacita» en /run/postgresql, puerto 5433")
    }

    @Test func aConninfoStringWorksTooAndKeywordsWithoutAVariableStayInline() throws {
        let child = try ConnectionParameters("host=db.example dbname='la base' password=x keepalives=1")
            .forChildProcess()
        #expect(child.environment["PGPASSWORD"] == "x" && child.environment["PGHOST"] == "db.example")
        #expect(child.dbname == "dbname='la base' keepalives='1'")
    }

    @Test func aSecretWithoutAVariableIsRefused() throws {
        #expect(throws: ConnectionParametersError.secretWithoutVariable("sslpassword")) {
            try ConnectionParameters("dbname=x sslpassword=llave").forChildProcess()
        }
    }

    @Test func anUnparsableStringIsRefusedWithoutRepeatingIt() {
        #expect {
            _ = try ConnectionParameters("postgresql://u:secreta%zz@host/db")
        } throws: { error in
            (error as? ConnectionParametersError) == .unparsable && !"\(error)".contains("secreta")
        }
    }

    @Test func quotingEscapesWhatLibpqWouldReadAsTheEndOfAValue() throws {
        let child = try ConnectionParameters("dbname='o\\'brien\\\\x'").forChildProcess()
        #expect(child.dbname == "dbname='o\\'brien\\\\x'")
        // libpq reads it back as the same name.
        #expect(try ConnectionParameters(child.dbname)["dbname"] == "o'brien\\x")
    }
}

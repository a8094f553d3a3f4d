import Capacita
import CapacitaStore
import Postgres
import Testing

@Suite struct CatalogStoreTests {
    @Test func loadInsertsThenLeavesUnchangedThenUpdatesInPlace() throws {
        try withMigratedDatabase { connection in
            let store = CatalogStore(connection: connection)
            let catalog = try Catalog.build(files: try repositoryCatalogFiles()).get()
            let first = try store.load(catalog)
            #expect(first.inserted.count == 14)
            let second = try store.load(catalog)
            #expect(second.inserted.isEmpty && second.updated.isEmpty && second.unchanged.count == 14)

            var changed = catalog
            let index = try #require(changed.courses.firstIndex { $0.code == "PNC22-BAS" })
            changed.courses[index].passing.minScore = 70
            let third = try store.load(changed)
            #expect(third.updated == ["PNC22-BAS"])
            #expect(try store.course(code: "PNC22-BAS")?.passing.minScore == 70)
            #expect(
                try connection.query("SELECT min_score FROM course WHERE code = 'PNC22-BAS'").scalar(Double.self) == 70)
            #expect(
                try connection.query("SELECT count(*) FROM course_prerequisite").scalar(Int.self)
                    == catalog.courses.reduce(0) { $0 + $1.prerequisites.count })
        }
    }

    @Test func loadIsAllOrNothingWhenTheDatabaseRefusesOneCourse() throws {
        try withMigratedDatabase { connection in
            let store = CatalogStore(connection: connection)
            var catalog = try Catalog.build(files: try repositoryCatalogFiles()).get()
            // A value only the schema's CHECK refuses, as if validation had been bypassed.
            let index = try #require(catalog.courses.firstIndex { $0.code == "PNC22-TF" || $0.code == "PNC22-ESP-TF" })
            catalog.courses[index].maxGroupSize = 0
            #expect { try store.load(catalog) } throws: { error in
                (error as? PostgresError)?.sqlState == SQLState.checkViolation
            }
            #expect(try connection.query("SELECT count(*) FROM course").scalar(Int.self) == 0)
        }
    }

    @Test func storedCourseReadsBackEqual() throws {
        try withMigratedDatabase { connection in
            let store = CatalogStore(connection: connection)
            let catalog = try Catalog.build(files: try repositoryCatalogFiles()).get()
            try store.load(catalog)
            #expect(try store.courses() == catalog.courses)
        }
    }
}

import Foundation

/// The programs a benchmark drives and the server it runs on.
struct Tools {
    var capacita: String
    var psql: String
    var root: String
    var server: String

    static func locate() throws -> Tools {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let capacita = here.appendingPathComponent("capacita").path
        guard FileManager.default.isExecutableFile(atPath: capacita) else {
            throw BenchError("build capacita first: swift build -c release")
        }
        var root = here
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("db/migrations").path) {
            guard root.path != "/" else { throw BenchError("run from the capacita checkout") }
            root.deleteLastPathComponent()
        }
        let psql =
            ["/usr/bin/psql", "/usr/local/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "psql"
        let server =
            try ProcessInfo.processInfo.environment["DATABASE_URL"]
            ?? Child.output(root.appendingPathComponent("scripts/dev-db").path, ["start"])
        return Tools(capacita: capacita, psql: psql, root: root.path, server: server)
    }

    /// The server's URL with another database name.
    func url(database: String) -> String {
        guard var components = URLComponents(string: server), server.contains("://") else {
            return server.split(separator: " ").filter { !$0.hasPrefix("dbname=") }.joined(separator: " ")
                + " dbname=\(database)"
        }
        components.path = "/" + database
        return components.string!
    }

    /// A database URL (or conninfo) connecting as another role.
    func withUser(_ user: String, _ database: String) -> String {
        guard var components = URLComponents(string: database), database.contains("://") else {
            return database.split(separator: " ").filter { !$0.hasPrefix("user=") }.joined(separator: " ")
                + " user=\(user)"
        }
        components.user = user
        return components.string!
    }

    func dropDatabase(_ name: String) throws {
        try Child.must(psql, [server, "-q", "-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }

    func freshDatabase(_ name: String) throws -> String {
        try dropDatabase(name)
        try Child.must(psql, [server, "-q", "-c", "CREATE DATABASE \(name)"])
        return url(database: name)
    }

    /// Schema, catalog, agencies and the groups of a sample file.
    func prepare(_ database: String, groups: String) throws {
        let env = ["DATABASE_URL": database, "CAPACITA_ROOT": root]
        try Child.must(capacita, ["db", "migrate"], environment: env)
        try Child.must(capacita, ["catalog", "load", "\(root)/Courses"], environment: env)
        try Child.must(capacita, ["agency", "import", "\(root)/db/seed/agencies.csv"], environment: env)
        try Child.must(capacita, ["group", "import", groups], environment: env)
    }
}

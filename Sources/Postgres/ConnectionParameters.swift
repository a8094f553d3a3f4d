import CLibPQ

/// A libpq URI or conninfo string taken apart by libpq itself (`PQconninfoParse`), for handing the
/// same connection to one of PostgreSQL's own programs (pg_dump, pg_restore) without putting a
/// password on their command line, where any user of the machine could read it (`ps`).
public struct ConnectionParameters: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var keyword: String
        public var value: String
        /// The variable libpq reads this keyword from (PGHOST, PGPASSWORD…); nil for the few
        /// keywords that have none (keepalives, sslpassword…).
        public var environmentVariable: String?
        /// A value libpq itself hides when it lists parameters (a password).
        public var isSecret: Bool
    }

    /// The keywords the string set, in libpq's order.
    public let parameters: [Parameter]

    /// Parses `conninfo` as libpq would. The error never repeats the string: it may hold a password.
    public init(_ conninfo: String) throws(ConnectionParametersError) {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &message) else {
            if let message { PQfreemem(message) }
            throw .unparsable
        }
        defer { PQconninfoFree(options) }
        var parameters: [Parameter] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters.append(
                    Parameter(
                        keyword: String(cString: keyword), value: String(cString: value),
                        environmentVariable: option.pointee.envvar.map { String(cString: $0) },
                        isSecret: option.pointee.dispchar.map { String(cString: $0) } == "*"))
            }
            option += 1
        }
        self.parameters = parameters
    }

    public subscript(keyword: String) -> String? {
        parameters.first { $0.keyword == keyword }?.value
    }

    /// What a child libpq program needs to open this same connection: variables for its
    /// environment (the password among them), and a conninfo string for its `--dbname` holding only
    /// the database's name and the keywords libpq reads from no variable, none of them secret.
    /// A secret with no variable (`sslpassword`) cannot be handed on safely, and is refused.
    public func forChildProcess() throws(ConnectionParametersError) -> (environment: [String: String], dbname: String) {
        var environment: [String: String] = [:]
        var inline: [String] = []
        for parameter in parameters {
            if let variable = parameter.environmentVariable {
                environment[variable] = parameter.value
            } else if parameter.isSecret {
                throw .secretWithoutVariable(parameter.keyword)
            } else {
                inline.append("\(parameter.keyword)=\(Self.quoted(parameter.value))")
            }
        }
        // An empty --dbname would be taken as no database at all; the environment's PGDATABASE
        // (or libpq's default, the user's name) still decides when the string named none.
        let name = self["dbname"] ?? ""
        if !name.isEmpty { inline.insert("dbname=\(Self.quoted(name))", at: 0) }
        return (environment, inline.joined(separator: " "))
    }

    /// The database and server for messages, without the user or any secret:
    /// «capacita» en /run/postgresql, puerto 5432.
    public var displayName: String {
        let database = self["dbname"].map { "«\($0)»" } ?? "(la base predeterminada)"
        let host = self["host"] ?? self["hostaddr"] ?? "localhost"
        let port = self["port"].map { ", puerto \($0)" } ?? ""
        return "\(database) en \(host)\(port)"
    }

    /// A conninfo value in single quotes, with `\` and `'` escaped as libpq reads them.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

public enum ConnectionParametersError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libpq could not read the string (its reason is not repeated: it may quote a password).
    case unparsable
    /// A secret libpq reads from no environment variable: passing it would show it on a command line.
    case secretWithoutVariable(String)

    public var description: String {
        switch self {
        case .unparsable:
            return "la dirección de la base de datos no es un URI ni una cadena de conexión de libpq"
        case .secretWithoutVariable(let keyword):
            return
                "«\(keyword)» no se puede pasar a pg_dump ni a pg_restore sin mostrarlo en su línea de órdenes; use ~/.pgpass o una llave sin contraseña"
        }
    }
}

import Foundation

/// Why a backup or a restore stopped: a Spanish message for people, a stable English key for
/// programs. Refusals (`isRefusal`) stop before anything is written; the others are failures of
/// PostgreSQL or its programs, or a restore that does not match its manifest.
public enum BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    case destinationExists(String)
    case destinationUnwritable(String)
    case notCapacita
    case toolMissing(tool: String, major: Int)
    case badConnection(String)
    case manifestMissing(String)
    case manifestTooLarge(limit: Int)
    case manifestInvalid(String)
    case dumpMissing(String)
    case checksumMismatch
    case targetNotEmpty(objects: Int)
    case missingRoles([String])
    case missingParameterGrant
    case toolFailed(tool: String, status: Int32, message: String)
    case countsDiffer([String])
    case schemaDiffers(expected: String, found: String)

    public var key: String {
        switch self {
        case .destinationExists: return "destination_exists"
        case .destinationUnwritable: return "destination_unwritable"
        case .notCapacita: return "not_capacita"
        case .toolMissing: return "tool_missing"
        case .badConnection: return "bad_connection"
        case .manifestMissing: return "manifest_missing"
        case .manifestTooLarge: return "manifest_too_large"
        case .manifestInvalid: return "manifest_invalid"
        case .dumpMissing: return "dump_missing"
        case .checksumMismatch: return "checksum_mismatch"
        case .targetNotEmpty: return "target_not_empty"
        case .missingRoles: return "missing_roles"
        case .missingParameterGrant: return "missing_parameter_grant"
        case .toolFailed(let tool, _, _): return tool == "pg_restore" ? "restore_failed" : "dump_failed"
        case .countsDiffer: return "counts_differ"
        case .schemaDiffers: return "schema_differs"
        }
    }

    /// Refused before anything was written: the input (a folder, a manifest, a target) is at fault.
    public var isRefusal: Bool {
        switch self {
        case .toolFailed, .countsDiffer, .schemaDiffers: return false
        default: return true
        }
    }

    public var message: String {
        switch self {
        case .destinationExists(let path):
            return "«\(path)» ya existe; un respaldo no se escribe sobre otro: elija una carpeta nueva"
        case .destinationUnwritable(let path):
            return "no se puede escribir en «\(path)»"
        case .notCapacita:
            return
                "la base de datos no tiene el esquema de capacita (no hay schema_migration); ejecute capacita db migrate"
        case .toolMissing(let tool, let major):
            return
                "no se encontró \(tool) de PostgreSQL \(major) (/usr/lib/postgresql/\(major)/bin); instale postgresql-client-\(major)"
        case .badConnection(let reason):
            return reason
        case .manifestMissing(let path):
            return "no se puede leer el manifiesto «\(path)»"
        case .manifestTooLarge(let limit):
            return "el manifiesto pasa de \(limit) bytes: no es un manifiesto de capacita"
        case .manifestInvalid(let reason):
            return "manifiesto no válido: \(reason)"
        case .dumpMissing(let path):
            return "no se puede leer el respaldo «\(path)»"
        case .checksumMismatch:
            return
                "el respaldo no coincide con el SHA-256 de su manifiesto (alterado o incompleto); no se restauró nada"
        case .targetNotEmpty(let objects):
            return
                "la base de destino no está vacía (\(objects) tablas, vistas, secuencias o funciones en public, o un esquema de capacita); restaure en una base recién creada"
        case .missingRoles(let roles):
            return
                "al clúster de destino le faltan roles que el respaldo usa: \(roles.joined(separator: ", ")); créelos antes (docs/operations.md#restoring)"
        case .missingParameterGrant:
            return
                "capacita_definer no puede cambiar session_replication_role en el clúster de destino (GRANT SET ON PARAMETER); vea docs/operations.md#restoring"
        case .toolFailed(let tool, let status, let message):
            let said = message.isEmpty ? "" : ":\n" + message
            return "\(tool) terminó con estado \(status)\(said)"
        case .countsDiffer(let differences):
            return
                "la base restaurada no coincide con el manifiesto; no la use (bórrela y restaure de nuevo):\n"
                + differences.joined(separator: "\n")
        case .schemaDiffers(let expected, let found):
            return "la base restaurada tiene el esquema \(found) y el manifiesto dice \(expected); no la use"
        }
    }

    public var description: String { "\(message) [\(key)]" }
}

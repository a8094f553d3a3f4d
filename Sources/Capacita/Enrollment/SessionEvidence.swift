import CapacitaFiles

/// The kinds of scan a signed lista de asistencia may be kept as, told apart by their first bytes
/// (never by a name or a declared type): `%PDF-`, JPEG's FF D8 FF, PNG's eight-byte signature.
public enum EvidenceType: String, Sendable, CaseIterable, Equatable {
    case pdf = "application/pdf"
    case jpeg = "image/jpeg"
    case png = "image/png"

    /// The media type stored and answered.
    public var mediaType: String { rawValue }

    /// The bytes a file of this kind starts with.
    public var signature: [UInt8] {
        switch self {
        case .pdf: return Array("%PDF-".utf8)
        case .jpeg: return [0xFF, 0xD8, 0xFF]
        case .png: return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        }
    }

    /// The extension a download is named with.
    public var fileExtension: String {
        switch self {
        case .pdf: return "pdf"
        case .jpeg: return "jpg"
        case .png: return "png"
        }
    }

    /// For people: «PDF», «JPEG», «PNG».
    public var label: String { fileExtension == "jpg" ? "JPEG" : fileExtension.uppercased() }

    /// The kind `bytes` start as; nil for anything else (text, another format, a header cut short).
    public static func sniff<Bytes: Collection>(_ bytes: Bytes) -> EvidenceType? where Bytes.Element == UInt8 {
        allCases.first { bytes.starts(with: $0.signature) }
    }

    /// The longest signature: how many first bytes decide.
    public static let sniffLength = 8

    /// A stored media type read back.
    public init?(mediaType: String) {
        self.init(rawValue: mediaType)
    }
}

/// What a caller may do with a group's scans (db/migrations/0029's `session_evidence_access`
/// holds the same rule): `full` (see, download, attach, remove) for the Secretaría Técnica and
/// the enlace of the agency that organizes the group; `upload` (attach, and learn how many scans
/// each session has) for an instructor assigned to it. Anyone else, nothing: the service answers
/// 404, as for a group that does not exist (lists with personal data are reserved).
public enum EvidenceAccess: String, Sendable, Equatable {
    case full, upload

    public static func of(
        role: String, callerAgency: String?, organizer: String, assigned: Bool
    ) -> EvidenceAccess? {
        switch role {
        case "admin": return .full
        case "enlace": return callerAgency != nil && callerAgency == organizer ? .full : nil
        case "instructor": return assigned ? .upload : nil
        default: return nil
        }
    }

    public var seesFiles: Bool { self == .full }
    public var mayRemove: Bool { self == .full }
}

/// A scan of a signed list as kept: which session it belongs to, and what was received.
public struct SessionEvidence: Sendable, Equatable {
    public var id: Int64
    public var groupCode: String
    public var date: CalendarDate
    /// nil: the day's session of a group without a sessions file.
    public var startsAt: ClockTime?
    public var type: EvidenceType
    public var fileName: String
    public var size: Int
    public var sha256: String
    public var attachedBy: String
    /// UTC, `2024-03-04T17:05:00Z`.
    public var attachedAt: String

    public init(
        id: Int64, groupCode: String, date: CalendarDate, startsAt: ClockTime?, type: EvidenceType, fileName: String,
        size: Int, sha256: String, attachedBy: String, attachedAt: String
    ) {
        self.id = id
        self.groupCode = groupCode
        self.date = date
        self.startsAt = startsAt
        self.type = type
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
        self.attachedBy = attachedBy
        self.attachedAt = attachedAt
    }

    /// The code of the session it belongs to, as `GroupSession.code` writes it.
    public var sessionCode: String {
        GroupSession(groupCode: groupCode, date: date, startsAt: startsAt, endsAt: nil, place: nil, scheduled: false)
            .code
    }

    /// Whether it belongs to `session`.
    public func belongs(to session: GroupSession) -> Bool {
        session.groupCode == groupCode && session.date == date && session.startsAt == startsAt
    }

    /// The name a download is given: the name it came with, its extension made the one its bytes
    /// are (a PNG sent as `lista.pdf` downloads as `lista.png`), without the extension.
    public var downloadBaseName: String {
        let dot = fileName.lastIndex(of: ".")
        let base = dot.map { String(fileName[..<$0]) } ?? fileName
        return base.isEmpty ? "lista-\(sessionCode)" : base
    }

    /// The first characters of the SHA-256, for a person to compare.
    public var shortSHA256: String { String(sha256.prefix(12)) }

    /// The largest scan by default (`CAPACITA_MAX_EVIDENCE`, `--max-evidence`): a signed list of a
    /// few pages scanned at 300 dpi fits; a whole unsorted folder does not.
    public static let defaultMaxBytes: Int64 = 10 << 20

    /// The longest file name kept, in characters.
    public static let fileNameLimit = 100

    /// The name a scan is kept under: its last path component, letters (any alphabet), digits,
    /// spaces and `._-()` kept, anything else made `_`, cut to `fileNameLimit` characters, never
    /// starting with a dot; `lista-<session>.<ext>` when nothing is left or none was given.
    public static func fileName(_ given: String?, session: String, type: EvidenceType) -> String {
        let last = (given ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var kept = ""
        var lastWasSpace = false
        for scalar in last.unicodeScalars {
            let space = scalar.properties.isWhitespace
            if space {
                if !lastWasSpace && !kept.isEmpty { kept.unicodeScalars.append(" ") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            let keep =
                (scalar.properties.isAlphabetic && !scalar.properties.isDefaultIgnorableCodePoint)
                || ("0"..."9").contains(scalar) || "._-()".unicodeScalars.contains(scalar)
            kept.unicodeScalars.append(keep ? scalar : "_")
        }
        var name = String(kept.prefix(fileNameLimit))
        while name.first == "." || name.first == " " { name.removeFirst() }
        while name.last == " " { name.removeLast() }
        return name.isEmpty ? "lista-\(session).\(type.fileExtension)" : name
    }
}

/// How many scans a session has and when the last came: what an instructor of the group learns.
public struct EvidenceCount: Sendable, Equatable {
    public var date: CalendarDate
    public var startsAt: ClockTime?
    public var scans: Int
    public var lastAttachedAt: String

    public init(date: CalendarDate, startsAt: ClockTime?, scans: Int, lastAttachedAt: String) {
        self.date = date
        self.startsAt = startsAt
        self.scans = scans
        self.lastAttachedAt = lastAttachedAt
    }

    public func counts(_ session: GroupSession) -> Bool { session.date == date && session.startsAt == startsAt }
}

/// Why a scan is refused, with a stable English key and a Spanish message.
public enum EvidenceProblem: Error, Sendable, Equatable {
    /// No bytes.
    case empty
    /// Past the configured limit.
    case tooLarge(limit: Int64)
    /// Its first bytes are not a PDF's, a JPEG's or a PNG's.
    case type
    /// The declared Content-Type is not the one its bytes show (nil: not read yet, and the
    /// declared type is none of the three).
    case contentType(declared: String, found: EvidenceType?)
    /// The day has several sessions and none was named.
    case startRequired([ClockTime])

    public var key: String {
        switch self {
        case .empty: return "evidence_empty"
        case .tooLarge: return "evidence_too_large"
        case .type: return "evidence_type"
        case .contentType: return "evidence_content_type"
        case .startRequired: return "evidence_start_required"
        }
    }

    public var message: String {
        switch self {
        case .empty: return "el archivo está vacío; envíe el escaneo de la lista firmada"
        case .tooLarge(let limit):
            return "el archivo pasa del límite de \(Self.size(limit)); escanee a menor resolución o en partes"
        case .type: return "el archivo no es un PDF, un JPEG ni un PNG (se reconoce por sus primeros bytes)"
        case .contentType(let declared, let found?):
            return
                "el tipo declarado (\(declared.prefix(80))) no es el del archivo, que es \(found.label); envíelo sin Content-Type o con \(found.mediaType)"
        case .contentType(let declared, nil):
            return
                "el tipo declarado (\(declared.prefix(80))) no es application/pdf, image/jpeg ni image/png; envíelo sin Content-Type o con el suyo"
        case .startRequired(let starts):
            return
                "ese día el grupo tiene varias sesiones; indique la hora de inicio (\(starts.map(\.description).joined(separator: ", ")))"
        }
    }

    /// «10 MB», «512 KB», «800 bytes».
    public static func size(_ bytes: Int64) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 20 {
            let tenths = (bytes * 10 + (1 << 19)) >> 20
            return "\(tenths / 10).\(tenths % 10) MB"
        }
        if bytes >= 1 << 10 { return "\((bytes + (1 << 9)) >> 10) KB" }
        return "\(bytes) bytes"
    }
}

/// The checks a scan passes before it is kept, whoever sends it (the API, the pages, the command
/// line): not empty, within the limit, a PDF, JPEG or PNG by its first bytes, and of the type its
/// sender declared, if any.
public enum EvidenceCheck {
    /// A declared Content-Type: none (absent, empty or `application/octet-stream`), one of the
    /// three (with the usual aliases), or another.
    public enum Declared: Sendable, Equatable {
        case none
        case type(EvidenceType)
        case other(String)
    }

    public static func declared(_ header: String?) -> Declared {
        let bare =
            (header ?? "").split(separator: ";", maxSplits: 1).first.map(String.init)?.trimmingSpaces().lowercased()
            ?? ""
        switch bare {
        case "", "application/octet-stream", "binary/octet-stream": return .none
        case "application/pdf", "application/x-pdf": return .type(.pdf)
        case "image/jpeg", "image/jpg", "image/pjpeg": return .type(.jpeg)
        case "image/png", "image/x-png": return .type(.png)
        default: return .other(String(bare.prefix(80)))
        }
    }

    /// What can be refused before a byte is read: a declared type that is none of the three, a
    /// declared length past the limit.
    public static func beforeReading(declaredType: String?, declaredLength: Int64?, limit: Int64)
        throws(EvidenceProblem)
    {
        if case .other(let other) = declared(declaredType) { throw .contentType(declared: other, found: nil) }
        if let declaredLength, declaredLength > limit { throw .tooLarge(limit: limit) }
        if declaredLength == 0 { throw .empty }
    }

    /// The type of `bytes`, or why they are refused.
    public static func check(_ bytes: [UInt8], declaredType: String?, limit: Int64) throws(EvidenceProblem)
        -> EvidenceType
    {
        guard !bytes.isEmpty else { throw .empty }
        guard Int64(bytes.count) <= limit else { throw .tooLarge(limit: limit) }
        guard let found = EvidenceType.sniff(bytes) else {
            if case .other(let other) = declared(declaredType) { throw .contentType(declared: other, found: nil) }
            throw .type
        }
        switch declared(declaredType) {
        case .none: return found
        case .type(let type) where type == found: return found
        case .type(let type): throw .contentType(declared: type.mediaType, found: found)
        case .other(let other): throw .contentType(declared: other, found: found)
        }
    }
}

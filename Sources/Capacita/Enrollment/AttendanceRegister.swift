import CapacitaFiles
import Foundation

/// A participant's mark in one session: asistió, no asistió, or justificada.
public enum AttendanceMark: String, Sendable, CaseIterable, Codable {
    case present
    case absent
    case excused

    /// A cell as people write it, without case or accents: `sí`, `si`, `1`, `asistió`; `no`, `0`,
    /// `faltó`; `justificada`; and the stable keys the register answers with (`present`,
    /// `absent`, `excused`), so a register downloaded as JSON or CSV reads back.
    public static func parse(_ text: String) -> AttendanceMark? {
        guard text.utf8.count <= wordLimit else { return nil }
        switch NameKey.make(text) {
        case "si", "1", "asistio", "presente", "present": return .present
        case "no", "0", "falto", "ausente", "no asistio", "absent": return .absent
        case "justificada", "justificado", "falta justificada", "excused": return .excused
        default: return nil
        }
    }

    /// The longest cell read as a mark ("falta justificada" with room to spare).
    static let wordLimit = 40

    /// The word a register file writes: `sí`, `no`, `justificada`.
    public var word: String {
        switch self {
        case .present: return "sí"
        case .absent: return "no"
        case .excused: return "justificada"
        }
    }

    /// What a person reads: `asistió`, `no asistió`, `falta justificada`.
    public var label: String {
        switch self {
        case .present: return "asistió"
        case .absent: return "no asistió"
        case .excused: return "falta justificada"
        }
    }
}

/// A participant's marks among the sessions that count for them, and the percentage the course's
/// rule makes of them. The SQL function `attendance_percent` (db/migrations/0027) applies the same
/// rule to many rows at once; a test keeps both equal.
public struct AttendanceTally: Sendable, Equatable {
    /// Sessions marked asistió.
    public var present: Int
    /// Sessions marked justificada.
    public var excused: Int
    /// The sessions that count for the participant (see `AttendanceRegister`); those not marked
    /// asistió or justificada were absences, marked or not.
    public var counted: Int

    public init(present: Int, excused: Int, counted: Int) {
        self.present = present
        self.excused = excused
        self.counted = counted
    }

    public var absent: Int { max(0, counted - present - excused) }

    /// The attendance percentage, rounded to `Exact.percentPlaces`; nil when no session counts
    /// (none has been marked yet, or every one counted was justified and the rule leaves those out).
    public func percent(_ rule: JustifiedAbsences) -> Decimal? {
        let (attended, of): (Int, Int)
        switch rule {
        case .asistencia: (attended, of) = (present + excused, counted)
        case .falta: (attended, of) = (present, counted)
        case .excluida: (attended, of) = (present, counted - excused)
        }
        guard of > 0 else { return nil }
        return Exact.round(Decimal(100 * attended) / Decimal(of), places: Exact.percentPlaces)
    }
}

/// A group's attendance register as the caller may read it: the group's sessions, its
/// participants (as row-level security shows them), and each one's mark per session.
///
/// A session counts for a participant once anyone of the participant's agency in the group has a
/// mark in it; a session nobody of that agency has been marked in is not counted yet, and a
/// participant without a mark in a session that counts was absent. Counting per agency keeps each
/// agency's figures to its own people's marks: another agency's marks never change them, and an
/// enlace, who reads only its own people, computes the same figures the database stores.
public struct AttendanceRegister: Sendable {
    public struct Participant: Sendable, Equatable {
        public var curp: Curp
        public var name: PersonName
        public var agencyCode: String
        public var status: EnrollmentStatus
        /// The stored percentage the passing rule used: the register's once the participant's
        /// agency has marks in the group, the results file's before.
        public var attendance: Double?
        /// One per session of the register, in order; nil: not marked.
        public var marks: [AttendanceMark?]

        public init(
            curp: Curp, name: PersonName, agencyCode: String, status: EnrollmentStatus, attendance: Double?,
            marks: [AttendanceMark?]
        ) {
            self.curp = curp
            self.name = name
            self.agencyCode = agencyCode
            self.status = status
            self.attendance = attendance
            self.marks = marks
        }
    }

    public var listing: GroupListing
    public var rule: JustifiedAbsences
    public var sessions: [GroupSession]
    public var participants: [Participant]
    public var disclosure: CURPDisclosure

    public init(
        listing: GroupListing, rule: JustifiedAbsences, sessions: [GroupSession], participants: [Participant],
        disclosure: CURPDisclosure
    ) {
        self.listing = listing
        self.rule = rule
        self.sessions = sessions
        self.participants = participants
        self.disclosure = disclosure
    }

    /// A stored mark: who, which session (its day, and its start when the group has a sessions
    /// file), and what.
    public struct StoredMark: Sendable, Equatable {
        public var curp: String
        public var date: CalendarDate
        public var startsAt: ClockTime?
        public var mark: AttendanceMark

        public init(curp: String, date: CalendarDate, startsAt: ClockTime?, mark: AttendanceMark) {
            self.curp = curp
            self.date = date
            self.startsAt = startsAt
            self.mark = mark
        }
    }

    /// The register of `roster` over `sessions` with the marks stored; a mark that names no listed
    /// session or person is left out.
    public static func build(
        listing: GroupListing, rule: JustifiedAbsences, sessions: [GroupSession], roster: [RosterEntry],
        marks: [StoredMark], disclosure: CURPDisclosure
    ) -> AttendanceRegister {
        var column: [SessionKey: Int] = [:]
        for (index, session) in sessions.enumerated() {
            column[SessionKey(date: session.date, startsAt: session.startsAt)] = index
        }
        var byPerson: [String: [AttendanceMark?]] = [:]
        for mark in marks {
            guard let index = column[SessionKey(date: mark.date, startsAt: mark.startsAt)] else { continue }
            byPerson[mark.curp, default: Array(repeating: nil, count: sessions.count)][index] = mark.mark
        }
        let participants = roster.map { entry in
            Participant(
                curp: entry.curp, name: entry.name, agencyCode: entry.agencyCode, status: entry.result.status,
                attendance: entry.result.attendance,
                marks: byPerson[entry.curp.value] ?? Array(repeating: nil, count: sessions.count))
        }
        return AttendanceRegister(
            listing: listing, rule: rule, sessions: sessions, participants: participants, disclosure: disclosure)
    }

    /// A session by its day and start (none for a day of a group without a sessions file).
    struct SessionKey: Hashable {
        var date: CalendarDate
        var startsAt: ClockTime?
    }

    /// Whether anyone has been marked in any session.
    public var isKept: Bool { participants.contains { $0.marks.contains { $0 != nil } } }

    /// The sessions (by index) that count for the people of `agency`: those in which anyone of
    /// the agency has a mark.
    public func countedSessions(agency: String) -> Set<Int> {
        var counted: Set<Int> = []
        for participant in participants where participant.agencyCode == agency {
            for (index, mark) in participant.marks.enumerated() where mark != nil { counted.insert(index) }
        }
        return counted
    }

    /// A participant's marks among the sessions that count for them; nil when their agency has no
    /// mark in the group yet (the results file's percentage stands), and for a baja.
    public func tally(_ participant: Participant) -> AttendanceTally? {
        guard participant.status != .baja else { return nil }
        let counted = countedSessions(agency: participant.agencyCode)
        guard !counted.isEmpty else { return nil }
        var tally = AttendanceTally(present: 0, excused: 0, counted: counted.count)
        for index in counted {
            switch participant.marks[index] {
            case .present: tally.present += 1
            case .excused: tally.excused += 1
            case .absent, nil: break
            }
        }
        return tally
    }

    /// The percentage the register gives a participant under the course's rule.
    public func percent(_ participant: Participant) -> Decimal? {
        tally(participant)?.percent(rule)
    }
}

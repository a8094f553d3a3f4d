import Capacita
import Foundation

// A group's attendance register: `GET /v1/groups/{code}/attendance`, `capacita attendance show`.

extension AttendanceRegister: Report {
    public var body: AttendanceRegisterJSON { AttendanceRegisterJSON(self) }

    /// One row per participant, one column per session (its code), then the counts and percentages.
    public var sheets: [ReportSheet] {
        let columns =
            ["curp", "name", "agency"] + sessions.map(\.code)
            + ["present", "absent", "excused", "counted", "percent", "attendance", "attendance_source", "status"]
        let rows = participants.map { participant -> [Cell] in
            let tally = tally(participant)
            let head: [Cell] = [
                .text(
                    disclosure.reveals(agency: participant.agencyCode)
                        ? participant.curp.value : participant.curp.masked),
                .text(participant.name.full), .text(participant.agencyCode),
            ]
            let marks: [Cell] = participant.marks.map { $0.map { .code($0.rawValue) } ?? .null }
            let counts: [Cell] = [
                tally.map { .int($0.present) } ?? .null, tally.map { .int($0.absent) } ?? .null,
                tally.map { .int($0.excused) } ?? .null, tally.map { .int($0.counted) } ?? .null,
                percent(participant).map { .percentage(.percent($0)) } ?? .null,
                Rounded(participant.attendance, places: Exact.percentPlaces).map(Cell.percentage) ?? .null,
                source(participant).map(Cell.code) ?? .null, .code(participant.status.rawValue),
            ]
            return head + marks + counts
        }
        return [
            ReportSheet(
                "Asistencia \(listing.group.code)",
                caption:
                    "Registro de asistencia del grupo \(listing.group.code): una columna por sesión; justificadas: \(Labels.value("justified_\(rule.rawValue)"))",
                Table(columns: columns, rows: rows))
        ]
    }

    public var fileName: String { "asistencia-\(listing.group.code)" }

    /// Where a participant's stored attendance comes from: the register once their agency has
    /// marks in the group, the results file before; nil without either (and for a baja).
    public func source(_ participant: Participant) -> String? {
        guard participant.status != .baja else { return nil }
        if tally(participant) != nil { return "register" }
        return participant.attendance == nil ? nil : "imported"
    }
}

/// The register as JSON: the sessions in order, and per participant one mark per session (null:
/// not marked), the counts among the sessions that count for them, the register's percentage
/// under the course's rule (`percent`), and the stored percentage the passing rule used
/// (`attendance`, with `attendance_source`).
public struct AttendanceRegisterJSON: Encodable {
    public struct SessionJSON: Encodable {
        public var session: String
        public var date: String
        public var startsAt: String?
        public var endsAt: String?

        enum CodingKeys: String, CodingKey {
            case session, date
            case startsAt = "starts_at"
            case endsAt = "ends_at"
        }
    }

    public struct ParticipantJSON: Encodable {
        public var curp: String
        public var name: String
        public var agency: String
        public var status: String
        public var marks: [String?]
        public var present: Int?
        public var absent: Int?
        public var excused: Int?
        public var counted: Int?
        public var percent: Rounded?
        public var attendance: Rounded?
        public var attendanceSource: String?

        enum CodingKeys: String, CodingKey {
            case curp, name, agency, status, marks, present, absent, excused, counted, percent, attendance
            case attendanceSource = "attendance_source"
        }
    }

    public var group: String
    public var course: String?
    public var justifiedAbsences: String
    /// Whether anyone has been marked yet (among the participants the caller reads).
    public var kept: Bool
    public var sessions: [SessionJSON]
    public var participants: [ParticipantJSON]

    enum CodingKeys: String, CodingKey {
        case group, course, kept, sessions, participants
        case justifiedAbsences = "justified_absences"
    }

    public init(_ register: AttendanceRegister) {
        group = register.listing.group.code
        course = register.listing.group.courseCode
        justifiedAbsences = register.rule.rawValue
        kept = register.isKept
        sessions = register.sessions.map {
            SessionJSON(
                session: $0.code, date: $0.date.description, startsAt: $0.startsAt?.description,
                endsAt: $0.endsAt?.description)
        }
        participants = register.participants.map { participant in
            let tally = register.tally(participant)
            return ParticipantJSON(
                curp: register.disclosure.reveals(agency: participant.agencyCode)
                    ? participant.curp.value : participant.curp.masked,
                name: participant.name.full, agency: participant.agencyCode, status: participant.status.rawValue,
                marks: participant.marks.map { $0?.rawValue }, present: tally?.present, absent: tally?.absent,
                excused: tally?.excused, counted: tally?.counted,
                percent: register.percent(participant).map(Rounded.percent),
                attendance: Rounded(participant.attendance, places: Exact.percentPlaces),
                attendanceSource: register.source(participant))
        }
    }
}

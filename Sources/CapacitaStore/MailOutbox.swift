import Foundation
import Postgres

/// A message to send: to whom, its subject, and the same content as plain text and HTML (Spanish,
/// with a link and a name, never a CURP, a password or a token).
public struct OutgoingMail: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case invitation
        case passwordReset = "password_reset"
        case test
        case groupAssignment = "group_assignment"
        case participantLink = "participant_link"
    }

    public var recipient: String
    public var subject: String
    public var text: String
    public var html: String
    public var kind: Kind

    public init(recipient: String, subject: String, text: String, html: String, kind: Kind) {
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.html = html
        self.kind = kind
    }
}

/// The outbox (db/migrations/0019): messages written in the transaction that causes them, and
/// delivered later by whoever claims them. Only definer functions touch the table.
///
/// Delivery is claim, send, record: `claim` commits a lease on each message it returns (so call
/// it outside any transaction), the caller sends, then `sent` or `failed` records the outcome. Two
/// deliverers never claim the same message while its lease stands; one that dies mid-send leaves
/// the message to be claimed again when the lease ends.
public struct MailOutbox {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The database refused the message: an address, subject or body it does not take.
        case refused
        /// Claiming inside an open transaction: the lease would not be seen until it commits.
        case insideTransaction

        public var description: String {
            switch self {
            case .refused:
                return
                    "el mensaje no se puede poner en la cola: el destinatario, el asunto o el texto no son válidos"
            case .insideTransaction: return "los mensajes se reclaman fuera de una transacción"
            }
        }
    }

    /// Queues `message` in the connection's current transaction, if there is one: it is sent only
    /// if that transaction commits. Returns its id.
    @discardableResult
    public func enqueue(_ message: OutgoingMail) throws -> Int64 {
        do {
            guard
                let id = try connection.query(
                    "SELECT mail_enqueue($1, $2, $3, $4, $5)",
                    [message.recipient, message.subject, message.text, message.html, message.kind.rawValue]
                ).scalar(Int64.self)
            else { throw Problem.refused }
            return id
        } catch let error as PostgresError where error.sqlState == "23514" || error.sqlState == "22001" {
            throw Problem.refused
        }
    }

    /// A message claimed for sending, with its bodies.
    public struct Claimed: Sendable, Equatable {
        public var id: Int64
        public var recipient: String
        public var subject: String
        public var text: String
        public var html: String
        public var kind: String
        /// Attempts made before this one.
        public var attempts: Int
    }

    /// Claims up to `limit` messages due by `dueBy` (now, by the database's clock, when nil) with
    /// an id above `after`, each leased for `lease`, in a transaction of its own that commits
    /// before this returns. Only a connection acting for no one may claim (42501 otherwise).
    public func claim(limit: Int, lease: Duration, dueBy: Date? = nil, after: Int64 = 0) throws -> [Claimed] {
        guard connection.isIdle else { throw Problem.insideTransaction }
        return try connection.withTransaction { connection in
            try connection.query(
                """
                SELECT id, recipient, subject, body_text, body_html, kind, attempts
                FROM mail_claim($1, make_interval(secs => $2::double precision), coalesce($3::timestamptz, now()), $4)
                ORDER BY id
                """,
                [limit, Double(lease.components.seconds), dueBy, after]
            ).map { row in
                Claimed(
                    id: try row.decode("id"), recipient: try row.decode("recipient"),
                    subject: try row.decode("subject"), text: try row.decode("body_text"),
                    html: try row.decode("body_html"), kind: try row.decode("kind"),
                    attempts: try row.decode("attempts"))
            }
        }
    }

    /// Records that message `id` went out; false when it was already sent or given up.
    @discardableResult
    public func sent(_ id: Int64) throws -> Bool {
        try connection.query("SELECT mail_sent($1)", [id]).scalar(Bool.self) ?? false
    }

    /// Records a failed attempt: tried again at `retryAt`, or given up (then `retryAt` is not
    /// needed). `error` is kept, cut to 500 characters; it must not carry an address or a body.
    @discardableResult
    public func failed(_ id: Int64, error: String, retryAt: Date?, giveUp: Bool) throws -> Bool {
        try connection.query(
            "SELECT mail_failed($1, $2, $3, $4)", [id, String(error.prefix(500)), retryAt, giveUp]
        ).scalar(Bool.self) ?? false
    }

    /// A message not sent: waiting (`pending`), being sent (`sending`) or given up (`failed`).
    public struct Listed: Sendable, Equatable, Encodable {
        public var id: Int64
        public var recipient: String
        public var subject: String
        public var kind: String
        public var status: String
        public var attempts: Int
        public var createdAt: Date
        /// When it is tried next; nil once given up.
        public var nextAttemptAt: Date?
        public var failedAt: Date?
        public var lastError: String?
    }

    /// What is not sent, oldest first, without the bodies: for the Secretaría Técnica and the
    /// operator (42501 for anyone else).
    public func list(limit: Int = 1000) throws -> [Listed] {
        try connection.query(
            """
            SELECT id, recipient, subject, kind, status, attempts, created_at, next_attempt_at, failed_at, last_error
            FROM mail_list($1)
            """,
            [limit]
        ).map { row in
            Listed(
                id: try row.decode("id"), recipient: try row.decode("recipient"), subject: try row.decode("subject"),
                kind: try row.decode("kind"), status: try row.decode("status"), attempts: try row.decode("attempts"),
                createdAt: try row.decode("created_at"), nextAttemptAt: try row.decode("next_attempt_at"),
                failedAt: try row.decode("failed_at"), lastError: try row.decode("last_error"))
        }
    }
}

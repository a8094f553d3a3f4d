import CapacitaStore
import Foundation

/// The participants' own page (`/mis-constancias`, db/migrations/0039): how long a mailed link and
/// the session it opens last, and how many links a client address and a CURP may ask for in a
/// window. Read once at start (`capacita serve`: the environment), with these defaults:
/// - a link lasts 30 minutes (CAPACITA_PARTICIPANT_LINK_MINUTES, 5 to 1440): long enough for a
///   mail that arrives late, short enough that a link left in a mailbox soon means nothing;
/// - a session lasts 30 minutes (CAPACITA_PARTICIPANT_SESSION_MINUTES, 5 to 480): enough to read the
///   page and download the PDFs, short on a computer another person uses next; the person asks for
///   another link after it;
/// - 20 requests per client address (CAPACITA_PARTICIPANT_REQUESTS_PER_ADDRESS, 1 to 10000) and 3
///   per CURP (CAPACITA_PARTICIPANT_REQUESTS_PER_CURP, 1 to 100) in an hour
///   (CAPACITA_PARTICIPANT_WINDOW_MINUTES, 1 to 1440): an office behind one address may have many
///   people asking; one person who mistyped the e-mail asks again once or twice, and no one's inbox
///   gets more than three of these messages an hour. Both count every request, matching or not,
///   so reaching a limit tells nothing about a CURP.
public struct ParticipantSettings: Sendable, Equatable {
    public var linkLifetime: Duration
    public var sessionLifetime: Duration
    public var requestsPerAddress: Int
    public var requestsPerCurp: Int
    public var window: Duration

    public init(
        linkLifetime: Duration = .seconds(30 * 60), sessionLifetime: Duration = .seconds(30 * 60),
        requestsPerAddress: Int = 20, requestsPerCurp: Int = 3, window: Duration = .seconds(3600)
    ) {
        self.linkLifetime = linkLifetime
        self.sessionLifetime = sessionLifetime
        self.requestsPerAddress = requestsPerAddress
        self.requestsPerCurp = requestsPerCurp
        self.window = window
    }

    public var limits: ParticipantStore.Limits {
        ParticipantStore.Limits(perAddress: requestsPerAddress, perCurp: requestsPerCurp, window: window)
    }

    public struct ConfigurationProblem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The settings the environment asks for; the defaults for what it leaves unset; an error for a
    /// value set but out of its range.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationProblem) -> ParticipantSettings
    {
        func number(_ name: String, _ range: ClosedRange<Int>) throws(ConfigurationProblem) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationProblem(description: "\(name) va de \(range.lowerBound) a \(range.upperBound)")
            }
            return value
        }
        var settings = ParticipantSettings()
        if let minutes = try number("CAPACITA_PARTICIPANT_LINK_MINUTES", 5...1440) {
            settings.linkLifetime = .seconds(minutes * 60)
        }
        if let minutes = try number("CAPACITA_PARTICIPANT_SESSION_MINUTES", 5...480) {
            settings.sessionLifetime = .seconds(minutes * 60)
        }
        if let count = try number("CAPACITA_PARTICIPANT_REQUESTS_PER_ADDRESS", 1...10_000) {
            settings.requestsPerAddress = count
        }
        if let count = try number("CAPACITA_PARTICIPANT_REQUESTS_PER_CURP", 1...100) {
            settings.requestsPerCurp = count
        }
        if let minutes = try number("CAPACITA_PARTICIPANT_WINDOW_MINUTES", 1...1440) {
            settings.window = .seconds(minutes * 60)
        }
        return settings
    }
}

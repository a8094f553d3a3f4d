/// A participant as the group and course reports show them.
public struct RosterEntry: Sendable, Equatable {
    public var groupCode: String
    public var curp: Curp
    public var name: PersonName
    public var tier: Tier
    public var agencyCode: String
    public var result: ParticipantResult

    public init(
        groupCode: String, curp: Curp, name: PersonName, tier: Tier, agencyCode: String, result: ParticipantResult
    ) {
        self.groupCode = groupCode
        self.curp = curp
        self.name = name
        self.tier = tier
        self.agencyCode = agencyCode
        self.result = result
    }
}

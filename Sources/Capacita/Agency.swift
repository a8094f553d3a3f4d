/// An agency (instancia) of the registry: a member of the Commission or another body that trains.
public struct Agency: Sendable, Equatable, Codable {
    /// Short stable code (SEGOB, SICT, …) used everywhere else.
    public var code: String
    /// The current official name.
    public var name: String
    /// Former names and short forms; files that use them still resolve.
    public var formerNames: [String]
    public var order: GovernmentOrder
    /// A state code (see `StateCode`) for state and municipal bodies; nil for federal ones.
    public var state: String?
    /// Whether it is one of the members counted in TII of Parámetro 4.2.
    public var countsInIndicator: Bool

    public init(
        code: String, name: String, formerNames: [String] = [], order: GovernmentOrder,
        state: String? = nil, countsInIndicator: Bool
    ) {
        self.code = code
        self.name = name
        self.formerNames = formerNames
        self.order = order
        self.state = state
        self.countsInIndicator = countsInIndicator
    }

    /// Every name the agency answers to: its code, its name and its former names.
    public var allNames: [String] { [code, name] + formerNames }
}

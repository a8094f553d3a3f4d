/// An account as lists show it: never its password, its second factor's secret or its links.
public struct AccountListing: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var name: String
    /// admin, enlace or instructor.
    public var role: String
    public var agency: String?
    /// The groups an instructor teaches.
    public var groups: [String]
    public var active: Bool
    public var createdBy: String
    public var createdAt: String
    public var lastSignInAt: String?
    public var twoFactor: Bool

    public init(
        id: Int64, email: String, name: String, role: String, agency: String?, groups: [String], active: Bool,
        createdBy: String, createdAt: String, lastSignInAt: String?, twoFactor: Bool
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.agency = agency
        self.groups = groups
        self.active = active
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastSignInAt = lastSignInAt
        self.twoFactor = twoFactor
    }
}

/// An enlace's invitation of an instructor to their agency's groups, as the enlace reads it: what
/// they asked, never whether the e-mail already had an account.
public struct InstructorInvitation: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var name: String
    public var groups: [String]
    public var invitedBy: String
    public var createdAt: String

    public init(id: Int64, email: String, name: String, groups: [String], invitedBy: String, createdAt: String) {
        self.id = id
        self.email = email
        self.name = name
        self.groups = groups
        self.invitedBy = invitedBy
        self.createdAt = createdAt
    }
}

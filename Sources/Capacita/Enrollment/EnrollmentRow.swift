/// One valid row of an enrollment file: a person and the group they join.
public struct EnrollmentRow: Sendable, Equatable {
    public var line: Int
    public var curp: Curp
    public var givenNames: String
    public var firstSurname: String
    public var secondSurname: String?
    public var sex: Sex
    public var email: String?
    public var agencyCode: String
    public var tier: Tier
    public var position: String?
    public var groupCode: String

    public init(
        line: Int, curp: Curp, givenNames: String, firstSurname: String, secondSurname: String?, sex: Sex,
        email: String?, agencyCode: String, tier: Tier, position: String?, groupCode: String
    ) {
        self.line = line
        self.curp = curp
        self.givenNames = givenNames
        self.firstSurname = firstSurname
        self.secondSurname = secondSurname
        self.sex = sex
        self.email = email
        self.agencyCode = agencyCode
        self.tier = tier
        self.position = position
        self.groupCode = groupCode
    }
}

/// One line of the audit log: who wrote what, when, under which request.
public struct AuditEntry: Sendable, Equatable, Encodable {
    public var id: Int64
    public var at: String
    public var user: String
    public var role: String
    public var agency: String?
    public var action: String
    public var target: String?
    public var batch: Int64?
    public var requestID: String?
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case id, at, user, role, agency, action, target, batch, detail
        case requestID = "request_id"
    }

    public init(
        id: Int64, at: String, user: String, role: String, agency: String?, action: String, target: String?,
        batch: Int64?, requestID: String?, detail: String?
    ) {
        self.id = id
        self.at = at
        self.user = user
        self.role = role
        self.agency = agency
        self.action = action
        self.target = target
        self.batch = batch
        self.requestID = requestID
        self.detail = detail
    }
}

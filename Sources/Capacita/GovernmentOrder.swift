/// The order of government an agency belongs to.
public enum GovernmentOrder: String, Sendable, Codable, CaseIterable {
    case federal
    case estatal
    case municipal
}

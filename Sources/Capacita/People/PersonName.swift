/// A person's name as Mexican records write it: given names and two surnames, the second optional.
public struct PersonName: Sendable, Equatable, Codable {
    public var givenNames: String
    public var firstSurname: String
    public var secondSurname: String?

    public init(givenNames: String, firstSurname: String, secondSurname: String?) {
        self.givenNames = givenNames
        self.firstSurname = firstSurname
        self.secondSurname = secondSurname
    }

    /// "Gloria Hernández García".
    public var full: String {
        [givenNames, firstSurname, secondSurname ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// "Gloria H. G.": enough to recognize a holder, not to identify a stranger.
    public var withSurnameInitials: String {
        let initials = [firstSurname, secondSurname ?? ""].compactMap { $0.first.map { "\($0)." } }
        return ([givenNames] + initials).joined(separator: " ")
    }
}

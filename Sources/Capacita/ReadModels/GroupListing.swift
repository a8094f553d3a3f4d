/// A group as listed and shown: its data and how many people it holds. Read by the store, shown
/// by every front end; it lives in the domain so the renderers need no database.
public struct GroupListing: Sendable, Equatable {
    public var group: TrainingGroup
    public var courseTitle: String?
    public var enrolled: Int
    public var acreditados: Int
    public var bajas: Int

    public init(group: TrainingGroup, courseTitle: String?, enrolled: Int, acreditados: Int, bajas: Int) {
        self.group = group
        self.courseTitle = courseTitle
        self.enrolled = enrolled
        self.acreditados = acreditados
        self.bajas = bajas
    }
}

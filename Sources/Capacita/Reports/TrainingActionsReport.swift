/// The 2010-2012 programme's indicator for a series of years (`TrainingActionsIndicator`): its
/// card, with the options it was asked with.
public struct TrainingActionsReport: Sendable, Equatable {
    public var series: ClosedRange<Int>
    public var card: TrainingActionsCard

    public init(series: ClosedRange<Int>, card: TrainingActionsCard) {
        self.series = series
        self.card = card
    }
}

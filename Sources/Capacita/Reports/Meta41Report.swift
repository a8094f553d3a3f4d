/// Meta 4.1 (`Meta41`): the card of one year and the series of years, with the programmed actions'
/// sources as the card names them.
public struct Meta41Report: Sendable, Equatable {
    /// The card's year.
    public var card: Meta41Year
    public var series: ClosedRange<Int>
    public var years: [Meta41Year]

    public init(card: Meta41Year, series: ClosedRange<Int>, years: [Meta41Year]) {
        self.card = card
        self.series = series
        self.years = years
    }

    /// The series a card shows when none is asked for: from the goal's first year to the card's
    /// (the card's year alone when it is earlier).
    public static func defaultSeries(year: Int) -> ClosedRange<Int> {
        min(Meta41.firstYear, year)...year
    }
}

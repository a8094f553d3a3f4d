import Foundation

/// How reports write numbers: exact decimals rounded to a fixed, documented number of places,
/// never a binary float's artefacts (`5.56`, not `5.5600000000000005`). The places are data
/// here, in one spot, so every report and the service show one value one way.
public enum Exact {
    /// Percentages (coverage, Parámetro 4.2, projections), scores and their means.
    public static let percentPlaces = 2
    /// Ratios between 0 and 1: learning gains and pass rates.
    public static let ratioPlaces = 4
    /// Hours in the catalog and on constancias.
    public static let hourPlaces = 2

    /// `value` rounded half away from zero to `places` decimals.
    public static func round(_ value: Decimal, places: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .plain)
        return output
    }

    /// A binary float as the exact decimal of its value rounded to `places`: the float's own
    /// digits decide, through its shortest correct rendering, not its nearest binary neighbour.
    public static func decimal(_ value: Double, places: Int) -> Decimal? {
        guard value.isFinite else { return nil }
        return Decimal(string: String(format: "%.\(places)f", value), locale: Locale(identifier: "en_US_POSIX"))
            .map { round($0, places: places) }
    }

    /// Fixed places, as a person reads it: `5.00`, `53.85`, `0.6367`.
    public static func text(_ value: Decimal, places: Int) -> String {
        let rounded = round(value, places: places)
        var text = NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
        guard places > 0 else { return text }
        if let dot = text.firstIndex(of: ".") {
            let have = text.distance(from: text.index(after: dot), to: text.endIndex)
            text += String(repeating: "0", count: max(0, places - have))
        } else {
            text += "." + String(repeating: "0", count: places)
        }
        return text
    }

    /// At most `places`, trailing zeros dropped: `72.5` hours, `40` hours.
    public static func shortText(_ value: Decimal, places: Int) -> String {
        NSDecimalNumber(decimal: round(value, places: places)).description(
            withLocale: Locale(identifier: "en_US_POSIX"))
    }
}

/// A number that JSON carries exactly, rounded to its places: `{"percent": 5.56}`.
public struct Rounded: Sendable, Equatable, Encodable, CustomStringConvertible {
    public let value: Decimal
    public let places: Int

    public init(_ value: Decimal, places: Int) {
        self.value = Exact.round(value, places: places)
        self.places = places
    }

    public init?(_ value: Double?, places: Int) {
        guard let value, let decimal = Exact.decimal(value, places: places) else { return nil }
        self.init(decimal, places: places)
    }

    public static func percent(_ value: Decimal) -> Rounded { Rounded(value, places: Exact.percentPlaces) }

    /// Fixed places, for people.
    public var description: String { Exact.text(value, places: places) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

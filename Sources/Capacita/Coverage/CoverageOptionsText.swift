import CapacitaFiles
import Foundation

/// The readings of Parámetro 4.2 as people type them: the command line's flags and the service's
/// query parameters go through here, so both accept and refuse the same values with the same words.
public struct CoverageOptionProblem: Error, Sendable, Equatable {
    /// The option's name without dashes: threshold, rule, window or levels.
    public var option: String
    /// Spanish, without the option's name (each edge names it its own way).
    public var message: String
}

extension CoverageOptions {
    /// nil leaves an option at its default.
    public static func parse(
        threshold: String?, rule: String?, window: String?, levels: String?, courses: String? = nil
    ) -> Result<CoverageOptions, CoverageOptionProblem> {
        var options = CoverageOptions()
        if let courses {
            guard let value = Courses(rawValue: courses.trimmingSpaces().lowercased()) else {
                return .failure(.init(option: "courses", message: "todos o aprobados"))
            }
            options.courses = value
        }
        if let threshold {
            guard
                let value = Decimal(
                    string: threshold.replacingOccurrences(of: ",", with: "."),
                    locale: Locale(identifier: "en_US_POSIX")),
                value > 0, value <= 100, threshold.count <= 20
            else {
                return .failure(.init(option: "threshold", message: "debe ser un porcentaje mayor que 0 y hasta 100"))
            }
            options.threshold = value
        }
        if let rule {
            guard let value = Rule(rawValue: rule) else {
                return .failure(.init(option: "rule", message: "each-tier o all-tiers"))
            }
            options.rule = value
        }
        if let window {
            guard let value = Window(rawValue: window) else {
                return .failure(.init(option: "window", message: "cumulative o annual"))
            }
            options.window = value
        }
        if let levels {
            var chosen: Set<Level> = []
            for name in levels.split(separator: ",") {
                guard let level = Level(rawValue: NameKey.header(String(name.prefix(40)))) else {
                    return .failure(
                        .init(
                            option: "levels",
                            message:
                                "nivel desconocido «\(name.prefix(40))» (válidos: \(Level.allCases.map(\.rawValue).joined(separator: ", ")))"
                        ))
                }
                chosen.insert(level)
            }
            options.levels = chosen
        }
        return .success(options)
    }
}

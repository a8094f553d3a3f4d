import CapacitaFiles
import Foundation

/// National totals of a year's fichas, as the 2019-2022 diagnostic reported them.
public struct FichaSummary: Sendable, Equatable, Encodable {
    public var year: Int
    public var total: Int
    public var byOrder: [String: Int]
    public var bySex: [String: Int]
    public var edad: [String: Int]
    public var escolaridad: [String: Int]
    public var area: [String: Int]
    public var necesidades: [String: Int]
    /// Agencies that answered.
    public var answered: [String]
    /// Counted member agencies that have not answered.
    public var missing: [String]

    enum CodingKeys: String, CodingKey {
        case year, total
        case byOrder = "by_order"
        case bySex = "by_sex"
        case edad, escolaridad, area, necesidades, answered, missing
    }

    public static func of(year: Int, fichas: [Ficha], agencies: [Agency]) -> FichaSummary {
        let orders = Dictionary(uniqueKeysWithValues: agencies.map { ($0.code, $0.order) })
        func add(_ keys: [String], _ pick: (Ficha) -> [String: Int]) -> [String: Int] {
            var result = Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })
            for ficha in fichas { for (key, value) in pick(ficha) { result[key, default: 0] += value } }
            return result
        }
        var byOrder = Dictionary(uniqueKeysWithValues: GovernmentOrder.allCases.map { ($0.rawValue, 0) })
        for ficha in fichas { byOrder[(orders[ficha.agencyCode] ?? .federal).rawValue, default: 0] += ficha.total }
        let answered = Set(fichas.map(\.agencyCode))
        return FichaSummary(
            year: year, total: fichas.reduce(0) { $0 + $1.total }, byOrder: byOrder,
            bySex: [
                "hombres": fichas.reduce(0) { $0 + $1.hombres }, "mujeres": fichas.reduce(0) { $0 + $1.mujeres },
                "otro": fichas.reduce(0) { $0 + $1.otro },
            ],
            edad: add(FichaShape.ageRanges, \.edad), escolaridad: add(FichaShape.education, \.escolaridad),
            area: add(FichaShape.areas, \.area), necesidades: add(FichaShape.needs, \.necesidades),
            answered: answered.sorted(),
            missing: agencies.filter { $0.countsInIndicator && !answered.contains($0.code) }.map(\.code).sorted())
    }
}

/// Which course level serves each need a ficha names (data: db/seed/ficha-niveles.csv).
public struct NeedLevels: Sendable, Equatable {
    public var levels: [String: Level]

    public init(_ levels: [String: Level]) {
        self.levels = levels
    }

    public static func parse(_ bytes: [UInt8]) -> Result<NeedLevels, ImportIssues> {
        let document = CSVDocument(
            bytes: bytes, specs: [ColumnSpec("necesidad", required: true), ColumnSpec("nivel", required: true)])
        var issues = document.issues
        var levels: [String: Level] = [:]
        for row in document.rows {
            let need = NameKey.header(row["necesidad"])
            guard FichaShape.needs.contains(need) else {
                issues.append(
                    ImportIssue(
                        line: row.line, column: "necesidad", value: row["necesidad"],
                        message: "necesidad desconocida (válidas: \(FichaShape.needs.joined(separator: ", ")))"))
                continue
            }
            guard let level = Level(rawValue: NameKey.header(row["nivel"])) else {
                issues.append(
                    ImportIssue(
                        line: row.line, column: "nivel", value: row["nivel"], message: "nivel de curso desconocido"))
                continue
            }
            levels[need] = level
        }
        return issues.isEmpty ? .success(NeedLevels(levels)) : .failure(ImportIssues(issues))
    }
}

/// A projection from a year's fichas: the groups each agency's needs would take, and how far
/// training everyone in its puestos would take it toward Parámetro 4.2's threshold per tier.
public struct FichaPlan: Sendable, Equatable {
    public struct GroupNeed: Sendable, Equatable {
        public var agencyCode: String
        public var need: String
        public var level: Level?
        public var people: Int
        /// The smallest maximum group size among the program's courses of that level.
        public var groupSize: Int?
        public var groups: Int?
    }

    public struct TierProjection: Sendable, Equatable {
        public var agencyCode: String
        public var tier: Tier
        public var headcount: Int?
        public var trainedNow: Int
        public var toTrain: Int
        public var projected: TierCoverage?
    }

    public var groups: [GroupNeed]
    public var tiers: [TierProjection]

    public static func make(
        fichas: [Ficha], catalog: Catalog, program: Program, needLevels: NeedLevels,
        headcounts: [String: Headcount], trained: [TrainedCount], threshold: Decimal
    ) -> FichaPlan {
        var groups: [GroupNeed] = []
        var tiers: [TierProjection] = []
        var trainedBy: [String: [Tier: Int]] = [:]
        for count in trained { trainedBy[count.agencyCode, default: [:]][count.tier, default: 0] += count.people }
        for ficha in fichas.sorted(by: { $0.agencyCode < $1.agencyCode }) {
            for need in FichaShape.needs {
                let people = ficha.necesidades[need] ?? 0
                guard people > 0 else { continue }
                let level = needLevels.levels[need]
                let size = level.flatMap { level in
                    catalog.courses.filter { $0.program == program && $0.level == level }.map(\.maxGroupSize).min()
                }
                groups.append(
                    GroupNeed(
                        agencyCode: ficha.agencyCode, need: need, level: level, people: people, groupSize: size,
                        groups: size.map { (people + $0 - 1) / $0 }))
            }
            let toTrain = ficha.peopleByTier
            for tier in Tier.allCases {
                let now = trainedBy[ficha.agencyCode]?[tier] ?? 0
                let headcount = headcounts[ficha.agencyCode]?[tier]
                tiers.append(
                    TierProjection(
                        agencyCode: ficha.agencyCode, tier: tier, headcount: headcount, trainedNow: now,
                        toTrain: toTrain[tier] ?? 0,
                        projected: headcount.map {
                            CoverageCalculator.tier(
                                headcount: $0, trained: now + (toTrain[tier] ?? 0), threshold: threshold)
                        }))
            }
        }
        return FichaPlan(groups: groups, tiers: tiers)
    }
}

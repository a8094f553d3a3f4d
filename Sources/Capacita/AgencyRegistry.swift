import CapacitaFiles

/// Resolves what people write in a "dependencia" cell (a code, a current or former name, any case,
/// with or without accents) to an agency code.
public struct AgencyRegistry: Sendable {
    public let agencies: [Agency]
    private let byKey: [String: [String]]

    public init(_ agencies: [Agency]) {
        self.agencies = agencies
        var byKey: [String: [String]] = [:]
        for agency in agencies {
            for name in agency.allNames {
                let key = NameKey.make(name)
                guard !key.isEmpty else { continue }
                if !(byKey[key, default: []].contains(agency.code)) { byKey[key, default: []].append(agency.code) }
            }
        }
        self.byKey = byKey
    }

    public enum Resolution: Sendable, Equatable {
        case found(Agency)
        /// The name belongs to more than one agency.
        case ambiguous([Agency])
        /// No agency has that name; the closest known names, best first.
        case unknown(suggestions: [Suggestion])
    }

    public struct Suggestion: Sendable, Equatable {
        public var code: String
        public var name: String
    }

    public func agency(code: String) -> Agency? {
        agencies.first { $0.code == code }
    }

    /// Longer than any agency's name: such a text is not compared (edit distance grows with its
    /// length times each name's), only refused.
    public static let longestName = 200

    public func resolve(_ text: String) -> Resolution {
        guard text.count <= Self.longestName else { return .unknown(suggestions: []) }
        let key = NameKey.make(text)
        let codes = byKey[key] ?? []
        let matches = codes.compactMap { agency(code: $0) }
        switch matches.count {
        case 1: return .found(matches[0])
        case 0: return .unknown(suggestions: suggestions(for: key))
        default: return .ambiguous(matches)
        }
    }

    /// The closest names by edit distance, one per agency, best first: only names within a
    /// quarter of the query's length (at least 2 edits), and only those about as close as the
    /// best, so a near miss ("Secretaría de Comunicasiones") names one agency, not three.
    public func suggestions(for key: String, limit: Int = 3) -> [Suggestion] {
        var best: [String: (distance: Int, name: String)] = [:]
        let words = " \(key) "
        for agency in agencies {
            for name in agency.allNames {
                let candidate = NameKey.make(name)
                // A name typed short is compared with the start of each known name as well.
                var distance = min(
                    EditDistance.between(key, candidate),
                    EditDistance.between(key, String(candidate.prefix(key.count))) + 1)
                // A name that holds the query, or is held in it as whole words, is as close as a typo.
                if !key.isEmpty, candidate.contains(key) || words.contains(" \(candidate) ") {
                    distance = min(distance, abs(candidate.count - key.count) / 4)
                }
                if let current = best[agency.code], current.distance <= distance { continue }
                best[agency.code] = (distance, name)
            }
        }
        let reach = max(2, key.count / 4)
        let ranked = best.filter { $0.value.distance <= reach }
            .sorted { ($0.value.distance, $0.key) < ($1.value.distance, $1.key) }
        guard let closest = ranked.first?.value.distance else { return [] }
        return ranked.filter { $0.value.distance <= closest + 1 }
            .prefix(limit)
            .map { Suggestion(code: $0.key, name: $0.value.name) }
    }

    /// What a file's cell names: the agency, or the message for the enlace (unknown names come
    /// with the closest known ones).
    public func lookup(_ text: String) -> Result<Agency, AgencyLookupFailure> {
        switch resolve(text) {
        case .found(let agency): return .success(agency)
        case .ambiguous:
            return .failure(AgencyLookupFailure(message: "el nombre corresponde a más de una instancia; use su código"))
        case .unknown(let suggestions):
            let hint =
                suggestions.isEmpty
                ? "" : "; ¿quiso decir " + suggestions.map { "\($0.code) (\($0.name))" }.joined(separator: ", ") + "?"
            return .failure(AgencyLookupFailure(message: "instancia desconocida" + hint))
        }
    }
}

/// Why a cell names no single agency, in Spanish.
public struct AgencyLookupFailure: Error, Sendable, Equatable {
    public var message: String
}

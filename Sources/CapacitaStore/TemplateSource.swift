import Capacita
import Postgres

/// The values a template's drop-downs offer, read from the registry, the catalog and the groups
/// when it is written: the CLI's `capacita template` and the service share it.
public struct TemplateSource {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// `agency` narrows dependencia to that agency and grupo to its groups starting in `year`;
    /// without it a template offers every agency and no group list (there may be thousands).
    public func lists(_ kind: TemplateKind, tiers: TierTable, agency: String?, year: Int) throws -> TemplateLists {
        let agencies = try AgencyStore(connection: connection).agencies()
        let offered = agency.map { code in agencies.filter { $0.code == code } } ?? agencies
        var values: [TemplateList: [String]] = [
            .tiers: tiers.entries.map(\.label) + Tier.allCases.map(\.rawValue),
            .sexes: Sex.allCases.map(\.rawValue),
            .agencies: offered.map(\.code),
            .kinds: TrainingKind.allCases.map(\.rawValue),
            .modalities: Modality.allCases.map(\.rawValue),
            .formats: EventFormat.allCases.map(\.rawValue),
            .states: StateCode.names.keys.filter { $0 != StateCode.bornAbroad }.sorted(),
        ]
        if kind == .groups { values[.courses] = try CatalogStore(connection: connection).courses().map(\.code) }
        if let agency, kind == .enroll || kind == .results {
            values[.groups] = try GroupStore(connection: connection).list(year: year, agency: agency).map(\.group.code)
        }
        return TemplateLists(
            values: values, agencyNames: Dictionary(uniqueKeysWithValues: offered.map { ($0.code, $0.name) }),
            agency: agency)
    }
}

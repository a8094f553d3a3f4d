/// One stored version of an agency's ficha for a year, current or superseded.
public struct FichaVersion: Sendable, Equatable {
    public var version: Int
    public var ficha: Ficha
    public var sourceFile: String
    public var importedAt: String
    public var supersededAt: String?

    public init(version: Int, ficha: Ficha, sourceFile: String, importedAt: String, supersededAt: String?) {
        self.version = version
        self.ficha = ficha
        self.sourceFile = sourceFile
        self.importedAt = importedAt
        self.supersededAt = supersededAt
    }
}

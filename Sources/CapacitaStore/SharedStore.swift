import Postgres
import Synchronization

/// The store as a server shares it: async calls that run the synchronous stores on a pooled
/// connection acting for the caller, and a cap on imports running at once (each takes 256 MB of
/// work_mem and a connection for its whole length).
public final class SharedStore: Sendable {
    public let pool: ConnectionPool
    public let maxConcurrentImports: Int
    private let importsRunning = Mutex(0)

    public init(pool: ConnectionPool, maxConcurrentImports: Int) {
        self.pool = pool
        self.maxConcurrentImports = maxConcurrentImports
    }

    /// Runs `body` with a connection whose every transaction acts for `identity`.
    public func run<T: Sendable>(as identity: Identity?, _ body: @escaping @Sendable (Connection) throws -> T)
        async throws -> T
    {
        try await pool.withConnection(settings: identity?.settings ?? [], body)
    }

    /// Like `run`, for an import: refused with `PoolError.busy` at once when the cap is reached.
    public func runImport<T: Sendable>(as identity: Identity?, _ body: @escaping @Sendable (Connection) throws -> T)
        async throws -> T
    {
        try await reservingImport { try await self.run(as: identity, body) }
    }

    /// Holds one of the import places for the whole of `body` (the service receives the upload and
    /// imports it inside), or refuses with `PoolError.busy` at once: a full service takes no body.
    public func reservingImport<T>(_ body: () async throws -> T) async throws -> T {
        let admitted = importsRunning.withLock { running -> Bool in
            guard running < maxConcurrentImports else { return false }
            running += 1
            return true
        }
        guard admitted else { throw PoolError.busy }
        defer { importsRunning.withLock { $0 -= 1 } }
        return try await body()
    }
}

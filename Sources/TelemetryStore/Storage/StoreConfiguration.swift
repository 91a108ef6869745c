/// How the store trades speed for safety.
package struct StoreConfiguration: Sendable, Equatable {
    /// With `true` (the default) every update is flushed with `fsync` of the new file and of
    /// its directory before it is acknowledged, so an acknowledged batch survives power loss.
    /// With `false` a crash of the process still leaves the old or the new document (rename is
    /// atomic), but a power loss may lose the last seconds of updates.
    package var durable: Bool
    /// How long an update waits for another writer's lock before giving up with
    /// ``StorageError/lockTimeout(path:waitedMilliseconds:)``.
    package var lockTimeoutMilliseconds: Int
    /// When the journal is folded into `aggregate.json` (see ``AggregateStore``).
    package var compaction: CompactionPolicy

    /// The defaults, which the settings table (`--durability`, `--lock-timeout-ms`) shows.
    package static let defaultDurable = true
    package static let defaultLockTimeoutMilliseconds = 5000

    package init(
        durable: Bool = defaultDurable,
        lockTimeoutMilliseconds: Int = defaultLockTimeoutMilliseconds,
        compaction: CompactionPolicy = CompactionPolicy()
    ) {
        self.durable = durable
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
        self.compaction = compaction
    }
}

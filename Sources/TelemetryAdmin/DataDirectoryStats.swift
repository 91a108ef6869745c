import SystemCalls
package import TelemetryStore

/// Size and activity of a data directory at a glance, for capacity planning and for noticing
/// a receiver that stopped receiving (the newest update is old).
package struct DataDirectoryStats: Sendable, Equatable, Codable {
    /// A user and one of its values.
    package struct UserFact<Value: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
        package let user: String
        package let value: Value
    }

    /// Directories under `users/` named by a user id and holding a `user.json`.
    package var users = 0
    /// Users with an `aggregate.json`.
    package var aggregates = 0
    /// Regular files anywhere under the data directory (symbolic links are not followed).
    package var files = 0
    /// Their total size.
    package var totalBytes: Int64 = 0
    /// The largest `aggregate.json` and its size in bytes.
    package var largestAggregate: UserFact<Int64>?
    /// The user whose aggregate changed least recently, and when.
    package var oldestUpdate: UserFact<String>?
    /// The user whose aggregate changed most recently, and when.
    package var newestUpdate: UserFact<String>?
    /// Aggregates that could not be decoded (see `claude-telemetry verify`).
    package var unreadableAggregates = 0
    /// Requests that named no user: parked now, parked in all, installations bound.
    package var unattributed: AttributionSummary?

    package init() {}

    /// Walks the data directory. Only listing the users directory can fail; unreadable
    /// aggregates are counted, not thrown.
    package static func collect(directory: DataDirectory, limits: AggregationLimits = AggregationLimits()) throws(StorageError)
        -> DataDirectoryStats
    {
        var stats = DataDirectoryStats()
        walk(directory.root, into: &stats)
        stats.unattributed = try? InstallationAttribution(ingestor: TelemetryIngestor(directory: directory)).summary()

        let store = AggregateStore(directory: directory, limits: limits)
        for user in try UserStore(directory: directory).knownUsers() {
            stats.users += 1
            guard let size = regularFileSize(directory.aggregatePath(user)) else { continue }
            stats.aggregates += 1
            if size > stats.largestAggregate?.value ?? -1 {
                stats.largestAggregate = UserFact(user: user.rawValue, value: size)
            }
            let document: AggregateDocument?
            do {
                document = try store.read(user)
            } catch {
                stats.unreadableAggregates += 1
                continue
            }
            // Timestamps are fixed-width ISO 8601 UTC, so text order is time order.
            guard let updatedAt = document?.updatedAt else { continue }
            if updatedAt < stats.oldestUpdate?.value ?? "\u{10FFFF}" {
                stats.oldestUpdate = UserFact(user: user.rawValue, value: updatedAt)
            }
            if updatedAt > stats.newestUpdate?.value ?? "" {
                stats.newestUpdate = UserFact(user: user.rawValue, value: updatedAt)
            }
        }
        return stats
    }

    private static func walk(_ path: String, into stats: inout DataDirectoryStats) {
        guard let names = try? FileSystem.contents(of: path) else { return }
        for name in names {
            let child = path + "/" + name
            var info = stat()
            guard lstat(child, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                stats.files += 1
                stats.totalBytes += Int64(info.st_size)
            case S_IFDIR:
                walk(child, into: &stats)
            default:
                continue
            }
        }
    }

    private static func regularFileSize(_ path: String) -> Int64? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}

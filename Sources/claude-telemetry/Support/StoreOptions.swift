import ArgumentParser
import Foundation
import TelemetryStore

/// Where the data is. Every command takes it; the value is resolved by the core's
/// ``RuntimeSettings`` (flag, then environment), exactly as the responder does, so both
/// always agree on the directory. With neither, the directory the running service recorded
/// (``ServiceRecord/discover()``) is used, and said so on stderr.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong(Settings.dataDir.flag),
        help: StoreOptions.help("The data directory holding users/<uuid>/.", Settings.dataDir, valueName: "dir"))
    var dataDir: String?

    /// The resolved settings. `locking` carries the flags of commands that write; `retentionDays`
    /// and `timeZone` are the prune command's own flags. Unless `mayCreate`, the data directory
    /// must exist: a mistyped path should fail loudly, not look like a directory without users.
    func settings(
        locking: LockingOptions? = nil, retentionDays: String? = nil, timeZone: String? = nil, mayCreate: Bool = false
    ) throws -> RuntimeSettings {
        var flags: [String: String] = [:]
        flags[Settings.dataDir.flag] = dataDir
        flags[Settings.timeZone.flag] = timeZone
        flags[Settings.durability.flag] = locking?.durability
        flags[Settings.lockTimeout.flag] = locking?.lockTimeoutMilliseconds
        flags[Settings.retentionDays.flag] = retentionDays
        // Only the settings this tool uses are read from the environment: a responder-only
        // variable (threads, body size, log level) shared in the same environment must not
        // make admin commands fail.
        let used = [Settings.dataDir, Settings.durability, Settings.lockTimeout, Settings.retentionDays, Settings.timeZone]
            .map(\.environment)
        let environment = ProcessInfo.processInfo.environment.filter { used.contains($0.key) }
        if flags[Settings.dataDir.flag] == nil && (environment[Settings.dataDir.environment] ?? "").isEmpty {
            // Neither given: the data directory of the service running here, as it recorded it.
            guard let (record, path) = ServiceRecord.discover() else {
                throw AdminError.invalidArgument(
                    "no data directory: give --\(Settings.dataDir.flag) DIR or set \(Settings.dataDir.environment) "
                        + "(or start the service, e.g. scripts/run-service.sh, which records its data directory)")
            }
            Console.error("using data directory \(record.dataDirectory) (recorded by the running service in \(path))")
            flags[Settings.dataDir.flag] = record.dataDirectory
        }
        let settings = try RuntimeSettings(flags: flags, environment: environment)
        var isDirectory: ObjCBool = false
        if !mayCreate
            && !(FileManager.default.fileExists(atPath: settings.dataDirectory.root, isDirectory: &isDirectory)
                && isDirectory.boolValue)
        {
            throw AdminError.invalidArgument(
                "data directory \(settings.dataDirectory.root) does not exist (check --\(Settings.dataDir.flag) or \(Settings.dataDir.environment))"
            )
        }
        return settings
    }

    /// Help text with the setting's environment variable and default, which come from the core.
    static func help(_ text: String, _ setting: Setting, valueName: String) -> ArgumentHelp {
        let fallback = setting.defaultValue.map { ", default \($0)" } ?? ""
        return ArgumentHelp("\(text) [env \(setting.environment)\(fallback)]", valueName: valueName)
    }
}

/// How commands that take users' locks and write their files behave: the same settings, with
/// the same environment variables, as the responder's.
struct LockingOptions: ParsableArguments {
    @Option(
        name: .customLong(Settings.durability.flag),
        help: StoreOptions.help(
            "durable: fsync every write; fast: rename only.", Settings.durability,
            valueName: "durable|fast"))
    var durability: String?

    @Option(
        name: .customLong(Settings.lockTimeout.flag),
        help: StoreOptions.help(
            "Longest wait for a user's lock, e.g. while the responder writes.",
            Settings.lockTimeout, valueName: "ms"))
    var lockTimeoutMilliseconds: String?
}

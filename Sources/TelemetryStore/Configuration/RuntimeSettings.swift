/// Settings resolved and checked, ready for use by the responder and the admin tool.
package struct RuntimeSettings: Sendable, Equatable {
    package var dataDirectory: DataDirectory
    package var threads: Int
    package var maxBodyBytes: Int
    package var store: StoreConfiguration
    package var limits: AggregationLimits
    package var logLevel: String
    /// How long a FastCGI connection may take to deliver its request or take its answer.
    package var requestTimeoutMilliseconds: Int
    /// Bytes the request bodies in flight may hold per process (see `MemoryBudget`).
    package var memoryBudgetBytes: Int
    /// Estimated bytes of memory the cache of current documents may hold per process.
    package var documentCacheBytes: Int
    package var unattributed: UnattributedPolicy
    /// `--trust-client-email yes`: a `user.email` match binds an installation (never under refuse).
    package var trustClientEmail: Bool

    /// Resolves every setting from `flags` (flag name without dashes → value), then the
    /// environment, then defaults. Throws ``SettingsError`` naming the offending setting.
    package init(flags: [String: String], environment: [String: String]) throws(SettingsError) {
        func value(_ setting: Setting) -> String? {
            Settings.value(setting, flag: flags[setting.flag], environment: environment)
        }
        func integer(_ setting: Setting, in range: ClosedRange<Int>) throws(SettingsError) -> Int {
            let text = value(setting) ?? ""
            guard let number = Int(text), range.contains(number) else {
                throw .invalid(setting, text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        guard let directory = value(Settings.dataDir), !directory.isEmpty else { throw .missing(Settings.dataDir) }
        dataDirectory = DataDirectory(directory)
        threads = try integer(Settings.threads, in: 1...256)
        maxBodyBytes = try integer(Settings.maxBodyBytes, in: 1024...(1 << 30))
        let durability = value(Settings.durability) ?? "durable"
        guard durability == "durable" || durability == "fast" else {
            throw .invalid(Settings.durability, durability, expected: "durable or fast")
        }
        store = StoreConfiguration(
            durable: durability == "durable",
            lockTimeoutMilliseconds: try integer(Settings.lockTimeout, in: 1...600_000))
        limits = AggregationLimits()
        limits.days = try integer(Settings.retentionDays, in: 1...36_500)
        limits.teamAttributeKeys = try TeamAttributeKeys.parse(value(Settings.teamAttributes) ?? "")
        let zoneName = value(Settings.timeZone) ?? "UTC"
        guard let zone = DayZone(identifier: zoneName) else {
            throw .invalid(
                Settings.timeZone, zoneName,
                expected: "an IANA time zone name of the system's tz database, such as UTC or Europe/Berlin")
        }
        limits.dayZone = zone
        let level = value(Settings.logLevel) ?? "info"
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
            throw .invalid(Settings.logLevel, level, expected: "trace, debug, info, notice, warning, error or critical")
        }
        logLevel = level
        requestTimeoutMilliseconds = try integer(Settings.requestTimeout, in: 100...3_600_000)
        memoryBudgetBytes = try integer(Settings.memoryBudget, in: 1024...(1 << 40))
        documentCacheBytes = try integer(Settings.documentCache, in: 0...(1 << 40))
        let policy = value(Settings.unattributed) ?? "park"
        guard let unattributed = UnattributedPolicy(rawValue: policy) else {
            throw .invalid(Settings.unattributed, policy, expected: "park or refuse")
        }
        self.unattributed = unattributed
        let trust = value(Settings.trustClientEmail) ?? "no"
        guard trust == "yes" || trust == "no" else {
            throw .invalid(Settings.trustClientEmail, trust, expected: "yes or no")
        }
        trustClientEmail = trust == "yes" && unattributed == .park
    }
}

package enum SettingsError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(Setting)
    case invalid(Setting, String, expected: String)

    package var description: String {
        switch self {
        case .missing(let setting):
            return "--\(setting.flag) (or \(setting.environment)) is required: \(setting.summary)"
        case .invalid(let setting, let value, let expected):
            return "--\(setting.flag) (or \(setting.environment)) '\(value)' is invalid: expected \(expected)"
        }
    }
}

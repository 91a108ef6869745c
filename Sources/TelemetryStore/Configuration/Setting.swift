import TelemetryDecoding

/// One configurable setting: its command-line flag, its environment variable and its default.
/// The list in ``Settings/all`` is the single source for `--help`, the README and parsing.
package struct Setting: Sendable, Equatable {
    /// The flag without dashes, e.g. `data-dir` for `--data-dir`.
    package let flag: String
    package let environment: String
    /// nil when the setting has no default and must be given.
    package let defaultValue: String?
    package let summary: String

    /// The default of a setting whose default is a whole number, for the types that need it
    /// before any settings are read (``StoreConfiguration``, ``OTLPDecoder``, ``AggregationLimits``),
    /// so that the table stays the one place a default is written.
    package var defaultInteger: Int {
        guard let text = defaultValue, let number = Int(text) else {
            preconditionFailure("--\(flag) has no whole-number default")
        }
        return number
    }

    /// The default as `--help` and the README show it.
    package var defaultDescription: String {
        guard let defaultValue else { return "required" }
        return defaultValue.isEmpty ? "none" : defaultValue
    }
}

package enum Settings {
    package static let dataDir = Setting(
        flag: "data-dir", environment: "CLAUDE_TELEMETRY_DATA_DIR", defaultValue: nil,
        summary: "data directory holding users/<uuid>/")
    package static let threads = Setting(
        flag: "threads", environment: "CLAUDE_TELEMETRY_THREADS", defaultValue: "2",
        summary: "worker threads per responder process, each with its own FastCGI request")
    package static let maxBodyBytes = Setting(
        flag: "max-body-bytes", environment: "CLAUDE_TELEMETRY_MAX_BODY_BYTES",
        defaultValue: String(OTLPDecoder.defaultMaxBodyBytes),
        summary: "largest request body, before and after decompression (413 beyond)")
    package static let durability = Setting(
        flag: "durability", environment: "CLAUDE_TELEMETRY_DURABILITY",
        defaultValue: StoreConfiguration.defaultDurable ? "durable" : "fast",
        summary:
            "durable: fsync file and directory before answering; fast: rename only (a crash of the machine may lose the last seconds)"
    )
    package static let lockTimeout = Setting(
        flag: "lock-timeout-ms", environment: "CLAUDE_TELEMETRY_LOCK_TIMEOUT_MS",
        defaultValue: String(StoreConfiguration.defaultLockTimeoutMilliseconds),
        summary: "longest wait for a user's lock before answering 503 with Retry-After")
    package static let retentionDays = Setting(
        flag: "retention-days", environment: "CLAUDE_TELEMETRY_RETENTION_DAYS",
        defaultValue: String(AggregationLimits.defaultDays),
        summary: "daily buckets kept per user (totals keep everything)")
    package static let logLevel = Setting(
        flag: "log-level", environment: "CLAUDE_TELEMETRY_LOG_LEVEL", defaultValue: "info",
        summary: "trace, debug, info, notice, warning, error or critical; info logs one line per request")

    package static let requestTimeout = Setting(
        flag: "request-timeout-ms", environment: "CLAUDE_TELEMETRY_REQUEST_TIMEOUT_MS", defaultValue: "10000",
        summary: "longest time a FastCGI connection may take to deliver its request (parameters and body), to take its answer, "
            + "or to stay idle; a slower or silent peer is cut off (408, or the connection closed) and costs one worker at most this long"
    )
    package static let memoryBudget = Setting(
        flag: "memory-budget-bytes", environment: "CLAUDE_TELEMETRY_MEMORY_BUDGET_BYTES", defaultValue: "67108864",
        summary: "request bodies in flight per process, each counted 3 times its Content-Length; a body beyond it is answered "
            + "503 with Retry-After before it is read (one body is always admitted when none is in flight)")
    package static let documentCache = Setting(
        flag: "document-cache-bytes", environment: "CLAUDE_TELEMETRY_DOCUMENT_CACHE_BYTES",
        defaultValue: String(DocumentCache.defaultCapacityBytes),
        summary: "estimated memory per process for the users' current documents, so that a user's next write need not read "
            + "their files; more spares CPU on misses over many users with long histories, 0 caches nothing")
    package static let unattributed = Setting(
        flag: "unattributed", environment: "CLAUDE_TELEMETRY_UNATTRIBUTED", defaultValue: "park",
        summary:
            "requests with no user in URL or headers from an unbound installation: park (keep until `claude-telemetry user claim`) or refuse (401)"
    )
    package static let trustClientEmail = Setting(
        flag: "trust-client-email", environment: "CLAUDE_TELEMETRY_TRUST_CLIENT_EMAIL", defaultValue: "no",
        summary: "yes: a request naming no user whose user.email equals a user's email binds its installation to that user "
            + "(the client sends the email and anyone can send any email: only where every client is trusted; never under "
            + "--unattributed refuse); no: an email match is only shown as the suggested owner in `claude-telemetry unclaimed`")
    package static let teamAttributes = Setting(
        flag: "team-attributes", environment: "CLAUDE_TELEMETRY_TEAM_ATTRIBUTES", defaultValue: "",
        summary: "comma-separated attribute keys (e.g. department,team.id) whose last value is kept per user, "
            + "to group users in the team summary (at most 16; none by default)")

    package static let timeZone = Setting(
        flag: "timezone", environment: "CLAUDE_TELEMETRY_TIMEZONE", defaultValue: "UTC",
        summary: "IANA time zone of the system's tz database (e.g. America/Los_Angeles) in which new data is cut into days, "
            + "weeks (from Monday) and months, and in which reads and budgets count today")

    package static let all: [Setting] = [
        dataDir, threads, maxBodyBytes, durability, lockTimeout, retentionDays, logLevel, requestTimeout, memoryBudget,
        documentCache, unattributed, trustClientEmail, teamAttributes, timeZone,
    ]

    /// The value to use: the flag's if given, else the environment's, else the default.
    package static func value(_ setting: Setting, flag: String?, environment: [String: String]) -> String? {
        if let flag { return flag }
        if let fromEnvironment = environment[setting.environment], !fromEnvironment.isEmpty { return fromEnvironment }
        return setting.defaultValue
    }
}

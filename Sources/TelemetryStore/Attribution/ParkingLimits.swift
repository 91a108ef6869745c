/// The bounds of the parked area, where requests with no user in URL or headers (or naming a
/// user id no user has) wait for a `claude-telemetry user claim`. Everything a stranger can
/// send is bounded, and no single client address can take more than its share: beyond a
/// bound a new request is answered 503 with a `Retry-After` Claude Code honours
/// (``retryAfterSeconds``), and parked data older than ``maxAgeSeconds`` is deleted.
package struct ParkingLimits: Sendable, Equatable {
    /// Sources (installations, unknown user ids) with parked data at once.
    package var maxInstallations = 100
    /// Parked bytes (on disk) per source.
    package var maxBytesPerInstallation = 64 * 1024 * 1024
    /// Parked bytes (on disk) in all.
    package var maxTotalBytes = 1024 * 1024 * 1024
    /// Age after which a parked request is deleted unclaimed.
    package var maxAgeSeconds: UInt64 = 30 * 86_400
    /// The window over which one client address's share is counted.
    package var shareWindowSeconds: UInt64 = 3600
    /// New sources one client address may start parking per window.
    package var maxNewInstallationsPerAddress = 10
    /// Bytes (on disk) one client address may park per window.
    package var maxBytesPerAddress = 64 * 1024 * 1024
    /// Client addresses whose shares are remembered at once (the index stays bounded).
    package var maxAddresses = 4096
    /// What an exporter is told to wait before retrying when a bound is reached: Claude Code
    /// drops a 503 whose `Retry-After` is 10 s or more, and retries for about 8 s.
    package var retryAfterSeconds = 5

    package init() {}
}

/// The bounds of the parked area, where requests with no user in URL or headers wait for a
/// `claude-telemetry user claim`. Everything a stranger can send is bounded; beyond a bound a
/// new request is answered 503 with `Retry-After` (exporters retry it), and parked data older
/// than ``maxAgeSeconds`` is deleted.
public struct ParkingLimits: Sendable, Equatable {
    /// Installations with parked data at once.
    public var maxInstallations = 100
    /// Parked bytes (bodies as received) per installation.
    public var maxBytesPerInstallation = 64 * 1024 * 1024
    /// Parked bytes in all.
    public var maxTotalBytes = 1024 * 1024 * 1024
    /// Age after which a parked request is deleted unclaimed.
    public var maxAgeSeconds: UInt64 = 30 * 86_400
    /// What an exporter is told to wait before retrying when a bound is reached.
    public var retryAfterSeconds = 600

    public init() {}
}

import TelemetryDecoding
import TelemetryStore

/// Everything the request handler needs to know, shared by the FastCGI and CGI front ends.
public struct ServiceConfiguration: Sendable {
    public var dataDirectory: DataDirectory
    public var store: StoreConfiguration
    public var limits: AggregationLimits
    /// Largest request body, before and after decompression.
    public var maxBodyBytes: Int
    /// What happens to requests with no user in URL or headers from an unbound installation.
    public var unattributed: UnattributedPolicy
    public var parking: ParkingLimits
    /// `--trust-client-email`: a request's `user.email` may bind its installation (never under refuse).
    public var trustClientEmail: Bool

    public init(
        dataDirectory: DataDirectory, store: StoreConfiguration = StoreConfiguration(),
        limits: AggregationLimits = AggregationLimits(), maxBodyBytes: Int = OTLPDecoder.defaultMaxBodyBytes,
        unattributed: UnattributedPolicy = .park, parking: ParkingLimits = ParkingLimits(),
        trustClientEmail: Bool = false
    ) {
        self.trustClientEmail = trustClientEmail
        self.dataDirectory = dataDirectory
        self.store = store
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
        self.unattributed = unattributed
        self.parking = parking
    }
}

import TelemetryDecoding
package import TelemetryStore

/// Everything the request handler needs to know, shared by the FastCGI and CGI front ends.
package struct ServiceConfiguration: Sendable {
    package var dataDirectory: DataDirectory
    package var store: StoreConfiguration
    package var limits: AggregationLimits
    /// Largest request body, before and after decompression.
    package var maxBodyBytes: Int
    /// What happens to requests with no user in URL or headers from an unbound installation.
    package var unattributed: UnattributedPolicy
    package var parking: ParkingLimits
    /// `--trust-client-email`: a request's `user.email` may bind its installation (never under refuse).
    package var trustClientEmail: Bool

    package init(
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

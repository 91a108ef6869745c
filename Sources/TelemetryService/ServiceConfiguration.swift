import TelemetryCore

/// Everything the request handler needs to know, shared by the FastCGI and CGI front ends.
public struct ServiceConfiguration: Sendable {
    public var dataDirectory: DataDirectory
    public var store: StoreConfiguration
    public var limits: AggregationLimits
    /// Largest request body, before and after decompression.
    public var maxBodyBytes: Int

    public init(dataDirectory: DataDirectory, store: StoreConfiguration = StoreConfiguration(),
                limits: AggregationLimits = AggregationLimits(), maxBodyBytes: Int = OTLPDecoder.defaultMaxBodyBytes) {
        self.dataDirectory = dataDirectory
        self.store = store
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
    }
}

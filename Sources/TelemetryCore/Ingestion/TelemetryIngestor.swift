/// The core's entry point for one export request: check the user, decode the body, and fold
/// it into the user's aggregate. Decoding happens before any file is touched, so a bad body
/// changes nothing on disk.
public struct TelemetryIngestor: Sendable {
    public let users: UserStore
    public let store: AggregateStore
    public let decoder: OTLPDecoder
    public let metrics: MetricsAggregator
    public let logs: LogsAggregator

    public init(directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration(),
                limits: AggregationLimits = AggregationLimits(), decoder: OTLPDecoder = OTLPDecoder()) {
        users = UserStore(directory: directory, configuration: configuration)
        store = AggregateStore(directory: directory, configuration: configuration, limits: limits)
        self.decoder = decoder
        metrics = MetricsAggregator(limits: limits)
        logs = LogsAggregator(limits: limits)
    }

    /// Applies one export request. Throws ``IngestError``, ``PayloadError`` or ``StorageError``.
    public func ingest(_ signal: Signal, body: [UInt8], format: PayloadFormat, encoding: ContentEncoding,
                       user: UserID, now: Timestamp = .now()) throws -> ApplyReport {
        guard try users.isKnown(user) else { throw IngestError.unknownUser(user) }
        switch signal {
        case .metrics:
            let plain = try decoder.inflate(body, encoding: encoding)
            let request = try decoder.decodeMetricsBatch(plain, format: format)
            if request.resourceMetrics.isEmpty { return ApplyReport() }
            let identity = RequestIdentity(signal: .metrics, format: format, plainBody: plain)
            return try store.update(user) { document in
                try checkStillExists(user)
                return document.applyOnce(identity, now: now, limits: metrics.limits) {
                    metrics.apply(request, to: &$0, now: now)
                }
            }
        case .logs:
            let plain = try decoder.inflate(body, encoding: encoding)
            let request = try decoder.decodeLogsBatch(plain, format: format)
            if request.resourceLogs.isEmpty { return ApplyReport() }
            let identity = RequestIdentity(signal: .logs, format: format, plainBody: plain)
            return try store.update(user) { document in
                try checkStillExists(user)
                return document.applyOnce(identity, now: now, limits: logs.limits) {
                    logs.apply(request, to: &$0, now: now)
                }
            }
        }
    }
}

extension TelemetryIngestor {
    /// Checked again under the user's lock: `claude-telemetry user remove` may have removed the
    /// user between the first check and the lock, and nothing must be written for it then.
    func checkStillExists(_ user: UserID) throws {
        guard try users.isKnown(user) else { throw IngestError.unknownUser(user) }
    }
}

/// Request-level refusals that are not about the body or the disk.
public enum IngestError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownUser(UserID)

    public var description: String {
        switch self {
        case .unknownUser(let user):
            return "unknown user \(user): create it with `claude-telemetry user add --name NAME`"
        }
    }
}

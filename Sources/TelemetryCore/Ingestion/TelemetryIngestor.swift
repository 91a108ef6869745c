/// The core's entry point for one export request: check the user, decode the body, and fold
/// it into the user's aggregate. Decoding happens before any file is touched, so a bad body
/// changes nothing on disk.
public struct TelemetryIngestor: Sendable {
    public let users: UserStore
    public let store: AggregateStore
    public let decoder: OTLPDecoder
    public let metrics: MetricsAggregator
    public let logs: LogsAggregator
    public let traces: TracesAggregator

    public init(directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration(),
                limits: AggregationLimits = AggregationLimits(), decoder: OTLPDecoder = OTLPDecoder()) {
        users = UserStore(directory: directory, configuration: configuration)
        store = AggregateStore(directory: directory, configuration: configuration, limits: limits)
        self.decoder = decoder
        metrics = MetricsAggregator(limits: limits)
        logs = LogsAggregator(limits: limits)
        traces = TracesAggregator(limits: limits)
    }

    /// Applies one export request. Throws ``IngestError``, ``PayloadError`` or ``StorageError``.
    public func ingest(_ signal: Signal, body: [UInt8], format: PayloadFormat, encoding: ContentEncoding,
                       user: UserID, now: Timestamp = .now()) throws -> ApplyReport {
        guard users.exists(user) else { throw IngestError.unknownUser(user) }
        switch signal {
        case .metrics:
            let request = try decoder.decodeMetricsBatch(body, format: format, encoding: encoding)
            if request.resourceMetrics.isEmpty { return ApplyReport() }
            return try store.update(user) { document in
                try checkStillExists(user)
                let report = metrics.apply(request, to: &document, now: now)
                return (report, report.changedDocument)
            }
        case .logs:
            let request = try decoder.decodeLogsBatch(body, format: format, encoding: encoding)
            if request.resourceLogs.isEmpty { return ApplyReport() }
            return try store.update(user) { document in
                try checkStillExists(user)
                let report = logs.apply(request, to: &document, now: now)
                return (report, report.changedDocument)
            }
        case .traces:
            let request = try decoder.decodeTracesBatch(body, format: format, encoding: encoding)
            if request.resourceSpans.isEmpty { return ApplyReport() }
            return try store.update(user) { document in
                try checkStillExists(user)
                let report = traces.apply(request, to: &document, now: now)
                return (report, report.changedDocument)
            }
        }
    }
}

extension TelemetryIngestor {
    /// Checked again under the user's lock: `claude-telemetry user remove` may have removed the
    /// user between the first check and the lock, and nothing must be written for it then.
    func checkStillExists(_ user: UserID) throws(IngestError) {
        guard users.exists(user) else { throw .unknownUser(user) }
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

package import TelemetryDecoding

/// The core's entry point for one export request: check the user, decode the body, and fold
/// it into the user's aggregate. Decoding happens before any file is touched, so a bad body
/// changes nothing on disk.
package struct TelemetryIngestor: Sendable {
    package let users: UserStore
    package let store: AggregateStore
    package let decoder: OTLPDecoder
    package let metrics: MetricsAggregator
    package let logs: LogsAggregator
    package let traces: TracesAggregator

    package init(
        directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration(),
        limits: AggregationLimits = AggregationLimits(), decoder: OTLPDecoder = OTLPDecoder()
    ) {
        users = UserStore(directory: directory, configuration: configuration)
        store = AggregateStore(directory: directory, configuration: configuration, limits: limits)
        self.decoder = decoder
        metrics = MetricsAggregator(limits: limits)
        logs = LogsAggregator(limits: limits)
        traces = TracesAggregator(limits: limits)
    }

    /// Applies one export request. Throws ``IngestError``, ``PayloadError`` or ``StorageError``.
    package func ingest(
        _ signal: Signal, body: [UInt8], format: PayloadFormat, encoding: ContentEncoding,
        user: UserID, now: Timestamp = .now()
    ) throws -> ApplyReport {
        guard try users.isKnown(user) else { throw IngestError.unknownUser(user) }
        let plain = try decoder.inflate(body, encoding: encoding)
        let export = try decoder.decode(signal, plain, format: format, encoding: .identity)
        return try update(user, export, request: RequestIdentity(signal: signal, format: format, plainBody: plain), now: now)
    }

    /// Applies an already decoded export to `user` under the user's lock, once: `request`
    /// identifies the whole request for the replay window (see ``RequestIdentity``).
    package func apply(
        _ export: DecodedExport, request: RequestIdentity, user: UserID,
        now: Timestamp = .now()
    ) throws -> ApplyReport {
        guard try users.isKnown(user) else { throw IngestError.unknownUser(user) }
        return try update(user, export, request: request, now: now)
    }

    /// Applies a parked request of `source` whose sequence is `sequence`, unless the user's
    /// ``ParkedMarks`` say it was applied already (then nil, and nothing is written). The mark
    /// is written in the same document write as the figures, so a claim is exactly once
    /// however it is interrupted and re-run.
    package func applyParked(
        _ export: DecodedExport, request: RequestIdentity, user: UserID, source: String, sequence: UInt64,
        now: Timestamp = .now()
    ) throws -> ApplyReport? {
        guard try users.isKnown(user) else { throw IngestError.unknownUser(user) }
        return try store.update(user) { document -> (ApplyReport?, write: Bool) in
            try checkStillExists(user)
            if document.parkedApplied.covers(source, sequence) { return (nil, false) }
            var (report, _) = document.applyOnce(request, now: now, limits: metrics.limits) { document in
                switch export {
                case .metrics(let batch): metrics.apply(batch, to: &document, now: now)
                case .logs(let batch): logs.apply(batch, to: &document, now: now)
                case .traces(let batch): traces.apply(batch, to: &document, now: now)
                }
            }
            if export.isEmpty { report = ApplyReport() }
            document.parkedApplied.record(source, sequence)
            return (report, true)
        }
    }

    /// The update itself, for a user already checked once: checked again under the lock only.
    private func update(_ user: UserID, _ export: DecodedExport, request: RequestIdentity, now: Timestamp) throws
        -> ApplyReport
    {
        if export.isEmpty { return ApplyReport() }
        return try store.update(user) { document in
            try checkStillExists(user)
            return document.applyOnce(request, now: now, limits: metrics.limits) { document in
                switch export {
                case .metrics(let batch): metrics.apply(batch, to: &document, now: now)
                case .logs(let batch): logs.apply(batch, to: &document, now: now)
                case .traces(let batch): traces.apply(batch, to: &document, now: now)
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
package enum IngestError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownUser(UserID)

    package var description: String {
        switch self {
        case .unknownUser(let user):
            return "unknown user \(user): create it with `claude-telemetry user add --name NAME`"
        }
    }
}

import TelemetryStore

/// The service's own families: the parked area, and the counters every responder process
/// keeps (requests, refusals, rejected items, parked and claimed requests, durations), with
/// each counter's `_created` (when it first counted) in OpenMetrics.
enum ServiceExposition {
    static func write(_ figures: ServiceFigures, to writer: inout ExpositionWriter) {
        writer.createdSeconds = nil
        if let parked = figures.parked {
            writer.header(.parkedRequests)
            writer.sample(.parkedRequests, [], Double(parked.parkedRequests))
            writer.header(.parkedSources)
            writer.sample(.parkedSources, [], Double(parked.parkedInstallations))
            writer.header(.unknownUserRequests)
            writer.sample(.unknownUserRequests, [], Double(parked.unknownUserRequestsParked))
        }
        guard let totals = figures.counters else { return }
        let counters = totals.counters
        let keys = counters.keys.sorted()

        func family(
            _ metric: MetricFamily, _ kind: ServiceCounterFamily, labels: (ServiceCounterKey) -> [(key: String, value: String)]
        ) {
            writer.header(metric)
            let unlabelled = ServiceCounterKey(kind)
            if labels(unlabelled).isEmpty && counters[unlabelled] == nil {
                // Nothing counted yet: 0, so that alerts and rates see the series from the start.
                writer.sample(metric, [], 0)
            }
            for key in keys where key.family == kind {
                let entry = counters[key]!
                writer.createdSeconds = Double(entry.createdMilliseconds) / 1000
                writer.sample(metric, labels(key), Double(entry.value))
            }
            writer.createdSeconds = nil
        }
        family(.requests, .requests) { [("route", $0.first), ("status", $0.second)] }
        writer.header(.refused)
        for reason in Set(ServiceCounterKey.refusalReasons + keys.filter { $0.family == .refused }.map(\.first)).sorted() {
            let entry = counters[ServiceCounterKey(.refused, reason)]
            writer.createdSeconds = entry.map { Double($0.createdMilliseconds) / 1000 }
            writer.sample(.refused, [("reason", reason)], Double(entry?.value ?? 0))
        }
        writer.createdSeconds = nil
        family(.rejectedPoints, .rejectedPoints) { _ in [] }
        family(.rejectedRecords, .rejectedRecords) { _ in [] }
        family(.rejectedSpans, .rejectedSpans) { _ in [] }
        // Both sources from the start, at 0 until one parks, so that increase() sees the first.
        writer.header(.requestsParked)
        for source in Set(["installation", "unknown_user"] + keys.filter { $0.family == .parked }.map(\.first)).sorted() {
            let entry = counters[ServiceCounterKey(.parked, source)]
            writer.createdSeconds = entry.map { Double($0.createdMilliseconds) / 1000 }
            writer.sample(.requestsParked, [("source", source)], Double(entry?.value ?? 0))
        }
        writer.createdSeconds = nil
        family(.requestsClaimed, .claimed) { _ in [] }
        writeDuration(counters, to: &writer)
        writer.header(.unreadableCounterFiles)
        writer.sample(.unreadableCounterFiles, [], Double(totals.unreadableFiles))
    }

    /// The histogram: cumulative `_bucket`s up to `+Inf`, `_count` equal to `+Inf`, `_sum`
    /// in seconds, and (OpenMetrics) `_created`: when the first request was timed.
    private static func writeDuration(_ counters: [ServiceCounterKey: ServiceCounterValue], to writer: inout ExpositionWriter) {
        let name = MetricFamily.requestDuration.name
        writer.header(.requestDuration)
        let bounds = ServiceCounterKey.durationBounds
        var cumulative: UInt64 = 0
        var created = UInt64.max
        for index in 0...bounds.count {
            let entry = counters[ServiceCounterKey(.durationBucket, String(index))]
            cumulative &+= entry?.value ?? 0
            if let entry { created = min(created, entry.createdMilliseconds) }
            let bound = index < bounds.count ? ExpositionWriter.boundText(bounds[index]) : "+Inf"
            writer.sample(name: name + "_bucket", [("le", bound)], Double(cumulative))
        }
        // The count is the +Inf bucket (the buckets and the count are written together, so they agree).
        writer.sample(name: name + "_count", [], Double(cumulative))
        let micros = counters[ServiceCounterKey(.durationSumMicroseconds)]?.value ?? 0
        writer.sample(name: name + "_sum", [], Double(micros) / 1_000_000)
        if writer.format == .openMetrics, created != .max {
            writer.sample(name: name + "_created", [], Double(created) / 1000)
        }
    }
}

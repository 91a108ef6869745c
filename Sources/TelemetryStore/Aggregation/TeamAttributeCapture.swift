import TelemetryDecoding

/// Keeps, per user, the last value seen of each configured team attribute (`--team-attributes
/// department,team.id`). Claude Code copies `OTEL_RESOURCE_ATTRIBUTES` onto every data point and
/// log record; a point's or record's own attribute wins over its resource's.
extension AggregateDocument {
    /// Records the attributes of every point of `batch`, in order (the last one wins).
    mutating func captureTeamAttributes(_ batch: MetricsBatch, limits: AggregationLimits) {
        let keys = limits.teamAttributeKeys
        guard !keys.isEmpty else { return }
        for resourceMetrics in batch.resourceMetrics {
            let resource = Attributes(resourceMetrics.resource.attributes)
            for scopeMetrics in resourceMetrics.scopeMetrics {
                for metric in scopeMetrics.metrics {
                    switch metric.data {
                    case .sum(let sum):
                        for point in sum.dataPoints { capture(Attributes(point.attributes), resource, limits: limits) }
                    case .histogram(let histogram), .exponentialHistogram(let histogram):
                        for point in histogram.dataPoints { capture(Attributes(point.attributes), resource, limits: limits) }
                    case .none, .gauge, .summary:
                        continue
                    }
                }
            }
        }
    }

    /// Records the attributes of every record of `batch`, in order (the last one wins).
    mutating func captureTeamAttributes(_ batch: LogsBatch, limits: AggregationLimits) {
        guard !limits.teamAttributeKeys.isEmpty else { return }
        for resourceLogs in batch.resourceLogs {
            let resource = Attributes(resourceLogs.resource.attributes)
            for scopeLogs in resourceLogs.scopeLogs {
                for record in scopeLogs.logRecords { capture(Attributes(record.attributes), resource, limits: limits) }
            }
        }
    }

    /// Only configured keys are kept (at most ``AggregationLimits/teamAttributeLimit``), so the
    /// map is bounded even when the configuration changes; values are cut to `nameBytes`.
    private mutating func capture(_ own: Attributes, _ resource: Attributes, limits: AggregationLimits) {
        let keys = limits.teamAttributeKeys.prefix(AggregationLimits.teamAttributeLimit)
        for key in attributes.keys where !keys.contains(key) { attributes.removeValue(forKey: key) }
        for key in keys {
            guard let value = own.string(key) ?? resource.string(key) else { continue }
            attributes[key] = Self.truncated(value, toUTF8Bytes: limits.nameBytes)
        }
    }
}

extension AggregateCoding {
    static func writeAttributes(_ attributes: [String: String], to w: inout JSONWriter) {
        w.key("attributes")
        w.beginObject()
        for key in attributes.keys.sorted() {
            w.key(key)
            w.string(attributes[key]!)
        }
        w.endObject()
    }

    static func readAttributes(_ scanner: inout JSONScanner) throws -> [String: String] {
        var attributes: [String: String] = [:]
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            let value = try scanner.string()
            guard attributes.count < AggregationLimits.teamAttributeLimit else { continue }
            attributes[key] = value
        }
        return attributes
    }
}

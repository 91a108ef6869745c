package import OTLPProto
import TelemetryDecoding

// Conversions from the swift-protobuf messages (used for OTLP/JSON, and by tests that build
// requests field by field) into the batches aggregation reads.

extension OTLPValue {
    init(_ value: Opentelemetry_Proto_Common_V1_AnyValue) {
        switch value.value {
        case .none: self = .none
        case .stringValue(let text): self = .string(text)
        case .boolValue(let flag): self = .bool(flag)
        case .intValue(let number): self = .int(number)
        case .doubleValue(let number): self = .double(number)
        case .arrayValue(let array): self = .array(array.values.map(OTLPValue.init))
        case .kvlistValue(let list): self = .kvlist(list.values.map(OTLPAttribute.init))
        case .bytesValue(let bytes): self = .bytes(Array(bytes))
        }
    }
}

extension OTLPAttribute {
    init(_ keyValue: Opentelemetry_Proto_Common_V1_KeyValue) {
        self.init(key: keyValue.key, value: keyValue.hasValue ? OTLPValue(keyValue.value) : .none)
    }
}

extension MetricsBatch {
    package init(_ request: Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest) {
        self.init()
        resourceMetrics = request.resourceMetrics.map { resourceMetrics in
            ResourceMetrics(
                resource: OTLPResource(attributes: resourceMetrics.resource.attributes.map(OTLPAttribute.init)),
                scopeMetrics: resourceMetrics.scopeMetrics.map { scopeMetrics in
                    ScopeMetrics(
                        scope: OTLPScope(name: scopeMetrics.scope.name, version: scopeMetrics.scope.version),
                        metrics: scopeMetrics.metrics.map(Metric.init))
                })
        }
    }
}

extension MetricsBatch.Metric {
    package init(_ metric: Opentelemetry_Proto_Metrics_V1_Metric) {
        self.init()
        name = metric.name
        switch metric.data {
        case .none:
            data = .none
        case .gauge(let gauge):
            data = .gauge(points: gauge.dataPoints.count)
        case .summary(let summary):
            data = .summary(points: summary.dataPoints.count)
        case .sum(let sum):
            data = .sum(
                MetricsBatch.Sum(
                    dataPoints: sum.dataPoints.map { point in
                        let value: MetricsBatch.NumberPoint.Value? =
                            switch point.value {
                            case .asDouble(let double): .double(double)
                            case .asInt(let int): .int(int)
                            case .none: nil
                            }
                        return MetricsBatch.NumberPoint(
                            attributes: point.attributes.map(OTLPAttribute.init), startTimeUnixNano: point.startTimeUnixNano,
                            timeUnixNano: point.timeUnixNano, value: value, flags: point.flags)
                    },
                    aggregationTemporality: Int32(truncatingIfNeeded: sum.aggregationTemporality.rawValue),
                    isMonotonic: sum.isMonotonic))
        case .histogram(let histogram):
            data = .histogram(
                Self.histogram(
                    histogram.dataPoints.map {
                        ($0.attributes, $0.startTimeUnixNano, $0.timeUnixNano, $0.count, $0.hasSum ? $0.sum : nil, $0.flags)
                    },
                    temporality: histogram.aggregationTemporality.rawValue))
        case .exponentialHistogram(let histogram):
            data = .exponentialHistogram(
                Self.histogram(
                    histogram.dataPoints.map {
                        ($0.attributes, $0.startTimeUnixNano, $0.timeUnixNano, $0.count, $0.hasSum ? $0.sum : nil, $0.flags)
                    },
                    temporality: histogram.aggregationTemporality.rawValue))
        }
    }
}

extension MetricsBatch.Metric {
    /// Explicit and exponential histogram points carry the same fields aggregation reads.
    private static func histogram(
        _ points: [([Opentelemetry_Proto_Common_V1_KeyValue], UInt64, UInt64, UInt64, Double?, UInt32)], temporality: Int
    ) -> MetricsBatch.Histogram {
        MetricsBatch.Histogram(
            dataPoints: points.map { attributes, start, time, count, sum, flags in
                MetricsBatch.HistogramPoint(
                    attributes: attributes.map(OTLPAttribute.init), startTimeUnixNano: start,
                    timeUnixNano: time, count: count, sum: sum, flags: flags)
            },
            aggregationTemporality: Int32(truncatingIfNeeded: temporality))
    }
}

extension LogsBatch {
    package init(_ request: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest) {
        self.init()
        resourceLogs = request.resourceLogs.map { resourceLogs in
            ResourceLogs(
                resource: OTLPResource(attributes: resourceLogs.resource.attributes.map(OTLPAttribute.init)),
                scopeLogs: resourceLogs.scopeLogs.map { scopeLogs in
                    ScopeLogs(
                        scope: OTLPScope(name: scopeLogs.scope.name, version: scopeLogs.scope.version),
                        logRecords: scopeLogs.logRecords.map { record in
                            Record(
                                timeUnixNano: record.timeUnixNano, observedTimeUnixNano: record.observedTimeUnixNano,
                                severityNumber: record.severityNumber, severityText: record.severityText,
                                body: record.hasBody ? OTLPValue(record.body) : .none,
                                attributes: record.attributes.map(OTLPAttribute.init), eventName: record.eventName)
                        })
                })
        }
    }
}

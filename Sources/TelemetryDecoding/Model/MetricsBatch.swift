/// An `ExportMetricsServiceRequest`, reduced to what aggregation reads. Both decoders (the
/// hand-written protobuf one and the JSON one) produce it, so aggregation has one input type.
package struct MetricsBatch: Equatable, Sendable {
    package var resourceMetrics: [ResourceMetrics] = []
    package init(resourceMetrics: [ResourceMetrics] = []) { self.resourceMetrics = resourceMetrics }

    package struct ResourceMetrics: Equatable, Sendable {
        package var resource = OTLPResource()
        package var scopeMetrics: [ScopeMetrics] = []
        package init(resource: OTLPResource = OTLPResource(), scopeMetrics: [ScopeMetrics] = []) {
            self.resource = resource
            self.scopeMetrics = scopeMetrics
        }
    }

    package struct ScopeMetrics: Equatable, Sendable {
        package var scope = OTLPScope()
        package var metrics: [Metric] = []
        package init(scope: OTLPScope = OTLPScope(), metrics: [Metric] = []) {
            self.scope = scope
            self.metrics = metrics
        }
    }

    package struct Metric: Equatable, Sendable {
        package var name = ""
        package var data: DataKind = .none
        package init(name: String = "", data: DataKind = .none) {
            self.name = name
            self.data = data
        }
    }

    /// Which of the five metric kinds a metric is, with its points. Gauges and summaries are
    /// never aggregated, so only their point counts are kept.
    package enum DataKind: Equatable, Sendable {
        case none
        case gauge(points: Int)
        case sum(Sum)
        case histogram(Histogram)
        case exponentialHistogram(Histogram)
        case summary(points: Int)
    }

    package enum Temporality: Int, Equatable, Sendable {
        case unspecified = 0
        case delta = 1
        case cumulative = 2
    }

    package struct Sum: Equatable, Sendable {
        package var dataPoints: [NumberPoint] = []
        /// The raw enum value: anything but 1 or 2 is refused point by point.
        package var aggregationTemporality: Int32 = 0
        package var isMonotonic = false
        package init(dataPoints: [NumberPoint] = [], aggregationTemporality: Int32 = 0, isMonotonic: Bool = false) {
            self.dataPoints = dataPoints
            self.aggregationTemporality = aggregationTemporality
            self.isMonotonic = isMonotonic
        }
    }

    package struct NumberPoint: Equatable, Sendable {
        package enum Value: Equatable, Sendable {
            case double(Double)
            case int(Int64)
        }

        package var attributes: [OTLPAttribute] = []
        package var startTimeUnixNano: UInt64 = 0
        package var timeUnixNano: UInt64 = 0
        package var value: Value?
        package var flags: UInt32 = 0
        package init(
            attributes: [OTLPAttribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64 = 0,
            value: Value? = nil, flags: UInt32 = 0
        ) {
            self.attributes = attributes
            self.startTimeUnixNano = startTimeUnixNano
            self.timeUnixNano = timeUnixNano
            self.value = value
            self.flags = flags
        }
    }

    /// Explicit-bucket and exponential histograms alike: aggregation reads count and sum only.
    package struct Histogram: Equatable, Sendable {
        package var dataPoints: [HistogramPoint] = []
        package var aggregationTemporality: Int32 = 0
        package init(dataPoints: [HistogramPoint] = [], aggregationTemporality: Int32 = 0) {
            self.dataPoints = dataPoints
            self.aggregationTemporality = aggregationTemporality
        }
    }

    package struct HistogramPoint: Equatable, Sendable {
        package var attributes: [OTLPAttribute] = []
        package var startTimeUnixNano: UInt64 = 0
        package var timeUnixNano: UInt64 = 0
        package var count: UInt64 = 0
        package var sum: Double?
        package var flags: UInt32 = 0
        package init(
            attributes: [OTLPAttribute] = [], startTimeUnixNano: UInt64 = 0, timeUnixNano: UInt64 = 0,
            count: UInt64 = 0, sum: Double? = nil, flags: UInt32 = 0
        ) {
            self.attributes = attributes
            self.startTimeUnixNano = startTimeUnixNano
            self.timeUnixNano = timeUnixNano
            self.count = count
            self.sum = sum
            self.flags = flags
        }
    }
}

extension MetricsBatch.Metric {
    /// Number of data points, whatever the kind.
    package var pointCount: Int {
        switch data {
        case .none: 0
        case .gauge(let points), .summary(let points): points
        case .sum(let sum): sum.dataPoints.count
        case .histogram(let histogram), .exponentialHistogram(let histogram): histogram.dataPoints.count
        }
    }
}

/// An `ExportMetricsServiceRequest`, reduced to what aggregation reads. Both decoders (the
/// hand-written protobuf one and the JSON one) produce it, so aggregation has one input type.
public struct MetricsBatch: Equatable, Sendable {
    public var resourceMetrics: [ResourceMetrics] = []
    public init(resourceMetrics: [ResourceMetrics] = []) { self.resourceMetrics = resourceMetrics }

    public struct ResourceMetrics: Equatable, Sendable {
        public var resource = OTLPResource()
        public var scopeMetrics: [ScopeMetrics] = []
        public init(resource: OTLPResource = OTLPResource(), scopeMetrics: [ScopeMetrics] = []) {
            self.resource = resource
            self.scopeMetrics = scopeMetrics
        }
    }

    public struct ScopeMetrics: Equatable, Sendable {
        public var scope = OTLPScope()
        public var metrics: [Metric] = []
        public init(scope: OTLPScope = OTLPScope(), metrics: [Metric] = []) {
            self.scope = scope
            self.metrics = metrics
        }
    }

    public struct Metric: Equatable, Sendable {
        public var name = ""
        public var data: DataKind = .none
        public init(name: String = "", data: DataKind = .none) {
            self.name = name
            self.data = data
        }
    }

    /// Which of the five metric kinds a metric is, with its points. Gauges and summaries are
    /// never aggregated, so only their point counts are kept.
    public enum DataKind: Equatable, Sendable {
        case none
        case gauge(points: Int)
        case sum(Sum)
        case histogram(Histogram)
        case exponentialHistogram(Histogram)
        case summary(points: Int)
    }

    public enum Temporality: Int, Equatable, Sendable {
        case unspecified = 0
        case delta = 1
        case cumulative = 2
    }

    public struct Sum: Equatable, Sendable {
        public var dataPoints: [NumberPoint] = []
        /// The raw enum value: anything but 1 or 2 is refused point by point.
        public var aggregationTemporality: Int32 = 0
        public var isMonotonic = false
        public init(dataPoints: [NumberPoint] = [], aggregationTemporality: Int32 = 0, isMonotonic: Bool = false) {
            self.dataPoints = dataPoints
            self.aggregationTemporality = aggregationTemporality
            self.isMonotonic = isMonotonic
        }
    }

    public struct NumberPoint: Equatable, Sendable {
        public enum Value: Equatable, Sendable {
            case double(Double)
            case int(Int64)
        }

        public var attributes: [OTLPAttribute] = []
        public var startTimeUnixNano: UInt64 = 0
        public var timeUnixNano: UInt64 = 0
        public var value: Value?
        public var flags: UInt32 = 0
        public init(
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
    public struct Histogram: Equatable, Sendable {
        public var dataPoints: [HistogramPoint] = []
        public var aggregationTemporality: Int32 = 0
        public init(dataPoints: [HistogramPoint] = [], aggregationTemporality: Int32 = 0) {
            self.dataPoints = dataPoints
            self.aggregationTemporality = aggregationTemporality
        }
    }

    public struct HistogramPoint: Equatable, Sendable {
        public var attributes: [OTLPAttribute] = []
        public var startTimeUnixNano: UInt64 = 0
        public var timeUnixNano: UInt64 = 0
        public var count: UInt64 = 0
        public var sum: Double?
        public var flags: UInt32 = 0
        public init(
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

package import TelemetryDecoding

typealias NumberDataPoint = MetricsBatch.NumberPoint

/// Folds an OTLP metrics export into a user's aggregate with Claude Code's semantics:
/// delta points are added, cumulative points become deltas per series (resets detected),
/// replayed points are recognised, and unusable points are rejected and counted.
package struct MetricsAggregator: Sendable {
    package var limits: AggregationLimits

    /// A single point or attribute above this is refused as implausible (it could only be an
    /// error or an attack, and would make sums lose their integer precision).
    static let largestPlausibleValue = 1e15

    package init(limits: AggregationLimits = AggregationLimits()) {
        self.limits = limits
    }

    /// Applies every usable point of `request` to `document`; `now` stands in for a zero timestamp.
    package func apply(_ request: MetricsBatch, to document: inout AggregateDocument, now: Timestamp) -> ApplyReport {
        var report = ApplyReport()
        for resourceMetrics in request.resourceMetrics {
            var resourceHash = StableHash()
            resourceHash.combine(Attributes(resourceMetrics.resource.attributes).digest)
            for scopeMetrics in resourceMetrics.scopeMetrics {
                var scopeHash = resourceHash
                scopeHash.combine(scopeMetrics.scope.name)
                scopeHash.combine(scopeMetrics.scope.version)
                for metric in scopeMetrics.metrics {
                    apply(metric, scope: scopeHash, to: &document, now: now, report: &report)
                }
            }
        }
        if report.changedDocument { document.forgetIdleSeries(now: now, limits: limits) }
        document.received.metricRequests += 1
        document.received.dataPointsApplied += report.applied
        document.received.dataPointsRejected += report.rejected
        document.received.dataPointsDuplicate += report.duplicates
        if report.changedDocument { document.updatedAt = now.iso8601 }
        if report.changedDocument { document.captureTeamAttributes(request, limits: limits) }
        return report
    }

    private func apply(
        _ metric: MetricsBatch.Metric, scope: StableHash,
        to document: inout AggregateDocument, now: Timestamp, report: inout ApplyReport
    ) {
        guard let known = KnownMetric(rawValue: metric.name) else {
            report.ignored += metric.pointCount
            return
        }
        var metricHash = scope
        metricHash.combine(metric.name)

        switch (known.shape, metric.data) {
        case (.sum, .sum(var sum)) where sum.aggregationTemporality == 0:
            // Leniency: the seed specification's example sum states neither temporality nor
            // isMonotonic. Every known sum is a Claude Code counter, delta by default: read it so.
            sum.aggregationTemporality = Int32(MetricsBatch.Temporality.delta.rawValue)
            var metricHash = metricHash
            metricHash.combine(UInt64(bitPattern: Int64(sum.aggregationTemporality)))
            for point in sum.dataPoints {
                applySumPoint(
                    point, known: known, temporality: sum.aggregationTemporality, metricHash: metricHash,
                    to: &document, now: now, report: &report)
            }
        case (.sum, .sum(let sum)) where !sum.isMonotonic:
            for _ in sum.dataPoints { report.reject("\(metric.name) must be a monotonic Sum") }
        case (.sum, .sum(let sum)):
            // Temporality is part of the series: a sender switching to cumulative starts new series.
            var metricHash = metricHash
            metricHash.combine(UInt64(bitPattern: Int64(sum.aggregationTemporality)))
            for point in sum.dataPoints {
                applySumPoint(
                    point, known: known, temporality: sum.aggregationTemporality, metricHash: metricHash,
                    to: &document, now: now, report: &report)
            }
        case (.histogram, .histogram(let histogram)), (.histogram, .exponentialHistogram(let histogram)):
            // Explicit and exponential histograms alike: only count and sum are read.
            var metricHash = metricHash
            metricHash.combine(UInt64(bitPattern: Int64(histogram.aggregationTemporality)))
            for point in histogram.dataPoints {
                applyHistogramPoint(
                    point, known: known, temporality: histogram.aggregationTemporality,
                    metricHash: metricHash, to: &document, now: now, report: &report)
            }
        default:
            let points = metric.pointCount
            let expected = known.shape == .sum ? "a monotonic Sum" : "a Histogram"
            for _ in 0..<points { report.reject("\(metric.name) must be \(expected)") }
        }
    }

    // MARK: Reading a point

    /// Validates a sum's point and applies it as a reading; an ignored or rejected point is counted.
    private func applySumPoint(
        _ point: NumberDataPoint, known: KnownMetric,
        temporality: Int32,
        metricHash: StableHash, to document: inout AggregateDocument, now: Timestamp,
        report: inout ApplyReport
    ) {
        if point.flags & 1 != 0 {
            report.ignored += 1  // DATA_POINT_FLAGS_NO_RECORDED_VALUE: nothing to add.
            return
        }
        let value: Double
        switch point.value {
        case .double(let double)?: value = double
        case .int(let int)?: value = Double(int)
        case nil:
            report.reject("\(known.rawValue): data point has no value")
            return
        }
        guard value.isFinite else {
            report.reject("\(known.rawValue): value is NaN or infinite")
            return
        }
        guard value >= 0 else {
            report.reject("\(known.rawValue): negative value on a counter")
            return
        }
        guard value <= Self.largestPlausibleValue else {
            report.reject("\(known.rawValue): value is implausibly large")
            return
        }
        let reading = PointReading(
            start: point.startTimeUnixNano, time: point.timeUnixNano,
            attributes: Attributes(point.attributes), value: value, count: 0, amountIsCount: false)
        apply(
            reading, known: known, temporality: temporality, metricHash: metricHash, to: &document, now: now,
            report: &report)
    }

    /// Validates a histogram's point and applies it as a reading: only its count and sum are read.
    private func applyHistogramPoint(
        _ point: MetricsBatch.HistogramPoint, known: KnownMetric,
        temporality: Int32,
        metricHash: StableHash, to document: inout AggregateDocument, now: Timestamp,
        report: inout ApplyReport
    ) {
        if point.flags & 1 != 0 {
            report.ignored += 1
            return
        }
        let count = Double(point.count)
        let sum = point.sum ?? 0
        if known.usesHistogramSum && point.sum == nil && count > 0 {
            report.reject("\(known.rawValue): histogram point has no sum")
            return
        }
        guard sum.isFinite else {
            report.reject("\(known.rawValue): sum is NaN or infinite")
            return
        }
        guard sum >= 0, sum <= Self.largestPlausibleValue, count <= Self.largestPlausibleValue else {
            report.reject("\(known.rawValue): sum is negative or implausibly large")
            return
        }
        let reading = PointReading(
            start: point.startTimeUnixNano, time: point.timeUnixNano,
            attributes: Attributes(point.attributes), value: sum, count: count,
            amountIsCount: !known.usesHistogramSum)
        apply(
            reading, known: known, temporality: temporality, metricHash: metricHash, to: &document, now: now,
            report: &report)
    }

    // MARK: Applying a reading

    /// The one delta/cumulative bookkeeping for sums and histograms: routes the reading by its
    /// attributes, recognises replays (delta) or turns the reading into the increase since the
    /// series' last one (cumulative), remembers the series and adds the amount to the figures.
    private func apply(
        _ reading: PointReading, known: KnownMetric, temporality: Int32,
        metricHash: StableHash, to document: inout AggregateDocument, now: Timestamp,
        report: inout ApplyReport
    ) {
        let contributions: [MetricContribution]
        do {
            contributions = try known.contributions(reading.attributes)
        } catch {
            report.reject("\(known.rawValue): \(error.message)")
            return
        }

        let seriesKey = Self.seriesKey(metricHash, reading.attributes)
        var state = document.series[seriesKey] ?? SeriesState()
        let amount: Double
        switch MetricsBatch.Temporality(rawValue: Int(temporality)) {
        case .delta?:
            let pointDigest = Self.pointDigest(start: reading.start, time: reading.time)
            if state.recent.contains(pointDigest) {
                report.duplicates += 1
                return
            }
            state.recent.append(pointDigest, keepingAtMost: limits.recentPointsPerSeries)
            amount = reading.amount(value: reading.value, count: reading.count)
        case .cumulative?:
            if let reason = ReceiveTimeBound.futureReadingReason(start: reading.start, time: reading.time, receivedAt: now) {
                report.reject("\(known.rawValue): \(reason)")
                return
            }
            switch Self.cumulativeStep(
                state: document.series[seriesKey], start: reading.start, time: reading.time,
                value: reading.value, count: reading.count)
            {
            case .stale:
                report.duplicates += 1
                return
            case .delta(let valueIncrease, let countIncrease):
                amount = reading.amount(value: valueIncrease, count: countIncrease)
            }
            state.value = reading.value
            state.count = reading.count
        default:
            report.reject("\(known.rawValue): aggregationTemporality must be delta (1) or cumulative (2)")
            return
        }
        state.start = reading.start
        state.time = reading.time

        document.touchSeries(seriesKey, state, now: now, limits: limits)
        let day = ReceiveTimeBound.day(reading.time, receivedAt: now, zone: limits.dayZone)
        let session = reading.attributes.string("session.id")
        let seconds = ReceiveTimeBound.seconds(reading.time, receivedAt: now)
        for contribution in contributions {
            document.add(
                contribution.figure, amount * contribution.scale,
                to: .init(
                    day: day, model: contribution.model, tool: contribution.tool,
                    querySource: contribution.querySource, countsInTotals: contribution.countsInTotals,
                    session: session, seconds: seconds),
                limits: limits)
        }
        document.metricsSeen.insert(known.rawValue)
        report.applied += 1
    }

    // MARK: Cumulative to delta

    enum CumulativeStep: Equatable {
        /// The amount (and histogram count) that is new since the last reading.
        case delta(Double, Double)
        /// A reading no newer than one already applied (replay or reordering): add nothing.
        case stale
    }

    /// Turns a cumulative reading into the increase since the previous reading of the series.
    /// A new start time, or a value that went down with the same start, is a reset: the whole
    /// value is new. A reading from an older start, or not later than the last one, is stale.
    static func cumulativeStep(state: SeriesState?, start: UInt64, time: UInt64, value: Double, count: Double) -> CumulativeStep {
        guard let state else { return .delta(value, count) }
        if start < state.start { return .stale }
        if start > state.start { return .delta(value, count) }
        if time <= state.time { return .stale }
        if value < state.value || count < state.count { return .delta(value, count) }
        return .delta(value - state.value, count - state.count)
    }

    // MARK: Helpers

    static func seriesKey(_ metricHash: StableHash, _ attributes: Attributes) -> UInt64 {
        var hash = metricHash
        hash.combine(attributes.digest)
        return hash.value
    }

    static func pointDigest(start: UInt64, time: UInt64) -> UInt64 {
        var hash = StableHash()
        hash.combine(start)
        hash.combine(time)
        return hash.value
    }
}

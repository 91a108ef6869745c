/// What is remembered about one metric series (metric name + resource + scope + point
/// attributes) between requests: the last cumulative reading, to turn running totals into
/// deltas, and the times of recent delta points, to recognise a replayed batch.
struct SeriesState: Equatable, Sendable {
    /// `start_time_unix_nano` of the last accepted point.
    var start: UInt64 = 0
    /// `time_unix_nano` of the last accepted point.
    var time: UInt64 = 0
    /// Last cumulative value (sum value, or histogram sum).
    var value: Double = 0
    /// Last cumulative histogram count.
    var count: Double = 0
    /// Store-wide order of the last update, for least-recently-seen eviction.
    var touched: UInt64 = 0
    /// Receive time of the last update, in seconds: idle series are forgotten (see
    /// ``AggregationLimits/replayWindowSeconds`` and ``AggregationLimits/cumulativeSeriesSeconds``).
    var seen: UInt64 = 0
    /// Digests of (start, time) of the most recent delta points, newest last.
    var recent = PointDigests()
}

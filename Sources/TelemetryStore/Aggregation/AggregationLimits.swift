/// Bounds on everything in a user's document that grows with input, so that no sender can
/// make a file (or the time to rewrite it) grow without limit.
package struct AggregationLimits: Sendable, Equatable {
    /// Distinct model names kept; further names are folded into ``overflowName``.
    package var models: Int = 200
    /// Distinct models kept per day under `dayModels` (a day sees few); further models of that
    /// day are folded into ``overflowName``.
    package var dayModels: Int = 12
    /// Distinct tool names kept; further names are folded into ``overflowName``.
    package var tools: Int = 200
    /// Distinct `query_source` values kept; further values are folded into ``overflowName``.
    package var querySources: Int = 200
    /// Distinct event names counted under `events`; further names are folded into ``overflowName``.
    package var eventNames: Int = 100
    /// Days (cut in ``dayZone``) kept under `days`; the oldest day is dropped first (totals keep everything).
    package var days: Int = Self.defaultDays
    /// The default of `days` (and of `--retention-days`).
    package static let defaultDays = 400
    /// Series whose last cumulative value (and recent delta point times) are remembered;
    /// the series seen least recently is forgotten first. A forgotten cumulative series seen
    /// again counts its whole running total once more, so this is generous.
    package var series: Int = 4096
    /// Recent point times remembered per delta series, for replay detection (at most
    /// ``PointDigests/capacity``, which are held inline).
    package var recentPointsPerSeries: Int = 8
    /// Digests of recently applied log records remembered, for replay detection.
    package var recentRecords: Int = 4096
    /// Digests of recently applied whole requests remembered (``RequestIdentity``), for
    /// replays of requests larger than the per-record and per-series windows.
    package var recentRequests: Int = 128
    /// How long replay-detection state is kept after it was last used, in seconds of receive
    /// time: digests of log records, and the state of delta series. Exporters retry a batch
    /// within minutes; an hour leaves a wide margin.
    package var replayWindowSeconds: UInt64 = 3600
    /// How long a cumulative series' last reading is kept after it was last updated. A series
    /// that reappears later counts its whole running total again.
    package var cumulativeSeriesSeconds: UInt64 = 7 * 86_400
    /// Longest model / tool / event name kept, in UTF-8 bytes; longer names are cut.
    package var nameBytes: Int = 128

    /// Attribute keys whose last value is kept per user (`--team-attributes`), at most
    /// ``teamAttributeLimit``; values are cut to ``nameBytes``.
    package var teamAttributeKeys: [String] = []
    package static let teamAttributeLimit = 16

    /// Sessions (`session.id`) kept per user, the most recently active; older ones are dropped
    /// (the totals keep everything).
    package var sessions: Int = 100
    /// Model names remembered per session.
    package var sessionModels: Int = 8

    /// The zone in which points are cut into days (`--timezone`).
    package var dayZone: DayZone = .utc

    /// The bucket that absorbs names beyond a map's bound.
    package static let overflowName = "(other)"

    package init() {}
}

/// A user's aggregate: everything the dashboard reads, plus the bookkeeping that makes
/// updates exact (per-source raw figures, cumulative series state, replay windows).
///
/// On disk it is `aggregate.json` (see ``AggregateCoding``); in memory the raw figures are
/// authoritative and the published numbers are derived from them on encoding.
package struct AggregateDocument: Equatable, Sendable {
    package static let schemaVersion = 1

    package var userId: String
    /// ISO 8601 time of the last change.
    package var updatedAt: String?
    package var totals = Figures()
    package internal(set) var days = PackedMap<Figures>()
    /// Per day, the figures of each model used that day (cost and tokens by model and day), at
    /// most ``AggregationLimits/dayModels`` models a day. Its days are always days of `days`;
    /// days stored before the split was kept have none. Coded inside each day entry.
    package internal(set) var dayModels = PackedMap<[String: Figures]>()
    package internal(set) var models: [String: Figures] = [:]
    package internal(set) var tools: [String: Figures] = [:]
    /// Tokens, cost and API requests per `query_source` (main conversation, subagents, …).
    package internal(set) var querySources: [String: Figures] = [:]
    /// Latency and durations from trace spans.
    package internal(set) var traces: TraceFigures
    /// Log events counted by name (without the `claude_code.` prefix).
    package internal(set) var events: [String: Int] = [:]
    package var received = ReceiveCounters()
    /// The last value seen of each configured team attribute (`--team-attributes`).
    package var attributes: [String: String] = [:]
    /// The last ``AggregationLimits/sessions`` sessions by `session.id`, with their figures;
    /// read in place from the binary copy, as the days are (a write touches one or two).
    package internal(set) var sessions = PackedMap<SessionRecord>()
    /// Names of the aggregated metrics this user has sent at least one valid point of.
    package var metricsSeen: Set<String> = []

    var series = SeriesMap()
    var recentRecords: RecentDigests
    /// Digests of recently applied requests (see ``RequestIdentity``).
    var recentRequests: RecentDigests
    /// Increases with every series update; orders series for eviction.
    var seriesClock: UInt64 = 0
    /// What the update in progress wrote and removed (not part of the value, never stored).
    var updateLog = UpdateLog()
    /// Which journal generation follows this document on disk (see ``AggregateStore``): the
    /// journal's records apply to the stored document only when their generations match.
    package var journalGeneration: UInt64 = 0
    /// The parked requests already applied, per source (see ``ParkedMarks``).
    package internal(set) var parkedApplied = ParkedMarks()

    package init(user: UserID, limits: AggregationLimits = AggregationLimits()) {
        userId = user.rawValue
        recentRecords = RecentDigests(capacity: limits.recentRecords)
        recentRequests = RecentDigests(capacity: limits.recentRequests)
        traces = TraceFigures(limits: limits)
    }

    package var sourceSelection: SourceSelection { SourceSelection(metricsSeen: metricsSeen) }

    /// Number of series whose state is remembered.
    package var rememberedSeries: Int { series.count }

    /// The days from `lowest` on (every day when nil) that `wanted` accepts, sorted, each with
    /// its figures and its model map (empty when it has none). Each map is read in one pass: a
    /// day looked up in a map read in place is a scan.
    package func daysWithModels(
        from lowest: String? = nil, where wanted: (String) -> Bool = { _ in true }
    ) -> [(day: String, figures: Figures, models: [String: Figures])] {
        let models = Dictionary(dayModels.entries(from: lowest, where: wanted), uniquingKeysWith: { first, _ in first })
        return days.entries(from: lowest, where: wanted).sorted { $0.key < $1.key }.map {
            ($0.key, $0.value, models[$0.key] ?? [:])
        }
    }
}

/// A user's aggregate: everything the dashboard reads, plus the bookkeeping that makes
/// updates exact (per-source raw figures, cumulative series state, replay windows).
///
/// On disk it is `aggregate.json` (see ``AggregateCoding``); in memory the raw figures are
/// authoritative and the published numbers are derived from them on encoding.
public struct AggregateDocument: Equatable, Sendable {
    public static let schemaVersion = 1

    public var userId: String
    /// ISO 8601 time of the last change.
    public var updatedAt: String?
    public var totals = Figures()
    public internal(set) var days: [String: Figures] = [:]
    /// Per day, the figures of each model used that day (cost and tokens by model and day), at
    /// most ``AggregationLimits/dayModels`` models a day. Its days are always days of `days`;
    /// days stored before the split was kept have none. Coded inside each day entry.
    public internal(set) var dayModels: [String: [String: Figures]] = [:]
    public internal(set) var models: [String: Figures] = [:]
    public internal(set) var tools: [String: Figures] = [:]
    /// Tokens, cost and API requests per `query_source` (main conversation, subagents, …).
    public internal(set) var querySources: [String: Figures] = [:]
    /// Latency and durations from trace spans.
    public internal(set) var traces: TraceFigures
    /// Log events counted by name (without the `claude_code.` prefix).
    public internal(set) var events: [String: Int] = [:]
    public var received = ReceiveCounters()
    /// The last value seen of each configured team attribute (`--team-attributes`).
    public var attributes: [String: String] = [:]
    /// The last ``AggregationLimits/sessions`` sessions by `session.id`, with their figures.
    public internal(set) var sessions: [String: SessionRecord] = [:]
    /// Names of the aggregated metrics this user has sent at least one valid point of.
    public var metricsSeen: Set<String> = []

    var series: [UInt64: SeriesState] = [:]
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
    public internal(set) var parkedApplied = ParkedMarks()

    public init(user: UserID, limits: AggregationLimits = AggregationLimits()) {
        userId = user.rawValue
        recentRecords = RecentDigests(capacity: limits.recentRecords)
        recentRequests = RecentDigests(capacity: limits.recentRequests)
        traces = TraceFigures(limits: limits)
    }

    public var sourceSelection: SourceSelection { SourceSelection(metricsSeen: metricsSeen) }

    /// Number of series whose state is remembered.
    public var rememberedSeries: Int { series.count }
}

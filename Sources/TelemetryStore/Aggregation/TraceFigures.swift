/// What a user's trace spans (Claude Code's enhanced telemetry beta) add to the document:
/// latency per model from `claude_code.llm_request` spans and durations per tool from
/// `claude_code.tool` spans. Spans' token counts are never read: the metrics and events already
/// carry them, and adding them again would count every token twice.
package struct TraceFigures: Equatable, Sendable {
    /// One model's API requests as seen by `claude_code.llm_request` spans.
    package struct RequestLatency: Equatable, Sendable {
        /// Every request (its count is the number of spans).
        package var durationMs = DurationStats()
        /// Time to first token, for the requests that report one.
        package var ttftMs = DurationStats()
        /// Requests whose span says `success` = false (or, without that attribute, status ERROR).
        package var failures = 0
        package init() {}
    }

    /// Per model name, bounded like `models`.
    package var models: [String: RequestLatency] = [:]
    /// Per tool name, bounded like `tools`.
    package var tools: [String: DurationStats] = [:]
    /// Digests of recently applied spans, for replay detection (same window as log records).
    var recentSpans: RecentDigests

    init(limits: AggregationLimits) {
        recentSpans = RecentDigests(capacity: limits.recentRecords)
    }
}

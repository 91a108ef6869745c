/// The published view of one bucket, as a dashboard reads it. Counts are integers, cost and
/// minutes are numbers; `raw` carries the bucket's per-source figures it was derived from.
package struct PublishedTotals {
    package var totalSessions: Int64 = 0
    package var agentsViewStarts: Int64 = 0
    package var totalInputTokens: Int64 = 0
    package var totalOutputTokens: Int64 = 0
    package var totalCacheReadTokens: Int64 = 0
    package var totalCacheCreationTokens: Int64 = 0
    package var totalTokenCostUsd: Double = 0
    package var totalLinesAdded: Int64 = 0
    package var totalLinesRemoved: Int64 = 0
    package var totalMinutes: Double = 0
    package var aiAssistedCommits: Int64 = 0
    package var prsCreated: Int64 = 0
    package var editDecisions: Int64 = 0
    package var editsAccepted: Int64 = 0
    package var editsRejected: Int64 = 0
    package var totalToolCalls: Int64 = 0
    package var apiRequests: Int64 = 0
    package var apiErrors: Int64 = 0
    package var raw: Figures

    package init(_ f: Figures, _ s: SourceSelection) {
        raw = f
        totalSessions = count(f[.sessions])
        agentsViewStarts = count(f[.agentsViewStarts])
        totalInputTokens = count(s.inputTokens(f))
        totalOutputTokens = count(s.outputTokens(f))
        totalCacheReadTokens = count(s.cacheReadTokens(f))
        totalCacheCreationTokens = count(s.cacheCreationTokens(f))
        totalTokenCostUsd = s.cost(f)
        totalLinesAdded = count(f[.linesAdded])
        totalLinesRemoved = count(f[.linesRemoved])
        totalMinutes = f[.activeSeconds] / 60
        aiAssistedCommits = count(f[.commits])
        prsCreated = count(f[.pullRequests])
        editsAccepted = count(s.editsAccepted(f))
        editsRejected = count(s.editsRejected(f))
        editDecisions = editsAccepted &+ editsRejected
        totalToolCalls = count(s.toolCalls(f))
        apiRequests = count(s.apiRequests(f))
        apiErrors = count(f[.apiErrors])
    }

}

/// The published view of one model.
package struct PublishedModel {
    package var inputTokens: Int64 = 0
    package var outputTokens: Int64 = 0
    package var cacheReadTokens: Int64 = 0
    package var cacheCreationTokens: Int64 = 0
    package var costUsd: Double = 0
    package var apiRequests: Int64 = 0
    package var apiErrors: Int64 = 0
    package var raw: Figures

    package init(_ f: Figures, _ s: SourceSelection) {
        raw = f
        inputTokens = count(s.inputTokens(f))
        outputTokens = count(s.outputTokens(f))
        cacheReadTokens = count(s.cacheReadTokens(f))
        cacheCreationTokens = count(s.cacheCreationTokens(f))
        costUsd = s.cost(f)
        apiRequests = count(s.apiRequests(f))
        apiErrors = count(f[.apiErrors])
    }

}

/// The published view of one tool.
package struct PublishedTool {
    package var calls: Int64 = 0
    package var failures: Int64 = 0
    package var accepts: Int64 = 0
    package var rejects: Int64 = 0
    package var raw: Figures

    package init(_ f: Figures, tool: String, _ s: SourceSelection) {
        raw = f
        calls = count(s.toolCalls(f))
        failures = count(f[.toolFailures])
        accepts = count(s.toolAccepts(f, tool: tool))
        rejects = count(s.toolRejects(f, tool: tool))
    }

}

/// Rounds a raw sum to the published integer, clamped to the representable range.
func count(_ value: Double) -> Int64 {
    let rounded = value.rounded()
    if rounded >= 9.2e18 { return Int64.max }
    if rounded <= -9.2e18 { return Int64.min }
    return Int64(rounded)
}
